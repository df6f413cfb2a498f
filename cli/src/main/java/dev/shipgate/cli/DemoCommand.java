package dev.shipgate.cli;

import dev.shipgate.cli.stack.LocalStack;
import dev.shipgate.cli.stack.StackConfig;
import dev.shipgate.producer.importer.ArtifactImporter;
import dev.shipgate.producer.importer.ImportOptions;
import dev.shipgate.producer.importer.ImportReport;
import dev.shipgate.producer.publish.KafkaEventPublisher;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.schemas.CampaignIds;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.RestSchemaRegistry;
import dev.shipgate.schemas.registry.SchemaRegistry;
import dev.shipgate.sink.ArtifactSink;
import dev.shipgate.streams.ShipgateStreams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code shipgate demo}: the whole pipeline on the bundled sample campaign, on the local stack.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Brings the local stack up, publishes the bundled sample campaign"
        + " (samples/demo-campaign: four phases, two fault classes with per-cycle JSONL,"
        + " partition_minority failing the way r20 did) under a fresh campaign id, runs Streams"
        + " and the sink, prints the verdict table and leaves runs/<id>/index.html.",
        "Exits 3 when the verdict is not PASS, which is what the sample is meant to show."})
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--sample", paramLabel = "DIR",
      description = "run directory to publish (default: <shipgate home>/samples/demo-campaign)")
  Path sample;

  @Option(names = "--campaign-id", paramLabel = "ID",
      description = "campaign id (default: demo-<UTC date>-<time>)")
  String campaignId;

  @Option(names = "--runs-dir", paramLabel = "DIR",
      description = "where run directories go (default: <shipgate home>/runs)")
  Path runsDir;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
      description = "give up after this long (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Spec CommandSpec spec;

  /** The stack to use; tests substitute their own. */
  StackConfig stackConfig = StackConfig.defaults();

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    Path home = Home.dir();
    Path samplePath = sample != null ? sample : home.resolve("samples").resolve("demo-campaign");
    Path runs = runsDir != null ? runsDir : home.resolve("runs");
    String id = campaignId != null ? campaignId : "demo-" + LocalDateTime.now(ZoneOffset.UTC)
        .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    if (!CampaignIds.isValid(id)) {
      throw new ParameterException(spec.commandLine(), CampaignIds.problem(id));
    }
    if (!Files.isDirectory(samplePath)) {
      throw new ParameterException(spec.commandLine(), "--sample " + samplePath
          + " is not a directory");
    }
    Duration timeout = Duration.ofSeconds(timeoutSeconds);

    // 1. the stack
    LocalStack stack = new LocalStack(stackConfig);
    StackCommand.up(stack);
    String bootstrap = stack.config().bootstrapServers();
    Properties client = new Properties();
    client.put("bootstrap.servers", bootstrap);

    try (SchemaRegistry registry = new RestSchemaRegistry(stack.config().registryCcompatUrl())) {
      // 2. the campaign's events
      try (KafkaEventPublisher publisher = KafkaEventPublisher.create(bootstrap, registry)) {
        ImportReport report = new ArtifactImporter(publisher)
            .importPath(samplePath, ImportOptions.defaults().withCampaignId(id));
        if (ImportCommand.print(samplePath, report)) {
          throw new ShipgateException("the sample did not import cleanly (see the errors above)");
        }
      }

      // 3. Streams judges them; 4. the sink writes the artifacts
      String applicationId = "shipgate-streams";
      ConnectionOptions connection = new ConnectionOptions();
      connection.bootstrapServers = bootstrap;
      connection.schemaRegistryUrl = stack.config().registryCcompatUrl();
      try (ShipgateStreams streams = new ShipgateStreams(
          StreamsCommand.props(connection, applicationId, null, 1), registry)) {
        long ts = System.nanoTime();
        streams.start();
        if (!streams.awaitRunning(timeout)) {
          throw new ShipgateException("streams did not reach RUNNING: " + (streams.failure() == null
              ? "state " + streams.state() : Main.describe(streams.failure())));
        }
        List<String> sources = List.of(Topics.CAMPAIGNS.name(), Topics.WRITES.name(),
            Topics.FAULTS.name(), Topics.OBSERVATIONS.name(), Topics.CHECKS.name(),
            Topics.FAULT_BOUNDS.name(), Topics.PHASE_VERDICTS.name());
        StreamsProgress.awaitCaughtUp(client, applicationId, sources,
            List.of(Topics.FAULT_BOUNDS.name(), Topics.PHASE_VERDICTS.name()), timeout);
        System.out.printf("streams: running and caught up in %d ms%n",
            (System.nanoTime() - ts) / 1_000_000);
      }
      long tk = System.nanoTime();
      Properties sinkProps = new Properties();
      sinkProps.putAll(client);
      sinkProps.put("group.id", "shipgate-demo-sink");
      try (ArtifactSink sink = new ArtifactSink(sinkProps, registry, runs)) {
        Optional<CampaignVerdict> done = sink.runUntil(v -> v.getCampaignId().equals(id)
            && v.getState() != CampaignState.RUNNING && v.getState() != CampaignState.UNKNOWN,
            timeout);
        if (done.isEmpty()) {
          throw new ShipgateException("no final verdict for " + id + " within " + timeoutSeconds
              + " s");
        }
        System.out.printf("sink: %s written in %d ms%n", runs.resolve(id),
            (System.nanoTime() - tk) / 1_000_000);
      }

      // 5. the verdict
      System.out.println();
      int code = VerdictCommand.print(client, registry, id);
      System.out.println("run page: " + home.relativize(runs.toAbsolutePath().normalize()
          .resolve(id).resolve("index.html")) + "   (all runs: "
          + home.relativize(runs.toAbsolutePath().normalize().resolve("index.html")) + ")");
      System.out.printf("demo finished in %.1f s; the stack keeps running (./shipgate stack down"
          + " stops it)%n", (System.nanoTime() - t0) / 1e9);
      return code;
    }
  }

}
