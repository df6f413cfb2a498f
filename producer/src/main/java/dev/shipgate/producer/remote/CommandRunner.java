package dev.shipgate.producer.remote;

import java.time.Duration;

/**
 * Runs shell commands on nodes. One interface for every way of reaching a node (SSH with JSch, the
 * local machine for single-machine harnesses, a capturing runner in unit tests), so fault workers
 * and phase checks are tested by asserting the exact command lines they send.
 *
 * <p>Implementations log every command with its result ({@code RUN: ... RESULT: ...}) and never
 * leave a session open.
 */
public interface CommandRunner extends AutoCloseable {

  /**
   * Runs {@code command} with {@code /bin/sh -c} semantics on {@code node} and waits for it.
   *
   * @return the result; a non-zero exit status is a result, not an exception
   * @throws RemoteException when the command could not be run at all (connection refused,
   *     authentication failed, host key unknown or changed, timed out): see
   *     {@link RemoteException#transientFailure()}
   */
  CommandResult run(Node node, String command, Duration timeout);

  @Override
  default void close() {}
}
