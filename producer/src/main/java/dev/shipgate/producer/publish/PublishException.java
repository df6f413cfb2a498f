package dev.shipgate.producer.publish;

/** An event could not be published; nothing is dropped without one of these. */
public class PublishException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PublishException(String message, Throwable cause) {
    super(message, cause);
  }

  public PublishException(String message) {
    super(message);
  }
}
