package dev.shipgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.cli.bench.SyntheticCampaign;
import dev.shipgate.cli.stack.LocalStack;
import dev.shipgate.cli.stack.TopicCreator;
import dev.shipgate.producer.publish.KafkaEventPublisher;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.JsonRecords;
import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.RestSchemaRegistry;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What users see while evidence arrives, against a real broker and registry: every reference run
 * imported while Streams is already running, gated at once with {@code shipgate verdict --wait};
 * the verdict topic's whole history checked for contradictions; two Streams instances answering
 * HTTP queries for every campaign; a replay under another application id and output prefix
 * that leaves the live topics alone and reproduces their final records byte for byte; a
 * backlog's bounds so far coalesced to one record per class and commit; and the internal topics
 * created ahead of Kafka Streams as Kafka Streams creates them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveQueriesIT {
  static final int KAFKA_PORT = 26092;
  static final int CONTROLLER_PORT = 26093;
  static final int REGISTRY_PORT = 26081;
  static final int HTTP_A = 26180;
  static final int HTTP_B = 26181;
  static final String APP = "it-live-queries";
  static final Path WORK = Path.of("target", "it-live-queries");

  /** The reference runs' final verdicts (as `shipgate verdict` exits on them). */
  static final Map<String, Integer> EXPECTED_EXIT = Map.of(
      "ship-gate-v0.6.3-rc1-r2", ExitCodes.OK,
      "v0.6.0.0-final-r20", ExitCodes.NOT_PASS,
      "v0.6.0.0-final-r24", ExitCodes.NOT_PASS,
      "v0.6.0.0-final-r14", ExitCodes.NOT_PASS,
      "soak-v0.6.0-r84", ExitCodes.NOT_PASS);

  static LocalStack.Running stack;
  static RestSchemaRegistry registry;
  static ShipgateStreams a;
  static ShipgateStreams b;
  static QueryServer httpA;
  static QueryServer httpB;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void startStackAndOneInstance() throws Exception {
    ReferenceRunsIT.deleteRecursively(WORK);
    Files.createDirectories(WORK);
    stack = LocalStack.startForTests(WORK.resolve("stack"), KAFKA_PORT, CONTROLLER_PORT,
        REGISTRY_PORT);
    registry = new RestSchemaRegistry(stack.registryUrl());
    a = instance("a", HTTP_A);
    httpA = QueryServer.start(a, new HostInfo("127.0.0.1", HTTP_A),
        new InetSocketAddress("127.0.0.1", HTTP_A));
    a.start();
    assertTrue(a.awaitRunning(Duration.ofSeconds(90)), "instance a RUNNING: " + a.state());
  }

  static ShipgateStreams instance(String name, int httpPort) {
    Map<String, Object> props = new HashMap<>();
    props.put("application.id", APP);
    props.put("application.server", "127.0.0.1:" + httpPort);
    props.put("state.dir", WORK.resolve("state-" + name).toAbsolutePath().toString());
    return new ShipgateStreams(StreamsConfigFactory.create(stack.bootstrapServers(), props),
        registry);
  }

  @AfterAll
  static void stopEverything() {
    for (AutoCloseable c : new AutoCloseable[] {httpB, httpA, b, a, registry, stack}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          System.err.println("closing " + c + ": " + e);
        }
      }
    }
  }

  static String[] conn(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--bootstrap-servers", stack.bootstrapServers(),
        "--schema-registry-url", stack.registryUrl()));
    return all.toArray(String[]::new);
  }

  @Test
  @Order(1)
  void shouldGateEveryImportedRunRightOnTheFirstCallWithNoContradictoryVerdictOnTheWay()
      throws Exception {
    assertEquals(ExitCodes.OK, Main.run(conn("import",
        ReferenceRunsIT.REFERENCE.toAbsolutePath().toString())));
    for (Map.Entry<String, Integer> e : new TreeMap<>(EXPECTED_EXIT).entrySet()) {
      Captured out = Captured.of(() -> Main.run(conn("verdict", "--wait", "--timeout", "120",
          "--query-url", "http://127.0.0.1:" + HTTP_A, e.getKey())));
      assertEquals(e.getValue(), out.exit(), e.getKey() + ":\n" + out.stdout() + out.stderr());
      assertTrue(out.stderr().contains("verdict from http://127.0.0.1:" + HTTP_A),
          "answered by the query server: " + out.stderr());
    }

    // the verdict topic's whole history: before a campaign's final record only PENDING. The
    // query server answers from the instance's state, which may be ahead of the topic by the
    // transaction not committed yet (up to one commit interval): wait for every final record
    Map<String, List<CampaignVerdict>> history = new TreeMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    do {
      history.clear();
      for (CampaignVerdict v : values(Topics.CAMPAIGN_VERDICTS)) {
        history.computeIfAbsent(v.getCampaignId(), k -> new ArrayList<>()).add(v);
      }
    } while (!allFinal(history) && System.nanoTime() < deadline && pause());
    assertEquals(EXPECTED_EXIT.keySet(), history.keySet());
    int records = 0;
    List<String> contradictory = new ArrayList<>();
    for (Map.Entry<String, List<CampaignVerdict>> e : history.entrySet()) {
      List<CampaignVerdict> seen = e.getValue();
      CampaignVerdict last = seen.get(seen.size() - 1);
      assertEquals(CampaignState.FINISHED, last.getState(), e.getKey());
      for (CampaignVerdict v : seen) {
        records++;
        if (v.getVerdict() != Verdict.PENDING && (v.getVerdict() != last.getVerdict()
            || v.getState() != last.getState())) {
          contradictory.add(e.getKey() + ": " + v.getState() + " " + v.getVerdict()
              + " before " + last.getVerdict());
        }
      }
    }
    System.out.println("campaign-verdict records during the import: " + records + " for "
        + history.size() + " campaigns, contradictory: " + contradictory.size());
    assertEquals(List.of(), contradictory);
    List<Alert> flips = values(Topics.ALERTS).stream()
        .filter(al -> al.getKind() == AlertKind.VERDICT_CHANGED).toList();
    assertEquals(List.of(), flips, "no verdict flips on an import");
  }

  @Test
  @Order(2)
  void shouldAnswerForEveryCampaignOnEitherOfTwoInstances() throws Exception {
    b = instance("b", HTTP_B);
    httpB = QueryServer.start(b, new HostInfo("127.0.0.1", HTTP_B),
        new InetSocketAddress("127.0.0.1", HTTP_B));
    b.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!(a.state() == KafkaStreams.State.RUNNING && b.state() == KafkaStreams.State.RUNNING
        && a.kafkaStreams().streamsMetadataForStore("campaign-verdicts-view").size() == 2)) {
      assertTrue(System.nanoTime() < deadline, "two instances RUNNING: " + a.state() + " "
          + b.state());
      Thread.sleep(200);
    }
    Map<String, JsonNode> fromA = new TreeMap<>();
    for (int port : new int[] {HTTP_A, HTTP_B}) {
      for (String id : EXPECTED_EXIT.keySet()) {
        HttpResponse<String> verdict = getWhenSettled(port, "/campaigns/" + id);
        assertEquals(200, verdict.statusCode(), port + " " + id + ": " + verdict.body());
        JsonNode v = JsonRecords.parse(verdict.body());
        assertEquals(id, v.path("campaign_id").asText());
        assertEquals("FINISHED", v.path("state").asText());
        assertEquals(EXPECTED_EXIT.get(id) == ExitCodes.OK, v.path("overall_pass").asBoolean());
        HttpResponse<String> faults = getWhenSettled(port, "/campaigns/" + id + "/faults");
        assertEquals(200, faults.statusCode(), faults.body());
        JsonNode f = JsonRecords.parse(faults.body());
        if (port == HTTP_A) {
          fromA.put(id, v);
          fromA.put(id + "/faults", f);
        } else {
          assertEquals(fromA.get(id), v, "both instances give the same verdict of " + id);
          assertEquals(fromA.get(id + "/faults"), f);
        }
      }
      JsonNode list = JsonRecords.parse(getWhenSettled(port, "/campaigns").body());
      assertEquals(EXPECTED_EXIT.size(), list.path("total").asInt(), list.toString());
      assertEquals(EXPECTED_EXIT.size(), list.path("campaigns").size());
      JsonNode health = JsonRecords.parse(get(port, "/health").body());
      assertEquals("RUNNING", health.path("state").asText());
    }
    JsonNode r20 = fromA.get("v0.6.0.0-final-r20/faults");
    JsonNode partition = null;
    for (JsonNode f : r20.path("faults")) {
      if (f.path("fault").asText().equals("partition_minority")) {
        partition = f;
      }
    }
    assertTrue(partition != null, r20.toString());
    assertEquals("0.2", partition.path("bound").asText());
    assertEquals("FAIL", partition.path("verdict").asText());
    assertTrue(partition.path("lost_writes").isNull(), "an imported bound's lost writes are"
        + " unknown: " + partition);

    HttpResponse<String> unknown = get(HTTP_B, "/campaigns/no-such-campaign");
    assertEquals(404, unknown.statusCode());
    assertEquals("{\"error\":\"no campaign no-such-campaign\"}", unknown.body().strip());
    HttpResponse<String> bad = get(HTTP_A, "/campaigns/..%2Fetc");
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("campaign_id '../etc' is invalid"), bad.body());
    assertEquals(404, get(HTTP_A, "/nothing").statusCode());
    assertEquals(400, get(HTTP_A, "/campaigns?limit=0").statusCode());

    // /metrics: each instance exposes the campaigns of its own partitions; together, all of them
    StringBuilder scraped = new StringBuilder();
    for (int port : new int[] {HTTP_A, HTTP_B}) {
      HttpResponse<String> metrics = get(port, "/metrics");
      assertEquals(200, metrics.statusCode(), metrics.body());
      assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith(
          "text/plain; version=0.0.4"), metrics.headers().toString());
      scraped.append(metrics.body());
    }
    String text = scraped.toString();
    for (Map.Entry<String, Integer> e : EXPECTED_EXIT.entrySet()) {
      String pass = e.getValue() == ExitCodes.OK ? "1.0" : "0.0";
      assertTrue(text.contains("shipgate_campaign_pass{campaign=\"" + e.getKey() + "\"} " + pass),
          e.getKey() + " in /metrics:\n" + text);
      assertTrue(text.contains("shipgate_campaign_final{campaign=\"" + e.getKey() + "\"} 1.0"),
          e.getKey());
    }
    assertTrue(text.contains("shipgate_fault_bound{campaign=\"v0.6.0.0-final-r20\",fault="
        + "\"partition_minority\"} 0.2"), text);
    assertTrue(text.contains("kafka_streams_process_total{"), text);
    assertTrue(text.contains("shipgate_streams_state{state=\"RUNNING\"} 1.0"), text);
    System.out.println("[shipgate] /metrics of the two instances, the lines of"
        + " ship-gate-v0.6.3-rc1-r2, the alert counters and the stream threads' process totals:");
    text.lines().filter(l -> l.contains("ship-gate-v0.6.3-rc1-r2")
            || l.startsWith("shipgate_alerts_total") || l.startsWith("kafka_streams_process_total")
            || l.startsWith("kafka_streams_records_lag_max"))
        .forEach(l -> System.out.println("[shipgate]   " + l));
  }

  @Test
  @Order(3)
  void shouldReplayUnderAnotherApplicationIdWithoutTouchingTheLiveTopics() throws Exception {
    Map<String, Long> liveEnds = endOffsets(Topics.outputs().stream().map(Topic::name).toList());
    String prefix = "replay.";
    try (Admin admin = Admin.create(client())) {
      TopicCreator.createOutputs(admin, (short) 1, prefix);
    }
    Map<String, Object> props = new HashMap<>();
    props.put("application.id", "it-replay");
    props.put("state.dir", WORK.resolve("state-replay").toAbsolutePath().toString());
    try (ShipgateStreams replay = new ShipgateStreams(StreamsConfigFactory.create(
        stack.bootstrapServers(), props), registry, prefix)) {
      replay.start();
      assertTrue(replay.awaitRunning(Duration.ofSeconds(90)), "replay RUNNING");
      StreamsProgress.awaitCaughtUp(client(), "it-replay", Duration.ofSeconds(120));
    }
    assertEquals(liveEnds, endOffsets(Topics.outputs().stream().map(Topic::name).toList()),
        "the live outputs got no record from the replay");
    for (String topic : List.of(Topics.CYCLE_CONVERGENCE.name(), Topics.FAULT_BOUNDS.name(),
        Topics.PHASE_VERDICTS.name(), Topics.CAMPAIGN_VERDICTS.name())) {
      Map<String, String> live = latestRaw(topic);
      Map<String, String> replayed = latestRaw(prefix + topic);
      assertTrue(!live.isEmpty() || topic.equals(Topics.CYCLE_CONVERGENCE.name()), topic);
      assertEquals(live, replayed, "final records of " + topic + " byte for byte");
      System.out.println("replay: " + topic + ": " + live.size() + " keys, identical");
    }
  }

  /**
   * A backlog's bounds so far are published once per class and commit, not once per cycle: a
   * 300-cycle campaign stamped in the past, judged as it is published, gives each class a handful
   * of PENDING bounds and then its final one.
   */
  @Test
  @Order(4)
  void shouldPublishABacklogsBoundsOncePerCommitNotOncePerCycle() throws Exception {
    SyntheticCampaign backlog = SyntheticCampaign.of("lq-backlog", 300, 10);
    try (KafkaEventPublisher out = KafkaEventPublisher.create(stack.bootstrapServers(),
        registry)) {
      backlog.start(out);
      backlog.cycles(out);
      backlog.finish(out);
      out.flush();
    }
    Captured gate = Captured.of(() -> Main.run(conn("verdict", "--wait", "--timeout", "120",
        "--query-url", "http://127.0.0.1:" + HTTP_A, backlog.campaignId())));
    assertEquals(ExitCodes.OK, gate.exit(), gate.stdout() + gate.stderr());
    Map<String, List<FaultBound>> perClass = new TreeMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    do {
      perClass.clear();
      for (FaultBound b : values(Topics.FAULT_BOUNDS)) {
        if (b.getCampaignId().equals(backlog.campaignId())) {
          perClass.computeIfAbsent(b.getFault(), k -> new ArrayList<>()).add(b);
        }
      }
    } while (!(perClass.size() == 2 && perClass.values().stream()
        .allMatch(l -> l.get(l.size() - 1).getVerdict() != Verdict.PENDING))
        && System.nanoTime() < deadline && pause());
    assertEquals(2, perClass.size(), "classes with bounds: " + perClass.keySet());
    perClass.forEach((fault, bounds) -> {
      FaultBound last = bounds.get(bounds.size() - 1);
      assertEquals(Verdict.PASS, last.getVerdict(), fault + ": " + last);
      assertEquals(300, last.getCycles(), fault + " cycles in the final bound");
      assertTrue(bounds.subList(0, bounds.size() - 1).stream()
          .allMatch(b -> b.getVerdict() == Verdict.PENDING), fault + ": PENDING before final");
      // one per cycle before the coalescing; one per commit of 500 ms now
      assertTrue(bounds.size() <= 30,
          fault + ": " + bounds.size() + " bound records for 300 cycles");
      System.out.println("backlog: " + fault + ": " + bounds.size()
          + " fault-bound records for 300 cycles");
    });
  }

  /**
   * The internal topics that {@link ShipgateStreams#start()} creates ahead (for instance a) are
   * the ones Kafka Streams creates itself for the same topology (a plain {@link KafkaStreams} under
   * another application id and output prefix): the same names after the application id, the same
   * partitions and the same topic settings. The cycle control topic is a source of the topology,
   * which Kafka Streams never creates: made here for the plain one as its user would.
   */
  @Test
  @Order(5)
  void shouldCreateTheInternalTopicsAsKafkaStreamsCreatesThem() throws Exception {
    // 14 changelogs, the cycle reports' and the soak runs' repartition topics, the control topic
    assertEquals(17, a.internalTopicsCreated().size(),
        "created ahead for " + APP + ": " + a.internalTopicsCreated());
    String made = "it-streams-made";
    String prefix = "made.";
    try (Admin admin = Admin.create(client())) {
      TopicCreator.createOutputs(admin, (short) 1, prefix);
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(
          ShipgateTopology.controlTopic(made), Topics.PARTITIONS, (short) 1).configs(Map.of(
              "cleanup.policy", "compact", "message.timestamp.type", "CreateTime")))).all().get();
      // described with its leaders before Streams looks for it (a source topic missing from the
      // group leader's metadata stops the client)
      long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (true) {
        try {
          if (admin.describeTopics(List.of(ShipgateTopology.controlTopic(made))).allTopicNames()
              .get().values().iterator().next().partitions().stream()
              .allMatch(p -> p.leader() != null)) {
            break;
          }
        } catch (java.util.concurrent.ExecutionException e) {
          assertTrue(System.nanoTime() < until, "control topic not described: " + e);
        }
        Thread.sleep(20);
      }
    }
    Map<String, Object> props = new HashMap<>();
    props.put("application.id", made);
    props.put("state.dir", WORK.resolve("state-made").toAbsolutePath().toString());
    try (KafkaStreams plain = new KafkaStreams(ShipgateTopology.topology(registry, made, prefix),
        StreamsConfigFactory.create(stack.bootstrapServers(), props))) {
      plain.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (plain.state() != KafkaStreams.State.RUNNING) {
        assertTrue(System.nanoTime() < deadline, "plain Kafka Streams RUNNING: " + plain.state());
        Thread.sleep(50);
      }
    }
    Map<String, String> ours = internalTopics(APP);
    Map<String, String> theirs = internalTopics(made);
    assertEquals(17, theirs.size(), theirs.toString());
    assertEquals(theirs, ours);
    System.out.println("internal topics: " + ours.size() + " created ahead, as Kafka Streams"
        + " creates them: " + ours.keySet());
  }

  /**
   * The internal topics of {@code app}: the name after the application id, its partitions and
   * its topic settings.
   */
  static Map<String, String> internalTopics(String app) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Admin admin = Admin.create(client())) {
      List<String> names = admin.listTopics().names().get().stream()
          .filter(n -> n.startsWith(app + "-")).toList();
      Map<String, org.apache.kafka.clients.admin.TopicDescription> described =
          admin.describeTopics(names).allTopicNames().get();
      List<ConfigResource> resources = names.stream()
          .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
      admin.describeConfigs(resources).all().get().forEach((r, config) -> {
        Map<String, String> set = new TreeMap<>();
        config.entries().stream()
            .filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
            .forEach(e -> set.put(e.name(), e.value()));
        out.put(r.name().substring(app.length() + 1), described.get(r.name()).partitions().size()
            + " partitions " + set);
      });
    }
    return out;
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Retries while a rebalance makes the state briefly unqueryable (503). */
  static HttpResponse<String> getWhenSettled(int port, String path) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      HttpResponse<String> r = get(port, path);
      if (r.statusCode() != 503 || System.nanoTime() > deadline) {
        return r;
      }
      Thread.sleep(200);
    }
  }

  static Properties client() {
    Properties p = new Properties();
    p.put("bootstrap.servers", stack.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return p;
  }

  static Map<String, Long> endOffsets(List<String> topics) {
    Map<String, Long> out = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(client(),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      for (String t : topics) {
        List<TopicPartition> parts = c.partitionsFor(t, Duration.ofSeconds(15)).stream()
            .map(i -> new TopicPartition(t, i.partition())).toList();
        c.endOffsets(parts).forEach((tp, end) -> out.put(tp.toString(), end));
      }
    }
    return out;
  }

  /** Every record of {@code topic}, in order per partition. */
  static List<ConsumerRecord<String, byte[]>> raw(String topic) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(client(), new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(15)).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        assertTrue(System.nanoTime() < deadline, "read " + topic + " in time");
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /** The latest value per key of a compacted topic, hex-encoded, tombstones removing keys. */
  static Map<String, String> latestRaw(String topic) {
    Map<String, String> out = new LinkedHashMap<>();
    for (ConsumerRecord<String, byte[]> r : raw(topic)) {
      if (r.value() == null) {
        out.remove(r.key());
      } else {
        out.put(r.key(), java.util.HexFormat.of().formatHex(r.value()));
      }
    }
    return new TreeMap<>(out);
  }

  /** Every expected campaign's last record on the topic is final. */
  private static boolean allFinal(Map<String, List<CampaignVerdict>> history) {
    return history.keySet().containsAll(EXPECTED_EXIT.keySet())
        && history.values().stream().allMatch(l -> l.get(l.size() - 1).getState()
            == CampaignState.FINISHED);
  }

  private static boolean pause() {
    try {
      Thread.sleep(200);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static <V extends SpecificRecord> List<V> values(Topic<String, V> topic) {
    var deserializer = topic.valueSerde(registry).deserializer();
    List<V> out = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : raw(topic.name())) {
      if (r.value() != null) {
        out.add(deserializer.deserialize(topic.name(), r.value()));
      }
    }
    return out;
  }

}
