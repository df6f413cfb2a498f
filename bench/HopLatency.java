import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * What one more hop inside a Kafka Streams application costs a live verdict under exactly once:
 * the shape planned for per-cycle tasks (docs/cycle-tasks.md), with strings for events.
 *
 * <pre>
 *   bulk (key campaign/cycle) ─┐
 *   control (multicast) ───────┴▶ cycle stage ─▶ digests (repartition by campaign) ─┐
 *   campaign events (key campaign) ────────────────────────────────────────────────┴▶ judge
 *   judge ─▶ verdicts; judge ─▶ control ("judged", to every partition: the loop)
 * </pre>
 *
 * Each campaign sends its cycle's last event to the bulk topic, then its end event. Every other
 * campaign's end event asks for a verdict at once ("direct", the reference: no hop); the others
 * wait for the cycle stage's digest ("after-hop"). Both stages commit at once after a live output,
 * as shipgate's judge does. The latency is from the end event's send to the verdict's arrival at a
 * read-committed consumer, on an idle application, the two kinds interleaved.
 *
 * <p>Run by bench/hop-latency.sh (java -cp CLASSPATH HopLatency BOOTSTRAP CAMPAIGNS THREADS).
 */
public final class HopLatency {
  private HopLatency() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    int campaigns = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    String run = "hop-latency-" + ProcessHandle.current().pid();
    String bulk = run + ".bulk";
    String events = run + ".campaigns";
    String control = run + ".control";
    String verdicts = run + ".verdicts";
    List<String> topics = List.of(bulk, events, control, verdicts);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(topics.stream().map(t -> new NewTopic(t, 3, (short) 1)).toList())
          .all().get();
    }
    KafkaStreams streams = new KafkaStreams(topology(bulk, events, control, verdicts),
        props(bootstrap, run, threads));
    Map<String, Long> sentNanos = new ConcurrentHashMap<>();
    Map<String, List<Long>> micros = new ConcurrentHashMap<>();
    Thread reader = new Thread(() -> read(bootstrap, run, verdicts, sentNanos, micros));
    try {
      CountDownLatch running = new CountDownLatch(1);
      streams.setStateListener((now, before) -> {
        if (now == KafkaStreams.State.RUNNING) {
          running.countDown();
        }
      });
      streams.start();
      if (!running.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the application was not RUNNING after 60 s");
      }
      reader.start();
      Thread.sleep(3_000); // the reader's group joined, the tasks idle
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(
          Map.of("bootstrap.servers", bootstrap, "linger.ms", 0), new StringSerializer(),
          new StringSerializer())) {
        for (int i = 0; i < campaigns; i++) {
          String campaign = "c" + i;
          producer.send(new ProducerRecord<>(bulk, campaign + "/1", "last:" + campaign)).get();
          sentNanos.put(campaign, System.nanoTime());
          producer.send(new ProducerRecord<>(events, campaign, i % 2 == 0 ? "wait" : "direct"))
              .get();
          Thread.sleep(150 + (i * 37L) % 100); // idle between campaigns, not in phase
        }
      }
      Thread.sleep(3_000);
    } finally {
      reader.interrupt();
      reader.join();
      streams.close(Duration.ofSeconds(10));
      streams.cleanUp();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        List<String> all = new ArrayList<>(topics);
        admin.listTopics().names().get().stream().filter(t -> t.startsWith(run + "-"))
            .forEach(all::add);
        admin.deleteTopics(all).all().get();
      }
    }
    Map<String, Double> p99 = new HashMap<>();
    for (Map.Entry<String, List<Long>> e : new TreeMap<>(micros).entrySet()) {
      List<Long> l = new ArrayList<>(e.getValue());
      Collections.sort(l);
      double p50 = l.get(l.size() / 2) / 1000.0;
      double p9 = l.get(Math.min(l.size() - 1, (int) Math.ceil(l.size() * 0.99) - 1)) / 1000.0;
      p99.put(e.getKey(), p9);
      System.out.printf("%-28s n=%d  p50 %.1f ms  p99 %.1f ms  max %.1f ms%n",
          "verdict " + e.getKey(), l.size(), p50, p9, l.get(l.size() - 1) / 1000.0);
    }
    System.out.printf("control records the cycle stage read: %d (expected %d: every verdict to"
        + " each of 3 partitions)%n", Stage.controls.get(), 3L * campaigns);
    if (p99.containsKey("after-hop") && p99.containsKey("direct")) {
      System.out.printf("p99 after-hop - direct: %.1f ms%n",
          p99.get("after-hop") - p99.get("direct"));
    }
  }

  static Topology topology(String bulk, String events, String control, String verdicts) {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> digests = b
        .stream(bulk, Consumed.with(Serdes.String(), Serdes.String()))
        .merge(b.stream(control, Consumed.with(Serdes.String(), Serdes.String())))
        .process(Stage::new)
        .repartition(Repartitioned.with(Serdes.String(), Serdes.String()).withName("digests"));
    KStream<String, String> judged = b
        .stream(events, Consumed.with(Serdes.String(), Serdes.String()))
        .merge(digests)
        .process(Judge::new);
    judged.filter((k, v) -> v.startsWith("verdict:"))
        .to(verdicts, Produced.with(Serdes.String(), Serdes.String()));
    judged.filter((k, v) -> v.equals("judged"))
        .to(control, Produced.with(Serdes.String(), Serdes.String())
            .withStreamPartitioner(new EveryPartition()));
    return b.build();
  }

  static Properties props(String bootstrap, String app, int threads) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 500); // shipgate's
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    p.put(StreamsConfig.STATE_DIR_CONFIG,
        System.getProperty("java.io.tmpdir") + "/" + app + "-state");
    return p;
  }

  private static void read(String bootstrap, String run, String topic, Map<String, Long> sent,
      Map<String, List<Long>> micros) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", run + "-reader");
    p.put("isolation.level", "read_committed");
    p.put("auto.offset.reset", "earliest");
    p.put("fetch.max.wait.ms", "10");
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(),
        new StringDeserializer())) {
      c.subscribe(List.of(topic));
      while (!Thread.currentThread().isInterrupted()) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(50))) {
          long now = System.nanoTime();
          Long t0 = sent.get(r.key());
          if (t0 != null) {
            micros.computeIfAbsent(r.value().substring("verdict:".length()),
                k -> new CopyOnWriteArrayList<>()).add((now - t0) / 1000);
          }
        }
      }
    } catch (org.apache.kafka.common.errors.InterruptException e) {
      // asked to stop
    }
  }

  /** To every partition of the topic: a control record each cycle task must see. */
  static final class EveryPartition implements StreamPartitioner<String, String> {
    @Override
    @SuppressWarnings("removal") // the interface's one abstract method; the Headers one is default
    public Optional<Set<Integer>> partitions(String topic, String key, String value,
        int partitions) {
      return Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toSet()));
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, String value,
        org.apache.kafka.common.header.Headers headers, int partitions) {
      return partitions(topic, key, value, partitions);
    }
  }

  /** A processor of strings that keeps its context. */
  abstract static class StringProcessor implements Processor<String, String, String, String> {
    ProcessorContext<String, String> context;

    @Override
    public void init(ProcessorContext<String, String> context) {
      this.context = context;
    }
  }

  /** The cycle stage: a cycle's last event gives its digest, keyed by campaign. */
  static final class Stage extends StringProcessor {
    static final AtomicLong controls = new AtomicLong();

    @Override
    public void process(Record<String, String> r) {
      if (r.value().equals("judged")) {
        controls.incrementAndGet();
        return;
      }
      String campaign = r.value().substring("last:".length());
      context.forward(new Record<>(campaign, "digest", r.timestamp()));
      context.commit(); // live: at once, not at the commit interval
    }
  }

  /** The campaign judge: a verdict once the end event (and, if it waits, the digest) is in. */
  static final class Judge extends StringProcessor {
    private final Map<String, Set<String>> seen = new HashMap<>();

    @Override
    public void process(Record<String, String> r) {
      Set<String> s = seen.computeIfAbsent(r.key(), k -> new HashSet<>());
      s.add(r.value());
      if (r.value().equals("direct")) {
        emit(r, "direct");
      } else if (s.contains("wait") && s.contains("digest")) {
        emit(r, "after-hop");
      }
    }

    private void emit(Record<String, String> r, String kind) {
      context.forward(new Record<>(r.key(), "verdict:" + kind, r.timestamp()));
      context.forward(new Record<>(r.key(), "judged", r.timestamp()));
      context.commit();
    }
  }
}
