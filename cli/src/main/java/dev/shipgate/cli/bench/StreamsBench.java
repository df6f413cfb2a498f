package dev.shipgate.cli.bench;

import dev.shipgate.cli.Home;
import dev.shipgate.cli.ShipgateException;
import dev.shipgate.cli.stack.LocalStack;
import dev.shipgate.producer.publish.KafkaEventPublisher;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.RestSchemaRegistry;
import dev.shipgate.schemas.registry.SchemaRegistry;
import dev.shipgate.streams.CampaignPartitioner;
import dev.shipgate.streams.DecodeOnlyTopology;
import dev.shipgate.streams.FormatLocale;
import dev.shipgate.streams.StreamsConfigFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code shipgate bench streams}: one run of the Streams benchmark on a broker of its own. A
 * synthetic phase 4 campaign of N events is published; the broker's own
 * {@code ConsumerPerformance} reads the same records (the reference); then a fresh
 * {@code shipgate streams} process (exactly once) judges the backlog to lag 0. Then, on the idle
 * instance, small campaigns measure the latency from a cycle's last event to its fault bound and
 * from the end event to the final campaign verdict.
 */
public final class StreamsBench {
  static final int KAFKA_PORT = 27092;
  static final int CONTROLLER_PORT = 27093;
  static final int REGISTRY_PORT = 27081;
  static final int HTTP_PORT = 27180;
  /** How long a query request may take before the benchmark says so and asks again. */
  static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
  /** Small campaigns added before the query timings, so the broker holds this many and more. */
  static final int MANY = 200;
  public static final int HTTP_SAMPLES = 200;
  public static final int CLI_SAMPLES = 5;

  /** One run's figures. */
  public record Result(long events, long inputBytes, double publishPerSec, double rawPerSec,
      double rawFetchPerSec, double decodeOnlyPerSec, long startToRunningMs, long runningToCaughtUpMs,
      double streamsPerSec, double streamsSecondHalfPerSec, double streamsCpuMsPerThousand,
      double streamsCpuMs, Map<String, Double> threadCpuMs, double busiestTaskShare,
      long peakRssKb, long stateBytes,
      long changelogBytes,
      List<Long> boundLatencyMs, List<Long> verdictLatencyMs, Verdict verdict,
      Queries queries, SinkFiles sink) {}

  /**
   * The sink ({@code shipgate sink}, default rewrite interval), started once Streams has judged the
   * backlog, writing the big campaign's files from the output topics: how often its
   * {@code index.html} was rewritten until the final verdict was on disk, and the files' sizes.
   */
  public record SinkFiles(int pageWrites, long pageBytes, long verdictJsonBytes) {}

  /**
   * Query timings with {@value #MANY} more campaigns on the broker besides the big one, all for the
   * big campaign: HTTP {@code GET /campaigns/{id}} on the warm instance; {@code shipgate verdict}
   * as a new process asking the query server and reading the topics ({@code --query-url off}),
   * wall time and the time it reports for the lookup itself; the topic read in a warm JVM.
   */
  public record Queries(int campaigns, List<Long> httpMicros, List<Long> cliHttpWallMs,
      List<Long> cliHttpLookupMs, List<Long> cliTopicsWallMs, List<Long> cliTopicsLookupMs,
      List<Long> warmTopicsMs) {}

  private final long events;
  private final String heap;
  private final int threads;
  private final int campaigns;
  private final int latencySamples;
  private final Path work;
  /** Processes started by this run, stopped at its end whatever happens. */
  private final List<Process> children = java.util.Collections.synchronizedList(
      new ArrayList<>());

  /**
   * @param campaigns the big campaigns the events are split over, each on a partition of its own
   *     (at most {@link Topics#PARTITIONS}): with {@code threads} above 1, how far the judge
   *     spreads over cores when the work is in more than one task
   */
  public StreamsBench(long events, String heap, int threads, int campaigns, int latencySamples,
      Path work) {
    if (campaigns < 1 || campaigns > Topics.PARTITIONS) {
      throw new IllegalArgumentException("campaigns: expected 1-" + Topics.PARTITIONS + ", got "
          + campaigns);
    }
    this.events = events;
    this.heap = heap;
    this.threads = threads;
    this.campaigns = campaigns;
    this.latencySamples = latencySamples;
    this.work = work;
  }

  /**
   * {@code k} campaign ids, "bench-big" first, each on an input partition of its own (the default
   * partitioner, as the publisher's), so that each is judged by a task of its own.
   */
  static List<String> bigCampaignIds(int k) {
    List<String> ids = new ArrayList<>(List.of("bench-big"));
    java.util.Set<Integer> taken = new java.util.HashSet<>(List.of(
        CampaignPartitioner.partitionOf("bench-big", Topics.PARTITIONS)));
    for (int i = 2; ids.size() < k; i++) {
      String id = "bench-big-" + i;
      if (taken.add(CampaignPartitioner.partitionOf(id, Topics.PARTITIONS))) {
        ids.add(id);
      }
    }
    return ids;
  }

  public Result run() throws Exception {
    BenchBroker.deleteRecursively(work);
    Files.createDirectories(work);
    try (LocalStack.Running stack = LocalStack.startForTests(work.resolve("stack"), KAFKA_PORT,
        CONTROLLER_PORT, REGISTRY_PORT);
        SignalCleanup onSignal = new SignalCleanup(children, stack);
        SchemaRegistry registry = new RestSchemaRegistry(stack.registryUrl())) {
      String bootstrap = stack.bootstrapServers();
      List<SyntheticCampaign> bigs = new ArrayList<>();
      for (String id : bigCampaignIds(campaigns)) {
        bigs.add(SyntheticCampaign.ofEvents(id, events / campaigns, 100));
      }
      SyntheticCampaign big = bigs.get(0);
      long t0 = System.nanoTime();
      try (KafkaEventPublisher out = KafkaEventPublisher.create(bootstrap, registry)) {
        for (SyntheticCampaign c : bigs) {
          c.start(out);
          c.cycles(out);
          c.finish(out);
        }
        out.flush();
      }
      double publishSecs = (System.nanoTime() - t0) / 1e9;
      long n = bigs.stream().mapToLong(SyntheticCampaign::events).sum();
      System.out.printf(Locale.ROOT, "  published %d events (%d campaign(s) x %d cycles x 2"
          + " classes x 100 writes) in %.1f s: %.0f events/s%n", n, bigs.size(),
          big.cyclesPerFault(), publishSecs, n / publishSecs);
      long inputBytes;
      try (Admin admin = Admin.create(BenchBroker.props(bootstrap))) {
        inputBytes = BenchBroker.logBytes(admin, t -> t.matches(BenchBroker.INPUTS));
      }

      double[] raw = consumerPerformance(bootstrap, n, children);
      System.out.printf(Locale.ROOT, "  ConsumerPerformance: %.0f records/s (fetch only %.0f)%n",
          raw[0], raw[1]);
      double decodeOnly = decodeOnly(bootstrap, registry, n, threads,
          work.resolve("decode-only-state"));
      System.out.printf(Locale.ROOT, "  Kafka Streams decoding only (exactly once, same config):"
          + " %.0f events/s%n", decodeOnly);
      Path runs = work.resolve("runs");

      Path state = work.resolve("streams-state");
      // through the launcher, as a user starts it (its class archive, the cli jar)
      List<String> cmd = new ArrayList<>(List.of(Home.dir().resolve("shipgate").toString(),
          "streams", "--bootstrap-servers", bootstrap,
          "--schema-registry-url", stack.registryUrl(), "--application-id", "bench-streams",
          "--state-dir", state.toString(), "--http", "127.0.0.1:" + HTTP_PORT));
      String jvm = "-Xmx" + heap;
      String extra = System.getenv("SHIPGATE_BENCH_STREAMS_OPTS");
      if (extra != null && !extra.isBlank()) {
        jvm += " " + extra.trim();
      }
      String args = System.getenv("SHIPGATE_BENCH_STREAMS_ARGS");
      if (args != null && !args.isBlank()) {
        cmd.addAll(List.of(args.trim().split("\\s+")));
      }
      if (threads > 1) {
        cmd.add("--threads");
        cmd.add(String.valueOf(threads));
      }
      PageWatch watch = new PageWatch(runs.resolve(big.campaignId()));
      ProcessBuilder streamsBuilder = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.PIPE);
      streamsBuilder.environment().put("SHIPGATE_JAVA_OPTS", jvm);
      Process streams = streamsBuilder.start();
      children.add(streams);
      try {
        long spawned = System.nanoTime();
        AtomicLong peak = new AtomicLong();
        Thread rss = new Thread(() -> sampleRss(streams, peak), "bench-rss");
        rss.setDaemon(true);
        rss.start();
        long running = awaitLine(streams, "streams running as", Duration.ofSeconds(120));
        long cpuAtRunning = cpuMs(streams);
        Map<String, Double> threadsAtRunning = ThreadCpu.sample(streams.pid());
        long startMs = (running - spawned) / 1_000_000;
        Progress progress = awaitProgress(bootstrap, "bench-streams", Duration.ofMinutes(30),
            alive(streams));
        long caught = progress.caughtUp();
        double secondHalf = progress.fractionAtHalf() >= 1 ? Double.NaN
            : progress.secondHalfPerSec(n);
        long catchMs = (caught - running) / 1_000_000;
        double rate = n / ((caught - running) / 1e9);
        // the JVM's CPU time over the same span: less moved than the wall time by what else runs
        // on a shared machine, so two builds compare on it with fewer runs
        Map<String, Double> threadCpu = ThreadCpu.spent(threadsAtRunning,
            ThreadCpu.sample(streams.pid()));
        long cpuSpan = cpuMs(streams) - cpuAtRunning;
        double cpuPerThousand = cpuSpan * 1000.0 / n;
        System.out.printf(Locale.ROOT, "  streams: RUNNING %d ms after start, lag 0 %d ms later:"
            + " %.0f events/s (the second half of the backlog %.0f events/s), %.1f CPU ms per"
            + " 1000 events%n", startMs, catchMs, rate, secondHalf, cpuPerThousand);
        long readByTasks = progress.perTask().values().stream().mapToLong(Long::longValue).sum();
        double busiestTask = readByTasks == 0 ? Double.NaN : progress.perTask().values().stream()
            .mapToLong(Long::longValue).max().orElse(0) / (double) readByTasks;
        System.out.printf(Locale.ROOT, "  input read per cycle task:%s%n",
            progress.perTask().entrySet().stream().map(e -> String.format(Locale.ROOT,
                " 0_%d %d (%.1f %%)", e.getKey(), e.getValue(),
                100.0 * e.getValue() / Math.max(1, readByTasks)))
                .collect(java.util.stream.Collectors.joining(",")));
        System.out.printf(Locale.ROOT, "  streams JVM: %.2f cores over that span%s%n",
            cpuSpan / (double) catchMs, threadCpu.isEmpty() ? " (no thread dump)"
                : threadCpu.entrySet().stream().map(e -> String.format(Locale.ROOT,
                    "; %s %.1f s (%.2f cores)", e.getKey(), e.getValue() / 1000.0,
                    e.getValue() / catchMs)).collect(java.util.stream.Collectors.joining()));
        Verdict verdict = finalVerdict(bootstrap, registry, big.campaignId());
        // the sink after Streams, so the two do not share the cores while Streams is timed: it
        // reads the outputs from the start and writes the run's files
        Process sink = new ProcessBuilder(Home.dir().resolve("shipgate").toString(), "sink",
            "--bootstrap-servers", bootstrap,
            "--schema-registry-url", stack.registryUrl(), "--runs-dir", runs.toString())
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        children.add(sink);
        awaitLine(sink, "sink writing", Duration.ofSeconds(60));
        SinkFiles files = watch.awaitFinal(Duration.ofMinutes(2));
        stop(sink);
        System.out.printf(Locale.ROOT, "  sink: index.html written %d times, %d bytes;"
            + " shipgate-verdict.json %d bytes%n", files.pageWrites(), files.pageBytes(),
            files.verdictJsonBytes());
        List<Long> bounds = new ArrayList<>();
        List<Long> verdicts = new ArrayList<>();
        latency(bootstrap, registry, bounds, verdicts);
        Queries queries = queries(bootstrap, stack.registryUrl(), registry, big.campaignId(),
            verdict, streams, 1 + latencySamples + MANY);
        long stateBytes = du(state);
        long changelog;
        try (Admin admin = Admin.create(BenchBroker.props(bootstrap))) {
          changelog = BenchBroker.logBytes(admin, t -> t.startsWith("bench-streams-")
              && t.endsWith("-changelog"));
        }
        long hwm = Math.max(peak.get(), vmHwm(streams.pid()));
        return new Result(n, inputBytes, n / publishSecs, raw[0], raw[1], decodeOnly, startMs,
            catchMs, rate, secondHalf, cpuPerThousand, cpuSpan, threadCpu, busiestTask,
            hwm, stateBytes, changelog, bounds, verdicts, verdict, queries, files);
      } finally {
        stop(streams);
        watch.close();
      }
    } finally {
      for (Process p : children) {
        stop(p);
      }
      BenchBroker.deleteRecursively(work);
    }
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  /** Counts the rewrites of a run's {@code index.html} (size or modification time changed). */
  private static final class PageWatch implements AutoCloseable {
    private static final java.util.regex.Pattern FINAL = java.util.regex.Pattern.compile(
        "\"state\"\\s*:\\s*\"FINISHED\"");
    private final Path dir;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile int writes;

    PageWatch(Path dir) {
      this.dir = dir;
      this.thread = new Thread(this::watch, "bench-page-watch");
      thread.setDaemon(true);
      thread.start();
    }

    private void watch() {
      Path page = dir.resolve("index.html");
      String last = null;
      while (!stopped) {
        try {
          if (Files.exists(page)) {
            String now = Files.getLastModifiedTime(page).toMillis() + "/" + Files.size(page)
                + "/" + Files.getAttribute(page, "unix:ino");
            if (!now.equals(last)) {
              writes++;
              last = now;
            }
          }
          Thread.sleep(20);
        } catch (IOException | UnsupportedOperationException e) {
          // replaced while looked at: seen on the next turn
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /** Waits until the run's verdict file says FINISHED, then the files' figures. */
    SinkFiles awaitFinal(Duration timeout) throws Exception {
      Path json = dir.resolve("shipgate-verdict.json");
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (Files.exists(json) && FINAL.matcher(Files.readString(json)).find()) {
          Thread.sleep(100); // the page is written with the verdict file: let the watch see it
          return new SinkFiles(writes, Files.size(dir.resolve("index.html")), Files.size(json));
        }
        Thread.sleep(50);
      }
      throw new ShipgateException("the sink did not write the final verdict of " + dir
          + " within " + timeout);
    }

    @Override
    public void close() {
      stopped = true;
      thread.interrupt();
    }
  }

  /**
   * ConsumerPerformance over the input topics: records/s over everything, and over fetching only
   * (without the group join).
   */
  public static double[] consumerPerformance(String bootstrap, long n) throws Exception {
    return consumerPerformance(bootstrap, n, new ArrayList<>());
  }

  /** As above, the tool's process added to {@code children} (stopped on a signal). */
  static double[] consumerPerformance(String bootstrap, long n, List<Process> children)
      throws Exception {
    Process p = new ProcessBuilder(BenchBroker.tool(
        "org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", bootstrap,
        "--include", BenchBroker.INPUTS, "--messages", String.valueOf(n), "--timeout", "60000",
        "--command-property", "isolation.level=read_committed",
        "--command-property", "auto.offset.reset=earliest", "--hide-header"))
        .redirectErrorStream(true).start();
    children.add(p);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new ShipgateException("ConsumerPerformance failed: " + out.strip());
    }
    // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
    // rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
    String line = out.lines().filter(l -> l.chars().filter(c -> c == ',').count() >= 9)
        .reduce((a, b) -> b).orElseThrow(() -> new ShipgateException(
            "no result line from ConsumerPerformance: " + out.strip()));
    String[] f = line.split(",");
    long consumed = Long.parseLong(f[4].trim());
    if (consumed < n) {
      throw new ShipgateException("ConsumerPerformance read " + consumed + " of " + n);
    }
    return new double[] {Double.parseDouble(f[5].trim()), Double.parseDouble(f[9].trim())};
  }

  private static long awaitLine(Process p, String marker, Duration timeout) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + timeout.toNanos();
    String line;
    StringBuilder seen = new StringBuilder();
    while ((line = in.readLine()) != null) {
      if (line.contains(marker)) {
        long at = System.nanoTime();
        Thread drain = new Thread(() -> {
          try {
            while (in.readLine() != null) {
              // keep the pipe from filling
            }
          } catch (IOException e) {
            // the process ended
          }
        }, "bench-drain");
        drain.setDaemon(true);
        drain.start();
        return at;
      }
      seen.append(line).append('\n');
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    throw new ShipgateException("no '" + marker + "' from the process: " + seen);
  }

  /**
   * When the application's committed offsets reach the end of the input topics and of the
   * cycle reports between its stages.
   */
  private static long awaitLagZero(String bootstrap, String group, Duration timeout,
      Process streams) throws Exception {
    return awaitLagZero(bootstrap, group, timeout, alive(streams));
  }

  /** A check that fails once the Streams process has exited. */
  private static Runnable alive(Process streams) {
    return () -> {
      if (!streams.isAlive()) {
        throw new ShipgateException("streams exited with " + streams.exitValue());
      }
    };
  }

  /**
   * The reference Streams application: the same inputs decoded and dropped
   * ({@link DecodeOnlyTopology}), exactly once under the application's own defaults, in this JVM,
   * from RUNNING to lag 0: events/s.
   */
  private static double decodeOnly(String bootstrap, SchemaRegistry registry, long n,
      int threads, Path state) throws Exception {
    String id = "bench-decode-only";
    Properties props = StreamsConfigFactory.create(bootstrap, Map.of(
        "application.id", id, "state.dir", state.toString(), "num.stream.threads", threads));
    FormatLocale.apply(); // as the application does
    try (KafkaStreams streams = new KafkaStreams(DecodeOnlyTopology.of(registry, id), props)) {
      java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
      streams.setStateListener((now, before) -> {
        if (now == KafkaStreams.State.RUNNING) {
          running.countDown();
        }
      });
      streams.start();
      if (!running.await(120, TimeUnit.SECONDS)) {
        throw new ShipgateException("the decode-only Streams reference did not reach RUNNING: "
            + streams.state());
      }
      long from = System.nanoTime();
      long caught = awaitLagZero(bootstrap, id, Duration.ofMinutes(30), () -> {
        if (streams.state().hasCompletedShutdown() || streams.state() == KafkaStreams.State.ERROR) {
          throw new ShipgateException("the decode-only Streams reference stopped: "
              + streams.state());
        }
      });
      streams.close(Duration.ofSeconds(30));
      return n / ((caught - from) / 1e9);
    }
  }

  private static long awaitLagZero(String bootstrap, String group, Duration timeout,
      Runnable alive) throws Exception {
    return awaitProgress(bootstrap, group, timeout, alive).caughtUp();
  }

  /**
   * How a group read the input topics to their end: when its committed offsets first passed half
   * of the offsets to read ({@code halfAt}, at {@code fractionAtHalf} of them), and when they
   * reached the end. The second half is judged by a JVM whose compiler has done most of its work
   * (measured: on 2 cores the C2 compiler thread used as much CPU as the stream thread during a
   * fresh JVM's first 10^6 events).
   */
  /**
   * @param perTask the input offsets each cycle task read (task {@code 0_p} reads partition p of
   *     the evidence topics; the campaigns topic's one event per campaign is counted with them),
   *     by partition number
   */
  record Progress(long halfAt, double fractionAtHalf, long caughtUp, Map<Integer, Long> perTask) {
    /** Events/s over the part after {@code halfAt}, of {@code n} in all. */
    double secondHalfPerSec(long n) {
      return n * (1 - fractionAtHalf) / ((caughtUp - halfAt) / 1e9);
    }
  }

  private static Progress awaitProgress(String bootstrap, String group, Duration timeout,
      Runnable alive) throws Exception {
    try (Admin admin = Admin.create(BenchBroker.props(bootstrap))) {
      Map<TopicPartition, Long> end = BenchBroker.endOffsets(admin, BenchBroker.INPUTS);
      Map<TopicPartition, OffsetAndMetadata> before = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get();
      long from = 0;
      long total = 0;
      for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
        OffsetAndMetadata b = before.get(e.getKey());
        from += b == null ? 0 : Math.min(b.offset(), e.getValue());
        total += e.getValue();
      }
      long toRead = Math.max(1, total - from);
      long halfAt = -1;
      double fractionAtHalf = 0;
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        alive.run();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata().get();
        long now = System.nanoTime();
        long read = -from;
        boolean done = true;
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
          OffsetAndMetadata c = committed.get(e.getKey());
          long at = c == null ? 0 : Math.min(c.offset(), e.getValue());
          read += at;
          done &= e.getValue() == 0 || at >= e.getValue();
        }
        if (halfAt < 0 && read * 2 >= toRead) {
          halfAt = now;
          fractionAtHalf = (double) read / toRead;
        }
        if (done) {
          // and the campaign judge has read what the cycle tasks reported (the end offset of a
          // transactional partition is its last commit marker's)
          Map<TopicPartition, Long> stages = BenchBroker.endOffsets(admin,
              java.util.regex.Pattern.quote(group) + "-cycle-reports-repartition");
          for (Map.Entry<TopicPartition, Long> e : stages.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            done &= e.getValue() == 0 || (c != null && c.offset() >= e.getValue() - 1);
          }
        }
        if (done) {
          Map<Integer, Long> perTask = new java.util.TreeMap<>();
          for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            OffsetAndMetadata b = before.get(e.getKey());
            long start = b == null ? 0 : Math.min(b.offset(), e.getValue());
            perTask.merge(e.getKey().partition(), e.getValue() - start, Long::sum);
          }
          return new Progress(halfAt, Math.min(fractionAtHalf, 1), now, perTask);
        }
        Thread.sleep(50);
      }
      throw new ShipgateException("streams did not catch up within " + timeout);
    }
  }

  private static Verdict finalVerdict(String bootstrap, SchemaRegistry registry, String id)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    try (Reader r = new Reader(bootstrap, registry, true)) {
      while (System.nanoTime() < deadline) {
        for (SpecificRecord v : r.poll()) {
          if (v instanceof CampaignVerdict cv && cv.getCampaignId().equals(id)
              && cv.getState() == CampaignState.FINISHED) {
            return cv.getVerdict();
          }
        }
      }
    }
    throw new ShipgateException("no final verdict for " + id);
  }

  /** Small campaigns on the idle instance: cycle's last event → bound; FINISHED → verdict. */
  private void latency(String bootstrap, SchemaRegistry registry, List<Long> bounds,
      List<Long> verdicts) throws Exception {
    try (Reader r = new Reader(bootstrap, registry, false);
        KafkaEventPublisher out = KafkaEventPublisher.create(bootstrap, registry)) {
      for (int i = 0; i < latencySamples; i++) {
        SyntheticCampaign small = SyntheticCampaign.live("bench-latency-" + i, 1, 10);
        small.start(out);
        out.flush();
        small.cycle(out, SyntheticCampaign.FAULTS.get(0), 1);
        out.flush();
        long sent = System.nanoTime();
        bounds.add(await(r, v -> v instanceof FaultBound b
            && b.getCampaignId().equals(small.campaignId()) && b.getCycles() == 1, sent));
        small.cycle(out, SyntheticCampaign.FAULTS.get(1), 1);
        small.finish(out);
        out.flush();
        sent = System.nanoTime();
        verdicts.add(await(r, v -> v instanceof CampaignVerdict c
            && c.getCampaignId().equals(small.campaignId())
            && c.getState() == CampaignState.FINISHED, sent));
      }
    }
  }

  /** See {@link Queries}. */
  private static Queries queries(String bootstrap, String registryUrl, SchemaRegistry registry,
      String id, Verdict expected, Process streams, int campaigns) throws Exception {
    try (KafkaEventPublisher out = KafkaEventPublisher.create(bootstrap, registry)) {
      for (int i = 0; i < MANY; i++) {
        SyntheticCampaign small = SyntheticCampaign.of("bench-many-" + i, 1, 10);
        small.start(out);
        small.cycles(out);
        small.finish(out);
      }
      out.flush();
    }
    awaitLagZero(bootstrap, "bench-streams", Duration.ofMinutes(5), streams);
    // HTTP/1.1, as the query server speaks: the client's default asks each new connection to
    // upgrade to HTTP/2 (h2c), which that server ignores
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + HTTP_PORT + "/campaigns/" + id);
    List<Long> httpMicros = new ArrayList<>();
    int unanswered = 0;
    for (int i = 0; i < HTTP_SAMPLES + 20; i++) {
      long t = System.nanoTime();
      java.net.http.HttpResponse<String> r;
      try {
        r = http.send(java.net.http.HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT).GET()
            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      } catch (java.net.http.HttpTimeoutException e) {
        // said and asked again (on a new connection: the client drops the one that timed out),
        // not counted as a sample; a server that keeps not answering fails the run
        if (++unanswered > 3) {
          throw new ShipgateException("GET " + uri + ": no answer in " + HTTP_TIMEOUT.toSeconds()
              + " s, " + unanswered + " times");
        }
        System.out.printf(Locale.ROOT, "  GET %s: no answer in %d s; asking again%n", uri,
            HTTP_TIMEOUT.toSeconds());
        i--;
        continue;
      }
      long us = (System.nanoTime() - t) / 1000;
      if (r.statusCode() != 200 || !r.body().contains("\"" + expected.name() + "\"")) {
        throw new ShipgateException("GET " + uri + ": " + r.statusCode() + " " + r.body());
      }
      if (i >= 20) {
        httpMicros.add(us); // the first 20 warm the server and the client
      }
    }
    List<Long> warm = new ArrayList<>();
    Properties client = BenchBroker.props(bootstrap);
    for (int i = 0; i < CLI_SAMPLES + 2; i++) {
      long t = System.nanoTime();
      String v = dev.shipgate.cli.VerdictCommand.verdictFromTopics(client, registry, id)
          .orElseThrow(() -> new ShipgateException("no verdict for " + id + " on the topics"));
      if (!v.equals(expected.name())) {
        throw new ShipgateException("the topics say " + v + " for " + id + ", not " + expected);
      }
      if (i >= 2) {
        warm.add((System.nanoTime() - t) / 1_000_000);
      }
    }
    List<Long> httpWall = new ArrayList<>();
    List<Long> httpLookup = new ArrayList<>();
    List<Long> topicsWall = new ArrayList<>();
    List<Long> topicsLookup = new ArrayList<>();
    for (int i = 0; i < CLI_SAMPLES; i++) {
      cliVerdict(bootstrap, registryUrl, id, "http://127.0.0.1:" + HTTP_PORT, "http://",
          httpWall, httpLookup);
      cliVerdict(bootstrap, registryUrl, id, "off", Topics.CAMPAIGN_VERDICTS.name(), topicsWall,
          topicsLookup);
    }
    return new Queries(campaigns, httpMicros, httpWall, httpLookup, topicsWall, topicsLookup,
        warm);
  }

  /** One {@code ./shipgate verdict} process: its wall time and the lookup time it reports. */
  private static void cliVerdict(String bootstrap, String registryUrl, String id, String queryUrl,
      String source, List<Long> wall, List<Long> lookup) throws Exception {
    long t = System.nanoTime();
    // through the launcher, as a user or a release job runs it (its JVM options, its class
    // archive)
    Process p = new ProcessBuilder(Home.dir().resolve("shipgate").toString(), "verdict", id,
        "--bootstrap-servers", bootstrap,
        "--schema-registry-url", registryUrl, "--query-url", queryUrl)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new ShipgateException("shipgate verdict " + id + " --query-url " + queryUrl + ": "
          + out.strip());
    }
    wall.add((System.nanoTime() - t) / 1_000_000);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "verdict from (\\S+).* in (\\d+) ms").matcher(out);
    if (!m.find() || !m.group(1).startsWith(source)) {
      throw new ShipgateException("shipgate verdict did not answer from " + source + ": "
          + out.strip());
    }
    lookup.add(Long.parseLong(m.group(2)));
  }

  private static long await(Reader r, java.util.function.Predicate<SpecificRecord> match,
      long since) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (SpecificRecord v : r.poll()) {
        if (match.test(v)) {
          return (System.nanoTime() - since) / 1_000_000;
        }
      }
    }
    throw new ShipgateException("no output within 30 s");
  }

  /** Reads the fault bounds and campaign verdicts as Streams commits them. */
  private static final class Reader implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, org.apache.kafka.common.serialization.Deserializer<
        ? extends SpecificRecord>> values = new HashMap<>();

    Reader(String bootstrap, SchemaRegistry registry, boolean fromStart) {
      Properties p = BenchBroker.props(bootstrap);
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5");
      consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
      List<TopicPartition> parts = new ArrayList<>();
      for (Topic<String, ? extends SpecificRecord> t : List.of(Topics.FAULT_BOUNDS,
          Topics.CAMPAIGN_VERDICTS)) {
        values.put(t.name(), t.valueSerde(registry).deserializer());
        consumer.partitionsFor(t.name()).forEach(i -> parts.add(
            new TopicPartition(t.name(), i.partition())));
      }
      consumer.assign(parts);
      if (fromStart) {
        consumer.seekToBeginning(parts);
      } else {
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position);
      }
    }

    List<SpecificRecord> poll() {
      List<SpecificRecord> out = new ArrayList<>();
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
        if (r.value() != null) {
          out.add(values.get(r.topic()).deserialize(r.topic(), r.value()));
        }
      }
      return out;
    }

    @Override
    public void close() {
      consumer.close();
    }
  }

  private static void sampleRss(Process p, AtomicLong peak) {
    while (p.isAlive()) {
      peak.accumulateAndGet(vmField(p.pid(), "VmRSS:"), Math::max);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** CPU time, user and system, of {@code p} so far (0 when the platform does not say). */
  private static long cpuMs(Process p) {
    return p.toHandle().info().totalCpuDuration().map(Duration::toMillis).orElse(0L);
  }

  private static long vmHwm(long pid) {
    return vmField(pid, "VmHWM:");
  }

  private static long vmField(long pid, String field) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (l.startsWith(field)) {
          return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  private static long du(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    }
  }
}
