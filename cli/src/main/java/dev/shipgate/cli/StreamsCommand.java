package dev.shipgate.cli;

import dev.shipgate.schemas.registry.SchemaRegistry;
import dev.shipgate.streams.ShipgateStreams;
import dev.shipgate.streams.StreamsConfigFactory;
import dev.shipgate.streams.query.QueryServer;
import org.apache.kafka.streams.state.HostInfo;
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

  @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
      description = "num.stream.threads: stream threads of this instance (default:"
          + " ${DEFAULT-VALUE}; tasks are per input partition, so at most 3 per instance are busy)")
  int threads;

  @Option(names = "--output-prefix", paramLabel = "PREFIX", defaultValue = "",
      description = "prefix of the output topics (default: none, the live outputs); the prefixed"
          + " output topics are created first, so a second application can judge the same inputs"
          + " without touching the live verdicts")
  String outputPrefix;

  @Option(names = "--http", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8090",
      description = "where to serve interactive queries (GET /health, /campaigns,"
          + " /campaigns/{id}, /campaigns/{id}/faults) and this instance's application.server;"
          + " give every instance its own (default: ${DEFAULT-VALUE}; off: none)")
  String http;

  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() throws Exception {
    if (!outputPrefix.isEmpty()) {
      String problem = prefixProblem(outputPrefix);
      if (problem != null) {
        throw new picocli.CommandLine.ParameterException(
            new picocli.CommandLine(this), "--output-prefix: " + problem);
      }
      try (org.apache.kafka.clients.admin.Admin admin =
          org.apache.kafka.clients.admin.Admin.create(connection.clientProperties())) {
        dev.shipgate.cli.stack.TopicCreator.createOutputs(admin, (short) replicationFactor,
            outputPrefix);
      }
    }
    HostInfo server = http.equals("off") ? null : QueryEndpoint.parse(http, "--http");
    java.util.Properties props = props(connection, applicationId, stateDir, replicationFactor);
    if (server != null) {
      props.put("application.server", server.host() + ":" + server.port());
    }
    if (threads < 1 || threads > 64) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--threads: expected 1 to 64, got " + threads);
    }
    props.put("num.stream.threads", String.valueOf(threads));
    try (SchemaRegistry registry = connection.registry();
        ShipgateStreams streams = new ShipgateStreams(props, registry, outputPrefix);
        QueryServer queries = server == null ? null : QueryEndpoint.serve(streams, server)) {
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "shipgate-streams-stop"));
      streams.start();
      if (!streams.awaitRunning(Duration.ofSeconds(60))) {
        throw new ShipgateException("streams did not reach RUNNING: "
            + (streams.failure() == null ? "state " + streams.state() : Main.describe(streams.failure())));
      }
      System.out.println("streams running as " + applicationId
          + (outputPrefix.isEmpty() ? "" : ", outputs under " + outputPrefix + "shipgate.*")
          + (queries == null ? "" : ", queries on http://" + server.host() + ":"
              + queries.address().getPort() + "/campaigns")
          + " (Ctrl-C to stop)");
      stop.await();
    }
    return ExitCodes.OK;
  }

  /** Why {@code prefix} cannot start topic names, or null. */
  static String prefixProblem(String prefix) {
    if (prefix.length() > 100 || !prefix.matches("[A-Za-z0-9._-]+")
        || !prefix.endsWith(".")) {
      return "expected letters, digits, '.', '_' or '-' ending in '.', at most 100 characters,"
          + " got \"" + prefix + "\"";
    }
    return null;
  }

  static java.util.Properties props(ConnectionOptions connection, String applicationId,
      Path stateDir, int replicationFactor) {
    Map<String, Object> overrides = new HashMap<>();
    connection.clientProperties().forEach((k, v) -> overrides.put(k.toString(), v));
    overrides.put("application.id", applicationId);
    overrides.put("replication.factor", replicationFactor);
    // the changelog and repartition topics: as safe as the input topics
    dev.shipgate.cli.stack.TopicCreator.minInsyncReplicas(replicationFactor)
        .ifPresent(n -> overrides.put("topic.min.insync.replicas", n));
    overrides.put("state.dir", (stateDir != null ? stateDir
        : Home.dir().resolve(".shipgate").resolve("streams-state")).toString());
    return StreamsConfigFactory.create(connection.bootstrapServers(), overrides);
  }
}
