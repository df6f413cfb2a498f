package dev.shipgate.cli.images;

/** An image could not be built or inspected; the message is one line naming the image. */
public final class ImageException extends RuntimeException {
  public ImageException(String message) {
    super(message);
  }
}
