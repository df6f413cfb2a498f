package dev.shipgate.cli.stack;

/** The local stack could not do what was asked; the message says why and where to look. */
public class StackException extends RuntimeException {
  public StackException(String message) {
    super(message);
  }

  public StackException(String message, Throwable cause) {
    super(message, cause);
  }
}
