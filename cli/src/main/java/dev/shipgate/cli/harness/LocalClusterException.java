package dev.shipgate.cli.harness;

/** The local cluster could not be started, checked or stopped; the message says why. */
public class LocalClusterException extends RuntimeException {
  public LocalClusterException(String message) {
    super(message);
  }

  public LocalClusterException(String message, Throwable cause) {
    super(message, cause);
  }
}
