package dev.shipgate.producer.remote;

import java.time.Duration;
import java.util.Objects;

/** Assembles the runners the driver uses. */
public final class CommandRunners {
  private CommandRunners() {}

  /**
   * A runner that sends a node's commands over SSH ({@code ssh}) when the node has a private key,
   * and runs them on this machine ({@code local}) otherwise. Closing it closes both.
   */
  public static CommandRunner byNode(CommandRunner ssh, CommandRunner local) {
    Objects.requireNonNull(ssh, "ssh");
    Objects.requireNonNull(local, "local");
    return new CommandRunner() {
      @Override
      public CommandResult run(Node node, String command, Duration timeout) {
        return (node.privateKey() != null ? ssh : local).run(node, command, timeout);
      }

      @Override
      public void close() {
        try {
          ssh.close();
        } finally {
          local.close();
        }
      }
    };
  }

  /**
   * The driver's runner: SSH (JSch, sessions reused) for nodes with a private key, local
   * otherwise, transient failures retried 3 times in all with 200 ms, 400 ms backoff.
   *
   * @param strictHostKeyChecking false turns host key verification off (warned; record it)
   * @param connectTimeout SSH connect bound
   */
  public static CommandRunner standard(boolean strictHostKeyChecking, Duration connectTimeout) {
    JschCommandRunner ssh = JschCommandRunner.builder()
        .strictHostKeyChecking(strictHostKeyChecking)
        .connectTimeout(connectTimeout)
        .build();
    return new RetryingCommandRunner(byNode(ssh, new LocalCommandRunner()), 3,
        Duration.ofMillis(200), Duration.ofSeconds(2));
  }
}
