package dev.shipgate.cli;

import dev.shipgate.cli.harness.LocalCluster;
import dev.shipgate.cli.harness.Target;
import dev.shipgate.cli.stack.LocalStack;
import dev.shipgate.producer.campaign.CampaignLoader;
import dev.shipgate.producer.campaign.CampaignOutcome;
import dev.shipgate.producer.campaign.CampaignOverrides;
import dev.shipgate.producer.campaign.CampaignSpec;
import dev.shipgate.producer.campaign.CampaignValidationException;
import dev.shipgate.producer.campaign.DriverFactory;
import dev.shipgate.producer.fault.FaultSpec;
import dev.shipgate.cli.stack.StackConfig;
import dev.shipgate.producer.importer.ArtifactImporter;
import dev.shipgate.producer.importer.ImportOptions;
import dev.shipgate.producer.importer.ImportReport;
import dev.shipgate.producer.publish.KafkaEventPublisher;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.schemas.CampaignIds;
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
import java.util.Map;

import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code shipgate demo}: the whole pipeline on the bundled sample campaign, on the local stack.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"The main job on the embedded default stack: brings the local stack (Kafka +"
        + " schema registry) and a real 3-node etcd cluster on 127.0.0.11-13 (one sshd and one"
        + " OS user per node) up, runs a short real chaos campaign over SSH (phase 1 node checks,"
        + " phase 2 with its quorum probes, phase 3 snapshot/restore round trip, phase 4:"
        + " kill_primary_mid_write, partition_minority, drop_random_acks), judges it live with"
        + " Streams, writes runs/<id>/ with the sink and"
        + " prints the verdict table. Needs root (iptables, sshd, users); as root on Debian it"
        + " first installs the packages it lacks with apt-get, otherwise it says what to run and"
        + " falls back to --import-sample.",
        "--import-sample instead publishes the bundled seed-format sample (samples/demo-campaign,"
            + " partition_minority failing the way r20 did) through the same pipeline.",
        "Exits 0 when the verdict is PASS, 3 when it is not."})
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--import-sample", description = "publish the bundled seed-format sample"
      + " instead of running a live campaign (no root needed)")
  boolean importSample;

  @Option(names = "--sample", paramLabel = "DIR",
      description = "run directory for --import-sample (default: <shipgate home>/samples/demo-campaign)")
  Path sample;

  @Option(names = "--cycles", defaultValue = "6",
      description = "live campaign: cycles per fault class (default: ${DEFAULT-VALUE})")
  int cycles;

  @Option(names = "--writes", defaultValue = "170",
      description = "live campaign: writes per cycle (default: ${DEFAULT-VALUE}; about 1000"
          + " acknowledged writes per class are needed before a Wilson lower bound can show 0.995)")
  int writes;

  @Option(names = "--faults", split = ",", paramLabel = "CLASS[,CLASS...]",
      defaultValue = "kill_primary_mid_write,partition_minority,drop_random_acks",
      description = "live campaign: fault classes (default: ${DEFAULT-VALUE})")
  List<String> faults;

  @Option(names = "--ssh-port", defaultValue = "2222",
      description = "live campaign: sshd port on every node (default: ${DEFAULT-VALUE})")
  int sshPort;

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

  /**
   * Where the demo's cluster lives (default {@link Home#clusterDir()}, resolved when the live demo
   * runs: picocli builds every command for every invocation); tests substitute their own.
   */
  Path clusterDir;

  /** The machine the live demo would run on (default: this one); a test can substitute its own. */
  DebianSetup.Host host;

  /** The cluster's executables, etcdctl (the checks) and iptables (the partition faults). */
  static final List<String> LIVE_EXECUTABLES = Stream.concat(
      LocalCluster.executables(Target.ETCD).stream(),
      Stream.of("/usr/bin/etcdctl", "/usr/sbin/iptables")).toList();

  static final DebianSetup.Purpose LIVE_PURPOSE = new DebianSetup.Purpose("demo", "the live demo",
      "the live demo's 3-node etcd cluster, its sshd per node and iptables partitions",
      "falling back to --import-sample");

  /** Whether the live demo can run: root, and its packages there (installed now if need be). */
  private boolean liveDemoReady() {
    if (host == null) {
      host = DebianSetup.Host.current();
    }
    return new DebianSetup(host, LIVE_PURPOSE).ensure(LIVE_EXECUTABLES,
        Home.dir().resolve(".shipgate").resolve("demo-apt-get.log"), System.out);
  }

  private CampaignOutcome runLiveCampaign(String id, String bootstrap, SchemaRegistry registry,
      SignalAbort abort) {
    long tc = System.nanoTime();
    if (clusterDir == null) {
      clusterDir = Home.clusterDir();
    }
    Optional<LocalCluster> attached = LocalCluster.attach(clusterDir);
    LocalCluster cluster = attached.isPresent() && attached.get().target() == Target.ETCD
        && attached.get().sshPort() == sshPort
        && attached.get().nodes().stream().allMatch(n -> attached.get().healthy(n))
        ? attached.get() : startCluster();
    System.out.println(cluster.describe());
    System.out.printf("cluster: ready in %d ms (./shipgate cluster down stops it)%n",
        (System.nanoTime() - tc) / 1_000_000);
    String yaml = ClusterCampaign.yaml(cluster, id, List.of(1, 2, 3, 4), faults, cycles, writes);
    CampaignSpec campaign;
    List<FaultSpec> faultSpecs;
    try {
      campaign = new CampaignLoader(Home.dir(), DriverFactory.knownFaultClasses(),
          java.time.Clock.systemUTC()).parse(yaml, "demo campaign", id, CampaignOverrides.none());
      List<String> problems = DriverFactory.problems(campaign);
      if (!problems.isEmpty()) {
        throw new CampaignValidationException(problems);
      }
      faultSpecs = DriverFactory.faultSpecs(campaign);
    } catch (CampaignValidationException e) {
      throw new ParameterException(spec.commandLine(), String.join("; ", e.problems()));
    }
    System.out.println("campaign " + id + ": phases " + campaign.phases() + ", " + faults.size()
        + " fault classes x " + cycles + " cycles x " + writes + " writes, over SSH"
        + " (Ctrl-C aborts cleanly)");
    Map<String, Object> producer = new java.util.HashMap<>();
    producer.put("bootstrap.servers", bootstrap);
    Properties client = new Properties();
    client.put("bootstrap.servers", bootstrap);
    CampaignOutcome outcome;
    try (LiveBounds live = new LiveBounds(client, registry, id)) {
      outcome = CampaignExecution.run(campaign, faultSpecs, producer, registry, System.out,
          System.console() != null, live, abort.onDriver());
      abort.campaignEnded();
    }
    return outcome;
  }

  private LocalCluster startCluster() {
    LocalCluster.down(clusterDir);
    return LocalCluster.start(clusterDir, Target.ETCD, sshPort);
  }

  @Override
  public Integer call() throws Exception {
    SignalAbort abort = new SignalAbort();
    try {
      return demo(abort);
    } finally {
      // after the report: on Ctrl-C the shutdown hook ends the JVM (exit 2) from here on
      abort.close();
    }
  }

  private int demo(SignalAbort abort) throws Exception {
    long t0 = System.nanoTime();
    String aborted = null;
    if (!importSample && !liveDemoReady()) {
      importSample = true;
    }
    Path home = Home.dir();
    Path samplePath = sample != null ? sample : home.resolve("samples").resolve("demo-campaign");
    Path runs = runsDir != null ? runsDir : home.resolve("runs");
    String id = campaignId != null ? campaignId : (importSample ? "demo-" : "demo-etcd-")
        + LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    if (!CampaignIds.isValid(id)) {
      throw new ParameterException(spec.commandLine(), CampaignIds.problem(id));
    }
    if (importSample && !Files.isDirectory(samplePath)) {
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
      // 2. Streams runs from the start, so verdicts update while the campaign runs
      String applicationId = "shipgate-streams";
      ConnectionOptions connection = new ConnectionOptions();
      connection.bootstrapServers = bootstrap;
      connection.schemaRegistryUrl = stack.config().registryCcompatUrl();
      try (ShipgateStreams streams = new ShipgateStreams(
          // its state belongs to this stack: records in it carry this stack's registry ids, so a
          // stack started afresh must not meet an earlier stack's state (measured: Streams
          // failed decoding a store record with a schema id the new registry gave another schema)
          StreamsCommand.props(connection, applicationId,
              stack.config().dataDir().resolve("streams-state"), 1), registry)) {
        long tr = System.nanoTime();
        streams.start();
        if (!streams.awaitRunning(timeout)) {
          throw new ShipgateException("streams did not reach RUNNING: " + (streams.failure() == null
              ? "state " + streams.state() : Main.describe(streams.failure())));
        }
        System.out.printf("streams: %s running in %d ms (exactly once, judging live)%n",
            applicationId, (System.nanoTime() - tr) / 1_000_000);
        // 3. the campaign's events: a live campaign, or the bundled sample
        if (importSample) {
          try (KafkaEventPublisher publisher = KafkaEventPublisher.create(bootstrap, registry)) {
            ImportReport report = new ArtifactImporter(publisher)
                .importPath(samplePath, ImportOptions.defaults().withCampaignId(id));
            if (ImportCommand.print(samplePath, report)) {
              throw new ShipgateException("the sample did not import cleanly (see the errors above)");
            }
          }
        } else {
          CampaignOutcome outcome = runLiveCampaign(id, bootstrap, registry, abort);
          if (!outcome.started()) {
            throw new ShipgateException("demo campaign " + id + " did not start: "
                + Main.oneLine(outcome.abortReason()));
          }
          if (!outcome.completed()) {
            // still judged and written below: the run page shows the campaign ABORTED
            aborted = "demo campaign " + id + " aborted: " + Main.oneLine(outcome.abortReason())
                + "; the driver healed its faults and restored the nodes first";
          }
        }
        long ts = System.nanoTime();
        StreamsProgress.awaitCaughtUp(client, applicationId, timeout);
        System.out.printf("streams: caught up with every event %d ms after the last was published%n",
            (System.nanoTime() - ts) / 1_000_000);
      }
      long tk = System.nanoTime();
      Properties sinkProps = new Properties();
      sinkProps.putAll(client);
      sinkProps.put("group.id", "shipgate-demo-sink");
      try (ArtifactSink sink = new ArtifactSink(sinkProps, registry, runs,
          java.time.Duration.ofMillis(500))) {
        Optional<CampaignVerdict> done = sink.runUntil(v -> v.getCampaignId().equals(id)
            && VerdictCommand.isFinal(v),
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
      System.out.printf("demo finished in %.1f s; %s%n", (System.nanoTime() - t0) / 1e9,
          importSample ? "the stack keeps running (./shipgate stack down stops it)"
              : "the stack and the cluster keep running (./shipgate stack down and"
              + " ./shipgate cluster down stop them)");
      if (aborted != null) {
        System.err.println("shipgate: " + aborted);
        return ExitCodes.FAILURE;
      }
      return code;
    }
  }

}
