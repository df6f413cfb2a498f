package dev.shipgate.cli;

import dev.shipgate.cli.bench.StreamsBench;
import dev.shipgate.cli.bench.SyntheticCampaign;
import dev.shipgate.cli.images.DockerEngine;
import dev.shipgate.cli.images.ImageNames;
import dev.shipgate.producer.publish.KafkaEventPublisher;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.RestSchemaRegistry;
import dev.shipgate.streams.CampaignPartitioner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * {@code shipgate bench cluster}: events/s of one and of two Streams instances (containers from
 * the local shipgate image) judging the same backlog on the compose file's 3-broker cluster, with
 * the broker's ConsumerPerformance on the same records as the reference. The backlog is six
 * synthetic campaigns, two per input partition, so that two instances have tasks to share.
 */
final class ClusterScaleBench {
  static final String PROJECT = "shipgate-bench";
  static final String HOST_BOOTSTRAP = "127.0.0.1:29092,127.0.0.1:29093,127.0.0.1:29094";
  static final String HOST_REGISTRY = "http://127.0.0.1:28081/apis/ccompat/v7";

  /** One run's figures. */
  record Result(long events, double consumerPerformance, double one, double two,
      long oneStartMs, long twoStartMs) {}

  private final Path home = Home.dir();
  private final ImageNames names = ImageNames.current();
  private final DockerEngine docker = ImagesCommand.engine();

  static int report(long events, int runs) throws Exception {
    ClusterScaleBench bench = new ClusterScaleBench();
    List<Result> results = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      System.out.printf(Locale.ROOT, "run %d/%d: %d events in 6 campaigns on the 3-broker compose"
          + " cluster%n", r, runs, events);
      results.add(bench.run(events));
    }
    System.out.printf(Locale.ROOT, "%ncluster benchmark: %d events, %d run(s), min / median /"
        + " max%n", events, runs);
    BenchRows.header();
    BenchRows.line(results, "1 instance: events/s (RUNNING to lag 0)", Result::one);
    BenchRows.line(results, "2 instances: events/s (RUNNING to lag 0)", Result::two);
    BenchRows.line(results, "2 instances: events/s per instance", r -> r.two() / 2);
    BenchRows.line(results, "ratio 2 instances / 1", r -> r.two() / r.one());
    BenchRows.line(results, "ConsumerPerformance records/s", Result::consumerPerformance);
    BenchRows.line(results, "ratio 1 instance / ConsumerPerformance",
        r -> r.one() / r.consumerPerformance());
    BenchRows.line(results, "1 instance: start to RUNNING ms", r -> r.oneStartMs());
    BenchRows.line(results, "2 instances: start to both RUNNING ms", r -> r.twoStartMs());
    return ExitCodes.OK;
  }

  Result run(long events) throws Exception {
    List<String> compose = List.of("docker-compose", "-p", PROJECT, "--project-directory",
        home.toString(), "-f", home.resolve("docker-compose.yml").toString());
    Path logs = home.resolve(".shipgate").resolve("bench-cluster");
    try {
      check(DockerEngine.run(concat(compose, "up", "-d", "init"), Map.of(),
          logs.resolve("compose.log"), Duration.ofMinutes(5)), "docker-compose up -d init");
      awaitHealthy(PROJECT + "_init_1", Duration.ofMinutes(5));
      List<SyntheticCampaign> campaigns = campaigns(events);
      long total = 0;
      try (RestSchemaRegistry registry = new RestSchemaRegistry(HOST_REGISTRY);
          KafkaEventPublisher out = KafkaEventPublisher.create(HOST_BOOTSTRAP, registry)) {
        for (SyntheticCampaign c : campaigns) {
          c.start(out);
          c.cycles(out);
          c.finish(out);
          total += c.events();
        }
        out.flush();
      }
      double[] raw = StreamsBench.consumerPerformance(HOST_BOOTSTRAP, total);
      System.out.printf(Locale.ROOT, "  ConsumerPerformance: %.0f records/s%n", raw[0]);
      long[] one = judge("bench-one", 1, total);
      long[] two = judge("bench-two", 2, total);
      double oneRate = total / (one[1] / 1000.0);
      double twoRate = total / (two[1] / 1000.0);
      System.out.printf(Locale.ROOT, "  1 instance: %.0f events/s; 2 instances: %.0f events/s%n",
          oneRate, twoRate);
      return new Result(total, raw[0], oneRate, twoRate, one[0], two[0]);
    } finally {
      DockerEngine.run(concat(compose, "down", "-v", "--remove-orphans"), Map.of(),
          logs.resolve("compose.log"), Duration.ofMinutes(3));
    }
  }

  /** Six campaigns of about events/6 each, two in each of the three input partitions. */
  private static List<SyntheticCampaign> campaigns(long events) {
    List<SyntheticCampaign> out = new ArrayList<>();
    int[] perPartition = new int[Topics.PARTITIONS];
    for (int i = 0; out.size() < 2 * Topics.PARTITIONS; i++) {
      String id = "bench-cluster-" + i;
      int p = CampaignPartitioner.partitionOf(id, Topics.PARTITIONS);
      if (perPartition[p] < 2) {
        perPartition[p]++;
        out.add(SyntheticCampaign.ofEvents(id, events / (2L * Topics.PARTITIONS), 100));
      }
    }
    return out;
  }

  /** Starts {@code n} instances of a fresh application; returns {start to RUNNING, RUNNING to lag 0} ms. */
  private long[] judge(String applicationId, int n, long total) throws Exception {
    List<String> containers = new ArrayList<>();
    try {
      long t0 = System.nanoTime();
      for (int i = 1; i <= n; i++) {
        String name = PROJECT + "-" + applicationId + "-" + i;
        DockerEngine.run(List.of("docker", "rm", "-f", name), Map.of(), null,
            Duration.ofSeconds(30));
        check(DockerEngine.run(List.of("docker", "run", "-d", "--name", name, "--pull", "never",
            "--label", ImageNames.LABEL + "=true", "--network", PROJECT + "_shipgate",
            "-e", "SHIPGATE_BOOTSTRAP_SERVERS=kafka-1:9092,kafka-2:9092,kafka-3:9092",
            "-e", "SHIPGATE_SCHEMA_REGISTRY_URL=http://registry:8081/apis/ccompat/v7",
            "-e", "SHIPGATE_JAVA_OPTS=-Xmx512m", names.shipgate(), "streams",
            "--application-id", applicationId, "--replication-factor", "3", "--http", "off",
            "--state-dir", "/state"), Map.of(), null, Duration.ofSeconds(60)), "docker run " + name);
        containers.add(name);
      }
      for (String c : containers) {
        awaitLog(c, "streams running as", Duration.ofMinutes(3));
      }
      long running = System.nanoTime();
      Properties client = new Properties();
      client.put("bootstrap.servers", HOST_BOOTSTRAP);
      StreamsProgress.awaitCaughtUp(client, applicationId, Duration.ofMinutes(15));
      long done = System.nanoTime();
      return new long[] {(running - t0) / 1_000_000, (done - running) / 1_000_000};
    } finally {
      for (String c : containers) {
        DockerEngine.run(List.of("docker", "rm", "-f", c), Map.of(), null, Duration.ofSeconds(60));
      }
    }
  }

  private static void awaitLog(String container, String marker, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      DockerEngine.Result r = DockerEngine.run(List.of("docker", "logs", container), Map.of(),
          null, Duration.ofSeconds(30));
      if (r.output().contains(marker)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new ShipgateException(container + " did not print '" + marker + "' within "
        + timeout.toSeconds() + " s");
  }

  private static void awaitHealthy(String container, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String state = "";
    while (System.nanoTime() < deadline) {
      state = DockerEngine.run(List.of("docker", "inspect", "-f", "{{.State.Health.Status}}",
          container), Map.of(), null, Duration.ofSeconds(30)).output().strip();
      if (state.equals("healthy")) {
        return;
      }
      Thread.sleep(1000);
    }
    throw new ShipgateException(container + " not healthy within " + timeout.toSeconds()
        + " s (" + state + ")");
  }

  private static void check(DockerEngine.Result r, String what) {
    if (r.code() != 0) {
      throw new ShipgateException(what + " failed (exit " + r.code() + "): "
          + Main.oneLine(r.output()));
    }
  }

  private static List<String> concat(List<String> base, String... more) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return all;
  }
}
