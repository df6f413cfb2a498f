package dev.shipgate.producer.campaign;

import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.CommandRunner;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.remote.RemoteException;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * Makes a command that could not reach its node loud: the failure (after the retries of the
 * wrapped runner) is reported the moment it happens, and a permanent one (an unknown or changed
 * host key, authentication refused) stops the campaign, since nothing it measures on that node
 * could be trusted. The exception is rethrown unchanged for the caller to handle.
 */
final class ReportingCommandRunner implements CommandRunner {
  private final CommandRunner delegate;
  private final BiConsumer<RemoteException, Node> onFailure;

  ReportingCommandRunner(CommandRunner delegate, BiConsumer<RemoteException, Node> onFailure) {
    this.delegate = delegate;
    this.onFailure = onFailure;
  }

  @Override
  public CommandResult run(Node node, String command, Duration timeout) {
    try {
      return delegate.run(node, command, timeout);
    } catch (RemoteException e) {
      onFailure.accept(e, node);
      throw e;
    }
  }

  @Override
  public void close() {
    delegate.close();
  }
}
