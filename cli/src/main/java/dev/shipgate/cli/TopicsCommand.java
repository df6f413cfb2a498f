package dev.shipgate.cli;

import dev.shipgate.cli.stack.TopicCreator;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shipgate topics create}: the topic table on an existing cluster. */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = "Creates the missing shipgate topics (partitions, cleanup policy, retention as"
        + " in the README's table) on the cluster given by --bootstrap-servers.")
public final class TopicsCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "ACTION", description = "create")
  Action action;

  enum Action { create }

  @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "1",
      description = "replication factor of new topics (default: ${DEFAULT-VALUE}; 3 on a real cluster)")
  short replicationFactor;

  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() {
    try (Admin admin = Admin.create(connection.clientProperties())) {
      TopicCreator.Result result = TopicCreator.createMissing(admin, replicationFactor);
      result.created().forEach(t -> System.out.println("created " + t));
      result.existing().forEach(t -> System.out.println("exists  " + t));
      result.updated().forEach(c -> System.out.println("config  " + c));
    }
    return ExitCodes.OK;
  }
}
