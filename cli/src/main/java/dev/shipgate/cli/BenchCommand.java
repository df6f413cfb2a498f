package dev.shipgate.cli;

import dev.shipgate.cli.harness.LocalCluster;
import dev.shipgate.cli.harness.Target;
import dev.shipgate.cli.stack.LocalStack;
import dev.shipgate.cli.stack.StackConfig;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.events.WriteResult;
import dev.shipgate.producer.campaign.CampaignLoader;
import dev.shipgate.producer.campaign.CampaignOutcome;
import dev.shipgate.producer.campaign.CampaignOverrides;
import dev.shipgate.producer.campaign.CampaignSpec;
import dev.shipgate.producer.campaign.DriverFactory;
import dev.shipgate.producer.publish.EventPublisher;
import dev.shipgate.producer.publish.KafkaEventPublisher;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.target.EtcdAdapter;
import dev.shipgate.producer.target.WriteAttempt;
import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.registry.RestSchemaRegistry;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shipgate bench writes|settle}: the driver's benchmarks, each printing figures and a ratio
 * against a reference measured in the same run, on the local stack and the local etcd cluster
 * ({@code shipgate stack up}, {@code shipgate cluster up}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmarks of the driver against the local etcd cluster (shipgate cluster up)"
        + " and the local stack, with ratios against a reference measured in the same run:",
        "writes: writes/s the driver's write path sustains with event publishing on vs off.",
        "settle: wall time of the same cycles with the adaptive settle vs a fixed 3 s settle.",
        "polls: writes/s of the write path (publishing on) while every node is polled every"
            + " 100 ms, as the driver does during a cycle's writes, vs no polls (the previous"
            + " schedule); rounds alternate, --rounds each.",
        "streams (no cluster needed; a broker of its own on 127.0.0.1:27092): a synthetic"
            + " phase 4 campaign of --events events judged by a fresh `shipgate streams` process"
            + " vs the broker's ConsumerPerformance on the same records; RSS, state and"
            + " changelog bytes; latency on the idle instance. --runs runs, min/median/max.",
        "import (no cluster needed; a broker of its own on 127.0.0.1:28092): ./shipgate import of"
            + " a per-cycle JSONL file of --cycles cycles (default 100000 for import) vs the"
            + " broker's ProducerPerformance sending as many records of the same size.",
        "cluster (Docker; ./shipgate images build first): --events events in six campaigns on"
            + " the compose file's 3-broker cluster (project shipgate-bench), judged by one and"
            + " then by two Streams instances in containers, vs ConsumerPerformance."})
public final class BenchCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "WHAT",
      description = "writes, settle, polls, streams, import or cluster",
      converter = WhatConverter.class)
  What what;

  enum What { writes, settle, polls, streams, imports, cluster }

  /** {@code import} is a Java keyword: the constant is {@code imports}. */
  static final class WhatConverter implements picocli.CommandLine.ITypeConverter<What> {
    @Override
    public What convert(String value) {
      if (value.equals("import")) {
        return What.imports;
      }
      for (What w : What.values()) {
        if (w != What.imports && w.name().equals(value)) {
          return w;
        }
      }
      throw new picocli.CommandLine.TypeConversionException("expected writes, settle, polls,"
          + " streams, import or cluster, got '" + value + "'");
    }
  }

  @Option(names = "--events", defaultValue = "1000000",
      description = "streams: events of the campaign (default: ${DEFAULT-VALUE})")
  long events;

  @Option(names = "--runs", defaultValue = "3",
      description = "streams and import: runs, each on a fresh broker (default: ${DEFAULT-VALUE})")
  int runs;

  @Option(names = "--heap", defaultValue = "320m",
      description = "streams: -Xmx of the Streams process (default: ${DEFAULT-VALUE})")
  String heap;

  @Option(names = "--threads", defaultValue = "1",
      description = "streams: num.stream.threads (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--campaigns", defaultValue = "1",
      description = "streams: big campaigns the --events are split over, each on an input"
          + " partition of its own, 1-3 (with --threads, how far the judge spreads over cores"
          + " when the work is in more than one task; default: ${DEFAULT-VALUE})")
  int campaigns;

  @Option(names = "--latency-samples", defaultValue = "100",
      description = "streams: small campaigns timed on the idle instance (default: ${DEFAULT-VALUE})")
  int latencySamples;

  @Option(names = "--seconds", defaultValue = "8", description = "writes: seconds per round (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = "--concurrency", defaultValue = "8", description = "writes: concurrent writers (default: ${DEFAULT-VALUE})")
  int concurrency;

  @Option(names = "--rounds", defaultValue = "3",
      description = "polls: rounds with and without polls (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--cycles", description = "settle: cycles per fault class (default: 5);"
      + " import: cycles in the JSONL file (default: 100000)")
  Integer cycles;

  private int settleCycles() {
    return cycles == null ? 5 : cycles;
  }

  @Override
  public Integer call() throws Exception {
    if (what == What.streams) {
      return StreamsBenchReport.run(events, runs, heap, threads, campaigns, latencySamples);
    }
    if (what == What.cluster) {
      return ClusterScaleBench.report(events, runs);
    }
    if (what == What.imports) {
      return ImportBenchReport.run(cycles == null ? 100_000 : cycles, runs);
    }
    Path dir = Home.clusterDir();
    LocalCluster cluster = LocalCluster.attach(dir).filter(c -> c.target() == Target.ETCD)
        .orElseThrow(() -> new ShipgateException("no local etcd cluster under " + dir
            + ": run ./shipgate cluster up first"));
    LocalStack stack = new LocalStack(StackConfig.defaults());
    if (!stack.status().allUp()) {
      throw new ShipgateException("the local stack is not up: run ./shipgate stack up first");
    }
    try (SchemaRegistry registry = new RestSchemaRegistry(stack.config().registryCcompatUrl())) {
      return switch (what) {
        case writes -> writes(cluster, stack, registry);
        case polls -> polls(cluster, stack, registry);
        default -> settle(cluster, stack, registry);
      };
    }
  }

  private int writes(LocalCluster cluster, LocalStack stack, SchemaRegistry registry)
      throws Exception {
    System.out.printf(Locale.ROOT, "driver write path: etcd adapter -> %s, %d writers, %d s per"
        + " round, rounds alternate off/on%n", cluster.primary().address(), concurrency, seconds);
    List<Double> off = new ArrayList<>();
    List<Double> on = new ArrayList<>();
    try (EtcdAdapter adapter = new EtcdAdapter(Duration.ofSeconds(2), Duration.ofSeconds(1));
        KafkaEventPublisher kafka = KafkaEventPublisher.create(
            stack.config().bootstrapServers(), registry)) {
      round(adapter, cluster.nodes(), new NullPublisher(), "warm-up"); // JIT, connections
      for (int r = 0; r < 2; r++) {
        off.add(round(adapter, cluster.nodes(), new NullPublisher(), "publishing off"));
        on.add(round(adapter, cluster.nodes(), kafka, "publishing on"));
      }
    }
    double offMean = off.stream().mapToDouble(d -> d).average().orElse(0);
    double onMean = on.stream().mapToDouble(d -> d).average().orElse(0);
    System.out.printf(Locale.ROOT, "publishing off: %.0f writes/s (mean of %s)%n", offMean, off);
    System.out.printf(Locale.ROOT, "publishing on:  %.0f writes/s (mean of %s)%n", onMean, on);
    System.out.printf(Locale.ROOT, "ratio on/off:   %.3f%n", onMean / offMean);
    return ExitCodes.OK;
  }

  /** Writes/s with every node polled every 100 ms during the writes vs no polls. */
  private int polls(LocalCluster cluster, LocalStack stack, SchemaRegistry registry)
      throws Exception {
    System.out.printf(Locale.ROOT, "driver write path with polls: etcd adapter -> %s, %d writers,"
        + " %d s per round, publishing on, rounds alternate no polls / polls every 100 ms%n",
        cluster.primary().address(), concurrency, seconds);
    List<Double> without = new ArrayList<>();
    List<Double> with = new ArrayList<>();
    try (EtcdAdapter adapter = new EtcdAdapter(Duration.ofSeconds(2), Duration.ofSeconds(1));
        KafkaEventPublisher kafka = KafkaEventPublisher.create(
            stack.config().bootstrapServers(), registry)) {
      round(adapter, cluster.nodes(), kafka, "warm-up");
      for (int r = 0; r < rounds; r++) {
        without.add(round(adapter, cluster.nodes(), kafka, "no polls", 0));
        with.add(round(adapter, cluster.nodes(), kafka, "polls 100 ms", 100));
      }
    }
    List<Double> ratios = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      ratios.add(with.get(r) / without.get(r));
    }
    BenchRows.header();
    BenchRows.line(without, "writes/s, no polls during the writes", d -> d);
    BenchRows.line(with, "writes/s, all nodes polled every 100 ms", d -> d);
    BenchRows.line(ratios, "ratio polls / no polls (paired rounds)", d -> d);
    return ExitCodes.OK;
  }

  private double round(EtcdAdapter adapter, List<Node> nodes, EventPublisher publisher,
      String label) throws Exception {
    return round(adapter, nodes, publisher, label, 0);
  }

  /**
   * One round of writes; with {@code pollMs} > 0 a poller reads every node's namespace (the ids
   * it holds, as the driver's observations do) every {@code pollMs} while the writes run.
   */
  private double round(EtcdAdapter adapter, List<Node> nodes, EventPublisher publisher,
      String label, int pollMs) throws Exception {
    AtomicLong ok = new AtomicLong();
    AtomicLong other = new AtomicLong();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    String ns = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    ExecutorService readers = Executors.newFixedThreadPool(nodes.size());
    AtomicLong polls = new AtomicLong();
    Thread poller = null;
    if (pollMs > 0) {
      poller = new Thread(() -> {
        while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
          long p0 = System.nanoTime();
          List<Future<?>> reads = new ArrayList<>();
          for (Node n : nodes) {
            reads.add(readers.submit(() -> adapter.observe(n, ns)));
          }
          try {
            for (Future<?> f : reads) {
              f.get();
            }
            polls.incrementAndGet();
            long left = pollMs - (System.nanoTime() - p0) / 1_000_000;
            if (left > 0) {
              Thread.sleep(left);
            }
          } catch (InterruptedException e) {
            return;
          } catch (java.util.concurrent.ExecutionException e) {
            // an unreadable node is an unreadable state to the driver; go on polling
          }
        }
      }, "bench-poller");
      poller.setDaemon(true);
      poller.start();
    }
    long t0 = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      int writer = w;
      futures.add(pool.submit(() -> {
        int seq = 0;
        while (System.nanoTime() < end) {
          String id = "b" + writer + "-w" + (++seq);
          Node node = nodes.get(0);
          WriteAttempt a = adapter.write(node, ns, id);
          publisher.publish(WriteResult.newBuilder().setCampaignId("bench").setEventId(
                  UUID.randomUUID().toString()).setEventTime(Instant.now()).setPhase(4)
              .setFault("none").setCycle(1).setSeq(seq).setWriteId(id).setNode(node.name())
              .setStatus(a.status()).setOutcome(a.outcome()).setLatencyMs(a.latencyMillis())
              .setAckTime(a.outcome() == WriteOutcome.OK ? Instant.now() : null)
              .setError(a.error()).build());
          (a.outcome() == WriteOutcome.OK ? ok : other).incrementAndGet();
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    publisher.flush();
    pool.shutdown();
    double secs = (System.nanoTime() - t0) / 1e9;
    if (poller != null) {
      poller.interrupt();
      poller.join();
    }
    readers.shutdownNow();
    double rate = ok.get() / secs;
    System.out.printf(Locale.ROOT, "  %-15s %6d ok, %d other in %.1f s = %.0f writes/s%s%n",
        label, ok.get(), other.get(), secs, rate,
        pollMs > 0 ? " (" + polls.get() + " polls of " + nodes.size() + " nodes)" : "");
    return Math.round(rate * 10) / 10.0;
  }

  private int settle(LocalCluster cluster, LocalStack stack, SchemaRegistry registry) {
    List<String> faults = List.of("partition_minority", "drop_random_acks");
    long adaptive = campaign(cluster, stack, registry, faults, "adaptive", 10_000);
    long fixed = campaign(cluster, stack, registry, faults, "fixed", 3_000);
    System.out.printf(Locale.ROOT, "same %d cycles x 100 writes of %s:%n", settleCycles(), faults);
    System.out.printf(Locale.ROOT, "adaptive settle (poll 100 ms, ceiling 10 s): %.1f s%n",
        adaptive / 1000.0);
    System.out.printf(Locale.ROOT, "fixed 3 s settle (the seed's):               %.1f s%n",
        fixed / 1000.0);
    System.out.printf(Locale.ROOT, "ratio adaptive/fixed: %.3f%n", (double) adaptive / fixed);
    return ExitCodes.OK;
  }

  private long campaign(LocalCluster cluster, LocalStack stack, SchemaRegistry registry,
      List<String> faults, String mode, int maxSettleMs) {
    String id = "bench-settle-" + mode + "-" + System.currentTimeMillis();
    String yaml = ClusterCampaign.yaml(cluster, id, List.of(4), faults, settleCycles(), 100)
        .replace("max_settle_ms: 10000, mode: adaptive",
            "max_settle_ms: " + maxSettleMs + ", mode: " + mode);
    CampaignSpec spec = new CampaignLoader(Home.dir(), DriverFactory.knownFaultClasses(),
        Clock.systemUTC()).parse(yaml, "bench", id, CampaignOverrides.none());
    Map<String, Object> producer = new HashMap<>();
    producer.put("bootstrap.servers", stack.config().bootstrapServers());
    long t0 = System.nanoTime();
    CampaignOutcome outcome = CampaignExecution.run(spec, DriverFactory.faultSpecs(spec), producer,
        registry, new PrintStream(OutputStream.nullOutputStream()), false, null, d -> { });
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf(Locale.ROOT, "  %-8s settle: campaign %s %s in %.1f s%n", mode, id,
        outcome.completed() ? "completed" : "ABORTED", ms / 1000.0);
    return ms;
  }

  /** Publishing off: the events are built (as the driver builds them) but go nowhere. */
  private static final class NullPublisher implements EventPublisher {
    @Override
    public <V extends SpecificRecord> void send(Topic<String, V> topic, String key, V value,
        Instant timestamp) {}

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
