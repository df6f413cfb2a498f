package dev.shipgate.producer.remote;

/**
 * A command could not be run on a node. Transient failures (connection refused or reset, a
 * timeout) may be retried with backoff; permanent ones (authentication refused, unknown or changed
 * host key, bad configuration) never are.
 */
public class RemoteException extends RuntimeException {
  private final boolean transientFailure;

  public RemoteException(String message, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  public boolean transientFailure() {
    return transientFailure;
  }
}
