package dev.shipgate.cli;

/** A failure the CLI reports as one line and exit code 2 (no stack trace unless --verbose). */
public class ShipgateException extends RuntimeException {
  public ShipgateException(String message) {
    super(message);
  }

  public ShipgateException(String message, Throwable cause) {
    super(message, cause);
  }
}
