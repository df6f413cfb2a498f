package dev.shipgate.cli;

import dev.shipgate.schemas.registry.SchemaRegistry;
import dev.shipgate.streams.ShipgateStreams;
import dev.shipgate.streams.StreamsConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shipgate streams}: the verdict pipeline, until Ctrl-C. */
@Command(name = "streams", mixinStandardHelpOptions = true,
    description = "Runs the Kafka Streams application (exactly_once_v2): per-cycle convergence,"
        + " bounds per fault class, phase and campaign verdicts, alerts, dead letters."
        + " Runs until Ctrl-C.")
public final class StreamsCommand implements Callable<Integer> {

  @Option(names = "--application-id", paramLabel = "ID", defaultValue = "shipgate-streams",
      description = "Streams application id (default: ${DEFAULT-VALUE})")
  String applicationId;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "local state directory (default: <shipgate home>/.shipgate/streams-state)")
  Path stateDir;

  @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "1",
      description = "replication factor of internal topics (default: ${DEFAULT-VALUE}; use 3 on a real cluster)")
  int replicationFactor;

  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() throws Exception {
    try (SchemaRegistry registry = connection.registry();
        ShipgateStreams streams = new ShipgateStreams(props(connection, applicationId,
            stateDir, replicationFactor), registry)) {
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "shipgate-streams-stop"));
      streams.start();
      if (!streams.awaitRunning(Duration.ofSeconds(60))) {
        throw new ShipgateException("streams did not reach RUNNING: "
            + (streams.failure() == null ? "state " + streams.state() : Main.describe(streams.failure())));
      }
      System.out.println("streams running as " + applicationId + " (Ctrl-C to stop)");
      stop.await();
    }
    return ExitCodes.OK;
  }

  static java.util.Properties props(ConnectionOptions connection, String applicationId,
      Path stateDir, int replicationFactor) {
    Map<String, Object> overrides = new HashMap<>();
    connection.clientProperties().forEach((k, v) -> overrides.put(k.toString(), v));
    overrides.put("application.id", applicationId);
    overrides.put("replication.factor", replicationFactor);
    overrides.put("state.dir", (stateDir != null ? stateDir
        : Home.dir().resolve(".shipgate").resolve("streams-state")).toString());
    return StreamsConfigFactory.create(connection.bootstrapServers(), overrides);
  }
}
