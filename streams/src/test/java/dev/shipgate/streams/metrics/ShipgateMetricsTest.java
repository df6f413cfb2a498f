package dev.shipgate.streams.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.EventSource;
import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.events.Thresholds;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.InMemorySchemaRegistry;
import dev.shipgate.streams.EvidenceStores;
import dev.shipgate.streams.OutputCounts;
import dev.shipgate.streams.Reanalysis;
import dev.shipgate.streams.ShipgateStreams;
import dev.shipgate.streams.ShipgateTopology;
import dev.shipgate.streams.StreamsConfigFactory;
import dev.shipgate.streams.query.QueryServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} of campaigns driven through the production topology under TopologyTestDriver
 * (rendered from the driver's stores, counts and metrics), and the HTTP route of a real
 * {@link QueryServer} over a real (not started) {@link ShipgateStreams}.
 */
class ShipgateMetricsTest {
  private static final String PASSING = "camp-pass";
  private static final String FAILING = "camp-r20";
  private static final String PM = "partition_minority";
  /** A target name a label value must carry escaped: a quote, a backslash. */
  private static final String ODD_TARGET = "etcd \"edge\" \\ build";
  private static final Instant T0 = Instant.parse("2026-04-20T10:00:00Z");

  private Path stateDir;
  private TopologyTestDriver driver;
  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final OutputCounts counts = new OutputCounts();
  private final Map<Class<?>, TestInputTopic<String, SpecificRecord>> inputs = new HashMap<>();
  private final Map<String, Long> sent = new TreeMap<>();
  private Instant clock = T0;

  @BeforeEach
  @SuppressWarnings({"unchecked", "rawtypes"})
  void drive() throws Exception {
    stateDir = Files.createTempDirectory("shipgate-metrics-test");
    Properties props = StreamsConfigFactory.create("localhost:9092",
        Map.of(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString()));
    StreamsBuilder builder = new StreamsBuilder();
    ShipgateTopology.build(builder, registry,
        props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG), "", Reanalysis.NONE, counts);
    driver = new TopologyTestDriver(builder.build(), props);
    for (Topic<String, ? extends SpecificRecord> t : Topics.inputs()) {
      inputs.put(t.valueClass(), driver.createInputTopic(t.name(), new StringSerializer(),
          (org.apache.kafka.common.serialization.Serializer) t.valueSerde(registry).serializer()));
    }
    // a clean campaign: 50 cycles, every acknowledged write on both peers
    campaign(PASSING, "etcd", "3.4.23", "100", "100", "100");
    // the original gate's r20: the minority holds 20 % of the writes
    campaign(FAILING, ODD_TARGET, null, "100", "20", "20");
    // one undecodable record: a dead letter
    driver.createInputTopic(Topics.WRITES.name(), new StringSerializer(),
        new ByteArraySerializer()).pipeInput(PASSING, new byte[] {1, 2, 3}, clock);
  }

  @AfterEach
  void close() throws Exception {
    driver.close();
    try (var paths = Files.walk(stateDir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void shouldExposeTheFinishedCampaignsTheirBoundsAndTheCounts() {
    String text = new ShipgateMetrics(source(KafkaStreams.State.RUNNING, Map.of())).text();
    System.out.println("---- /metrics of the test campaigns ----\n" + text);
    Exposition m = Exposition.parse(text);

    CampaignVerdict pass = verdicts().get(PASSING);
    assertEquals(Verdict.PASS, pass.getVerdict(), "the clean campaign passes");
    assertEquals(CampaignState.FINISHED, pass.getState());
    assertEquals(1.0, m.value("shipgate_campaign_info", "campaign", PASSING, "target", "etcd",
        "version", "3.4.23", "state", "FINISHED", "verdict", "PASS"));
    assertEquals(1.0, m.value("shipgate_campaign_final", "campaign", PASSING));
    assertEquals(1.0, m.value("shipgate_campaign_pass", "campaign", PASSING));
    assertEquals(1.0, m.value("shipgate_campaign_info", "campaign", FAILING, "target", ODD_TARGET,
        "version", "", "state", "FINISHED", "verdict", "FAIL"), "an odd target, escaped");
    assertTrue(text.contains("target=\"etcd \\\"edge\\\" \\\\ build\""), "escaped in the text");
    assertEquals(1.0, m.value("shipgate_campaign_final", "campaign", FAILING));
    assertEquals(0.0, m.value("shipgate_campaign_pass", "campaign", FAILING));
    assertEquals(2, m.samples("shipgate_campaign_info").size());
    assertEquals(0.0, m.value("shipgate_campaigns_truncated"));
    assertEquals(1.0, m.value("shipgate_state_queryable"));

    FaultBound good = bounds().get(PASSING + "/" + PM);
    FaultBound r20 = bounds().get(FAILING + "/" + PM);
    assertEquals("1", good.getBound());
    assertEquals("0.2", r20.getBound());
    assertEquals(1.0, m.value("shipgate_fault_bound", "campaign", PASSING, "fault", PM));
    assertEquals(0.2, m.value("shipgate_fault_bound", "campaign", FAILING, "fault", PM));
    assertEquals(0.995, m.value("shipgate_fault_threshold", "campaign", PASSING, "fault", PM));
    assertEquals(0.995, m.value("shipgate_fault_threshold", "campaign", FAILING, "fault", PM));
    assertEquals(1.0, m.value("shipgate_fault_pass", "campaign", PASSING, "fault", PM));
    assertEquals(0.0, m.value("shipgate_fault_pass", "campaign", FAILING, "fault", PM));
    double wilson = m.value("shipgate_fault_wilson_lower", "campaign", PASSING, "fault", PM);
    assertEquals(good.getWilsonLower(), wilson, 1e-12);
    assertEquals(5000.0 / (5000 + 1.96 * 1.96), wilson, 1e-4, "5000 of 5000, z = 1.96");
    assertEquals(r20.getWilsonLower(),
        m.value("shipgate_fault_wilson_lower", "campaign", FAILING, "fault", PM), 1e-12);
    assertTrue(r20.getWilsonLower() < 0.21 && r20.getWilsonLower() > 0.18);

    // what the topology wrote, counted as it left, and what is on the output topics
    Map<AlertKind, Long> written = new EnumMap<>(AlertKind.class);
    for (Alert a : outputs(Topics.ALERTS)) {
      written.merge(a.getKind(), 1L, Long::sum);
    }
    for (AlertKind k : AlertKind.values()) {
      assertEquals(written.getOrDefault(k, 0L).doubleValue(),
          m.value("shipgate_alerts_total", "kind", k.name()), k.name());
    }
    assertEquals(1.0, m.value("shipgate_alerts_total", "kind", "VERDICT_FINAL"),
        "one campaign ended final and not PASS");
    assertTrue(m.value("shipgate_alerts_total", "kind", "THRESHOLD_BREACHED") >= 1.0);
    assertEquals(1.0, m.value("shipgate_alerts_total", "kind", "DEAD_LETTER"));
    assertEquals(1, outputs(Topics.DEAD_LETTERS).size());
    assertEquals(1.0, m.value("shipgate_dead_letters_total"));
    assertEquals("counter", m.types.get("shipgate_alerts_total"));
    assertEquals("counter", m.types.get("shipgate_dead_letters_total"));
    assertEquals(good.getLostWrites().doubleValue(),
        m.value("shipgate_fault_lost_writes", "campaign", PASSING, "fault", PM));
    assertEquals(bounds().get(FAILING + "/" + PM).getLostWrites().doubleValue(),
        m.value("shipgate_fault_lost_writes", "campaign", FAILING, "fault", PM),
        "observed by counts, not ids: no write is named lost");

    assertEquals(1.0, m.value("shipgate_streams_state", "state", "RUNNING"));
    for (KafkaStreams.State s : KafkaStreams.State.values()) {
      if (s != KafkaStreams.State.RUNNING) {
        assertEquals(0.0, m.value("shipgate_streams_state", "state", s.name()), s.name());
      }
    }
  }

  @Test
  void shouldExposeKafkaStreamsThreadAndConsumerMetricsAndSkipWhatIsNotANumber() {
    Map<MetricName, Metric> extra = new LinkedHashMap<>();
    String client = "shipgate-streams-7f3c-StreamThread-1-consumer";
    Map<String, String> partition = new LinkedHashMap<>();
    partition.put("client-id", client);
    partition.put("topic", Topics.WRITES.name());
    partition.put("partition", "2");
    metric(extra, "records-lag", "consumer-fetch-manager-metrics", partition, 42.0);
    metric(extra, "records-lag-max", "consumer-fetch-manager-metrics", partition, 99.0);
    metric(extra, "records-lag-max", "consumer-fetch-manager-metrics",
        Map.of("client-id", client), 57.0);
    metric(extra, "records-lag", "consumer-fetch-manager-metrics", Map.of("client-id", client,
        "topic", Topics.WRITES.name(), "partition", "0"), Double.NaN);
    metric(extra, "commit-latency-avg", "stream-thread-metrics",
        Map.of("thread-id", "shipgate-streams-7f3c-StreamThread-1"), 12.5);
    metric(extra, "commit-latency-max", "stream-thread-metrics",
        Map.of("thread-id", "shipgate-streams-7f3c-StreamThread-1"), "not a number");
    metric(extra, "records-lag", "some-other-group", Map.of("client-id", client), 7.0);
    metric(extra, "records-lag", "consumer-fetch-manager-metrics", Map.of("client-id",
        "shipgate-streams-7f3c-StateUpdater-1-restore-consumer", "topic",
        "shipgate-streams-campaign-books-changelog", "partition", "1"), 1234.0);
    metric(extra, "process-total", "stream-thread-metrics",
        Map.of("thread-id", "shipgate-streams-7f3c-StreamThread-1"), 204.0);
    metric(extra, "process-rate", "stream-thread-metrics",
        Map.of("thread-id", "shipgate-streams-7f3c-StreamThread-1"), 3.5);

    String text = new ShipgateMetrics(source(KafkaStreams.State.RUNNING, extra)).text();
    Exposition m = Exposition.parse(text);

    assertEquals(42.0, m.value("kafka_streams_records_lag", "client_id", client,
        "partition", "2", "thread", "shipgate-streams-7f3c-StreamThread-1",
        "topic", Topics.WRITES.name()));
    assertEquals(1234.0, m.value("kafka_streams_records_lag",
        "client_id", "shipgate-streams-7f3c-StateUpdater-1-restore-consumer", "partition", "1",
        "thread", "shipgate-streams-7f3c-StateUpdater-1",
        "topic", "shipgate-streams-campaign-books-changelog"), "the restore consumer's thread");
    assertEquals(2, m.samples("kafka_streams_records_lag").size(), "NaN and other groups skipped");
    assertEquals(57.0, m.value("kafka_streams_records_lag_max", "client_id", client,
        "thread", "shipgate-streams-7f3c-StreamThread-1"));
    assertEquals(1, m.samples("kafka_streams_records_lag_max").size(),
        "the consumer's max lag, not the partition's");
    assertEquals(12.5, m.value("kafka_streams_commit_latency_avg",
        "thread", "shipgate-streams-7f3c-StreamThread-1"));
    assertTrue(m.samples("kafka_streams_commit_latency_max").stream()
        .noneMatch(s -> s.labels.get("thread").startsWith("shipgate-streams-7f3c")));

    // thread level only: the driver's own task- and node-level process-total are left out
    assertTrue(driver.metrics().keySet().stream().anyMatch(n -> n.name().equals("process-total")
        && !n.group().equals("stream-thread-metrics")), "the driver has task-level ones");
    assertEquals(204.0, m.value("kafka_streams_process_total",
        "thread", "shipgate-streams-7f3c-StreamThread-1"));
    assertEquals(1, m.samples("kafka_streams_process_total").size());
    assertEquals(3.5, m.value("kafka_streams_process_rate",
        "thread", "shipgate-streams-7f3c-StreamThread-1"));
    assertEquals("gauge", m.types.get("kafka_streams_process_total"));
  }

  @Test
  void shouldCapTheCampaignsAndSayItDid() {
    Exposition m = Exposition.parse(
        new ShipgateMetrics(source(KafkaStreams.State.RUNNING, Map.of()), 1).text());
    assertEquals(1.0, m.value("shipgate_campaigns_truncated"));
    List<Sample> info = m.samples("shipgate_campaign_info");
    assertEquals(1, info.size());
    String shown = info.get(0).labels.get("campaign");
    List<Sample> bounds = m.samples("shipgate_fault_bound");
    assertEquals(1, bounds.size(), "only the shown campaign's bounds");
    assertEquals(shown, bounds.get(0).labels.get("campaign"));
    assertEquals(shown.equals(PASSING) ? 1.0 : 0.2, bounds.get(0).value);
  }

  @Test
  void shouldLeaveTheCampaignsOutWhileTheStoresCannotBeRead() {
    ShipgateMetrics.Source live = source(KafkaStreams.State.REBALANCING, Map.of());
    ShipgateMetrics.Source rebalancing = new ShipgateMetrics.Source() {
      @Override
      public KafkaStreams.State state() {
        return KafkaStreams.State.REBALANCING;
      }

      @Override
      public ReadOnlyKeyValueStore<String, CampaignVerdict> verdicts() {
        throw new InvalidStateStoreException("rebalancing");
      }

      @Override
      public ReadOnlyKeyValueStore<String, FaultBound> bounds() {
        throw new InvalidStateStoreException("rebalancing");
      }

      @Override
      public Map<MetricName, ? extends Metric> kafkaMetrics() {
        return live.kafkaMetrics();
      }

      @Override
      public OutputCounts outputCounts() {
        return live.outputCounts();
      }
    };
    Exposition m = Exposition.parse(new ShipgateMetrics(rebalancing).text());
    assertEquals(0.0, m.value("shipgate_state_queryable"));
    assertEquals(1.0, m.value("shipgate_streams_state", "state", "REBALANCING"));
    assertTrue(m.samples("shipgate_campaign_info").isEmpty());
    assertTrue(m.samples("shipgate_fault_bound").isEmpty());
    assertEquals(1.0, m.value("shipgate_dead_letters_total"), "the counts are still there");
  }

  @Test
  void shouldServeMetricsOverHttp() throws Exception {
    Path dir = Files.createTempDirectory("shipgate-metrics-http");
    Properties props = StreamsConfigFactory.create("127.0.0.1:1", Map.of(
        StreamsConfig.STATE_DIR_CONFIG, dir.toString(),
        StreamsConfig.APPLICATION_ID_CONFIG, "shipgate-metrics-test-" + UUID.randomUUID()));
    // constructed, never started (its request for the internal topics finds no broker), but it
    // has its threads and their metrics
    try (ShipgateStreams app = new ShipgateStreams(props, new InMemorySchemaRegistry());
        QueryServer server = QueryServer.start(app, new HostInfo("127.0.0.1", 0),
            new InetSocketAddress("127.0.0.1", 0))) {
      HttpClient client = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + server.address().getPort());
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve("/metrics"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("text/plain; version=0.0.4; charset=utf-8",
          r.headers().firstValue("Content-Type").orElse(""));
      Exposition m = Exposition.parse(r.body());
      assertEquals(1.0, m.value("shipgate_streams_state", "state", "CREATED"));
      assertEquals(0.0, m.value("shipgate_state_queryable"), "not running: stores not queryable");
      for (AlertKind k : AlertKind.values()) {
        assertEquals(0.0, m.value("shipgate_alerts_total", "kind", k.name()));
      }
      assertEquals(0.0, m.value("shipgate_dead_letters_total"));
      List<Sample> rate = m.samples("kafka_streams_process_rate");
      assertEquals(1, rate.size(), r.body());
      assertTrue(rate.get(0).labels.get("thread").endsWith("-StreamThread-1"), rate.toString());
      assertEquals(0.0, rate.get(0).value);
      List<Sample> consumed = m.samples("kafka_streams_records_consumed_total");
      assertFalse(consumed.isEmpty(), r.body());
      for (Sample s : consumed) {
        assertTrue(s.labels.get("client_id").startsWith(s.labels.get("thread") + "-"),
            "a consumer's thread, read from its client id: " + s);
      }
      assertEquals(1.0, m.value("kafka_streams_alive_stream_threads",
          "client_id", rate.get(0).labels.get("thread").replaceAll("-StreamThread-1$", "")),
          "client-level metric, labelled by client id");

      HttpResponse<String> unknown = client.send(HttpRequest.newBuilder(base.resolve("/nope"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(404, unknown.statusCode());
      assertTrue(unknown.body().contains("/metrics"), unknown.body());
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  // ---- driving the topology ----

  /** Started, 50 cycles (a tally and a final observation each), finished with its manifest. */
  private void campaign(String id, String target, String version, String... counts) {
    send(id, CampaignEvent.newBuilder()
        .setCampaignId(id)
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(T0)
        .setType(CampaignEventType.STARTED)
        .setConfig(CampaignConfig.newBuilder()
            .setTargetName(target)
            .setTargetVersion(version)
            .setPhasesEnabled(List.of(4))
            .setNodes(List.of("a", "b", "c"))
            .setFaults(List.of(PM))
            .setCyclesPerFault(50)
            .setWritesPerCycle(100)
            .setThresholds(Thresholds.newBuilder().build())
            .build())
        .build());
    for (int cycle = 1; cycle <= 50; cycle++) {
      send(id, CheckResult.newBuilder()
          .setCampaignId(id)
          .setEventId(UUID.randomUUID().toString())
          .setEventTime(T0.plusSeconds(cycle))
          .setSource(EventSource.IMPORTED)
          .setPhase(4)
          .setCheck("phase4.cycle")
          .setFault(PM)
          .setCycle(cycle)
          .setMetrics(Map.of("writes", 100L, "ok", 100L, "quorum_not_met", 0L, "fail", 0L))
          .build());
      sent.merge(id + " 4/checks", 1L, Long::sum);
      List<NodeObservation> nodes = new ArrayList<>();
      for (int i = 0; i < counts.length; i++) {
        nodes.add(NodeObservation.newBuilder().setNode(List.of("a", "b", "c").get(i))
            .setNodeIndex(i).setCount(Long.parseLong(counts[i])).setRawCount(counts[i]).build());
      }
      send(id, Observation.newBuilder()
          .setCampaignId(id)
          .setEventId(UUID.randomUUID().toString())
          .setEventTime(T0.plusSeconds(cycle).plusMillis(500))
          .setPhase(4)
          .setFault(PM)
          .setCycle(cycle)
          .setFinal$(true)
          .setNodes(nodes)
          .build());
      sent.merge(id + " 4/observations", 1L, Long::sum);
    }
    Map<String, Long> manifest = new TreeMap<>();
    sent.forEach((k, v) -> {
      if (k.startsWith(id + " ")) {
        manifest.put(k.substring(id.length() + 1), v);
      }
    });
    send(id, CampaignEvent.newBuilder()
        .setCampaignId(id)
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(T0.plusSeconds(3600))
        .setType(CampaignEventType.FINISHED)
        .setManifest(manifest)
        .build());
  }

  private void send(String key, SpecificRecord event) {
    clock = clock.plusMillis(10);
    inputs.get(event.getClass()).pipeInput(key, event, clock);
  }

  @SuppressWarnings("unchecked")
  private <V extends SpecificRecord> List<V> outputs(Topic<String, V> topic) {
    TestOutputTopic<String, V> out = driver.createOutputTopic(topic.name(),
        topic.keySerde().deserializer(), topic.valueSerde(registry).deserializer());
    return out.readValuesToList();
  }

  private Map<String, CampaignVerdict> verdicts() {
    Map<String, CampaignVerdict> m = new TreeMap<>();
    driver.<String, CampaignVerdict>getKeyValueStore(EvidenceStores.VERDICTS).all()
        .forEachRemaining(kv -> m.put(kv.key, kv.value));
    return m;
  }

  private Map<String, FaultBound> bounds() {
    Map<String, FaultBound> m = new TreeMap<>();
    driver.<String, FaultBound>getKeyValueStore(EvidenceStores.BOUNDS).all()
        .forEachRemaining(kv -> m.put(kv.key, kv.value));
    return m;
  }

  /** The driver's stores, metrics (and {@code extra}) and the topology's counts. */
  private ShipgateMetrics.Source source(KafkaStreams.State state,
      Map<MetricName, ? extends Metric> extra) {
    KeyValueStore<String, CampaignVerdict> verdicts =
        driver.getKeyValueStore(EvidenceStores.VERDICTS);
    KeyValueStore<String, FaultBound> bounds = driver.getKeyValueStore(EvidenceStores.BOUNDS);
    return new ShipgateMetrics.Source() {
      @Override
      public KafkaStreams.State state() {
        return state;
      }

      @Override
      public ReadOnlyKeyValueStore<String, CampaignVerdict> verdicts() {
        return verdicts;
      }

      @Override
      public ReadOnlyKeyValueStore<String, FaultBound> bounds() {
        return bounds;
      }

      @Override
      public Map<MetricName, ? extends Metric> kafkaMetrics() {
        Map<MetricName, Metric> all = new LinkedHashMap<>(driver.metrics());
        all.putAll(extra);
        return all;
      }

      @Override
      public OutputCounts outputCounts() {
        return counts;
      }
    };
  }

  private static void metric(Map<MetricName, Metric> into, String name, String group,
      Map<String, String> tags, Object value) {
    MetricName n = new MetricName(name, group, "test " + name, tags);
    into.put(n, new Metric() {
      @Override
      public MetricName metricName() {
        return n;
      }

      @Override
      public Object metricValue() {
        return value;
      }
    });
  }

  // ---- reading the text format back ----

  record Sample(String name, Map<String, String> labels, double value) {}

  /**
   * A strict reader of the text format 0.0.4: every line a {@code # HELP}, a {@code # TYPE} or
   * {@code name{label="value",...} number}, every sample of the family its TYPE line announced,
   * no label set twice in a family.
   */
  static final class Exposition {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("^# HELP (" + NAME + ") (.*)$");
    private static final Pattern TYPE = Pattern.compile(
        "^# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)$");
    private static final String VALUE = "(?:\\\\[\\\\\"n]|[^\"\\\\\\n])*";
    private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=\"" + VALUE + "\"";
    private static final Pattern SAMPLE = Pattern.compile("^(" + NAME + ")(?:\\{((?:" + LABEL
        + ")(?:," + LABEL + ")*)?\\})? ([-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|NaN|Inf))$");
    private static final Pattern ONE_LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"("
        + VALUE + ")\"");

    final Map<String, String> types = new LinkedHashMap<>();
    final List<Sample> samples = new ArrayList<>();

    static Exposition parse(String text) {
      Exposition e = new Exposition();
      String family = null;
      Map<String, List<Map<String, String>>> labelSets = new HashMap<>();
      assertTrue(text.endsWith("\n"), "ends with a newline");
      for (String line : text.split("\n")) {
        Matcher m;
        if ((m = HELP.matcher(line)).matches()) {
          continue;
        } else if ((m = TYPE.matcher(line)).matches()) {
          family = m.group(1);
          assertTrue(e.types.put(family, m.group(2)) == null, "TYPE twice: " + line);
        } else if ((m = SAMPLE.matcher(line)).matches()) {
          String name = m.group(1);
          assertNotNull(family, "a sample before any TYPE: " + line);
          assertEquals(family, name, line + " is not of family " + family);
          Map<String, String> labels = new TreeMap<>();
          if (m.group(2) != null) {
            Matcher l = ONE_LABEL.matcher(m.group(2));
            while (l.find()) {
              assertTrue(labels.put(l.group(1), unescape(l.group(2))) == null,
                  "label twice: " + line);
            }
          }
          List<Map<String, String>> sets = labelSets.computeIfAbsent(name, k -> new ArrayList<>());
          assertFalse(sets.contains(labels), "the same labels twice: " + line);
          sets.add(labels);
          String v = m.group(3);
          double value = v.endsWith("NaN") ? Double.NaN : v.endsWith("Inf")
              ? (v.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
              : Double.parseDouble(v);
          e.samples.add(new Sample(name, labels, value));
        } else {
          fail("not Prometheus text format: '" + line + "'");
        }
      }
      return e;
    }

    private static String unescape(String s) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '\\') {
          char n = s.charAt(++i);
          b.append(n == 'n' ? '\n' : n);
        } else {
          b.append(c);
        }
      }
      return b.toString();
    }

    List<Sample> samples(String name) {
      return samples.stream().filter(s -> s.name.equals(name)).toList();
    }

    /** The value of the one sample with exactly these labels (pairs). */
    double value(String name, String... labelPairs) {
      Map<String, String> want = new TreeMap<>();
      for (int i = 0; i < labelPairs.length; i += 2) {
        if (!labelPairs[i + 1].isEmpty()) {
          want.put(labelPairs[i], labelPairs[i + 1]);
        }
      }
      List<Sample> found = samples.stream().filter(s -> s.name.equals(name)
          && withoutEmpty(s.labels).equals(want)).toList();
      assertEquals(1, found.size(), name + want + " in " + samples(name));
      return found.get(0).value;
    }

    /** An empty label value is the same as no label (Prometheus drops it). */
    private static Map<String, String> withoutEmpty(Map<String, String> labels) {
      Map<String, String> m = new TreeMap<>(labels);
      m.values().removeIf(String::isEmpty);
      return m;
    }
  }
}
