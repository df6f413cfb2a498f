package dev.shipgate.sink;

import static dev.shipgate.sink.Fixtures.R24;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.events.FaultAction;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.DeadLetter;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.CampaignIds;
import dev.shipgate.schemas.SeedJson;
import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.InMemorySchemaRegistry;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactSinkTest {
  @TempDir
  Path tmp;

  private final SchemaRegistry registry = new InMemorySchemaRegistry();
  private MockConsumer<byte[], byte[]> consumer;
  private MockProducer<String, DeadLetter> producer;
  private ArtifactSink sink;
  private final Map<TopicPartition, Long> next = new HashMap<>();
  private final List<ConsumerRecord<byte[], byte[]>> pending = new ArrayList<>();

  @BeforeEach
  void setUp() {
    sink = newSink(Duration.ZERO);
  }

  private ArtifactSink newSink(Duration rewriteInterval) {
    next.clear();
    pending.clear();
    consumer = new MockConsumer<>("earliest");
    producer = new MockProducer<>(true, null, Topics.DEAD_LETTERS.keySerde().serializer(),
        Topics.DEAD_LETTERS.valueSerde(registry).serializer());
    Map<TopicPartition, Long> zero = new HashMap<>();
    for (Topic<String, ? extends SpecificRecord> topic : ArtifactSink.INPUTS) {
      List<PartitionInfo> infos = new ArrayList<>();
      for (int p = 0; p < Topics.PARTITIONS; p++) {
        infos.add(new PartitionInfo(topic.name(), p, null, null, null));
        zero.put(new TopicPartition(topic.name(), p), 0L);
      }
      consumer.updatePartitions(topic.name(), infos);
    }
    consumer.updateBeginningOffsets(zero);
    consumer.updateEndOffsets(zero);
    return new ArtifactSink(consumer, producer, registry,
        new RunArtifactsWriter(tmp.resolve("runs")), rewriteInterval);
  }

  @Test
  void shouldRewriteARunChangingOnEveryBatchAtMostOncePerInterval() throws Exception {
    sink.close();
    sink = newSink(Duration.ofMillis(1500));
    RunRecords r24 = Fixtures.r24();
    add(Topics.CAMPAIGN_VERDICTS, R24, r24.verdict());
    deliver();
    sink.runUntil(v -> false, Duration.ofMillis(400));
    assertEquals(1, sink.runWrites(), "written at once when it first changes");
    // 50 batches, each changing the run (one more cycle), within well under the interval
    for (CycleConvergence c : r24.cycles().subList(0, 50)) {
      add(Topics.CYCLE_CONVERGENCE, R24 + "/" + c.getFault() + "/" + c.getCycle(), c);
      deliver();
      sink.runUntil(v -> false, Duration.ofMillis(5));
    }
    assertEquals(1, sink.runWrites(), "changes gathered while the interval runs");
    java.util.Set<TopicPartition> cyclePartitions = new java.util.HashSet<>();
    for (int p = 0; p < Topics.PARTITIONS; p++) {
      cyclePartitions.add(new TopicPartition(Topics.CYCLE_CONVERGENCE.name(), p));
    }
    assertTrue(consumer.committed(cyclePartitions).values().stream()
        .allMatch(o -> o == null), "nothing committed that is not on disk");
    sink.runUntil(v -> false, Duration.ofMillis(2500));
    assertEquals(2, sink.runWrites(), "then written once with all of them");
    assertTrue(consumer.committed(cyclePartitions).values().stream()
        .anyMatch(o -> o != null && o.offset() > 0), "committed once written");
    long lines = Files.readString(tmp.resolve("runs").resolve(R24)
        .resolve("shipgate-cycles-partition_minority.jsonl")).lines().count()
        + Files.readString(tmp.resolve("runs").resolve(R24)
            .resolve("shipgate-cycles-kill_primary_mid_write.jsonl")).lines().count();
    assertEquals(50, lines);
  }

  @Test
  void shouldWriteTheRunOnceItsVerdictArrivesAndCommitAfterwards() throws Exception {
    RunRecords r24 = Fixtures.r24();
    for (PhaseVerdict p : r24.phases()) {
      add(Topics.PHASE_VERDICTS, R24 + "/" + p.getPhase()
          + (p.getNode() == null ? "" : "/" + p.getNode()), p);
    }
    r24.bounds().forEach(b -> add(Topics.FAULT_BOUNDS, R24 + "/" + b.getFault(), b));
    r24.cycles().forEach(c -> add(Topics.CYCLE_CONVERGENCE,
        R24 + "/" + c.getFault() + "/" + c.getCycle(), c));
    add(Topics.CAMPAIGN_VERDICTS, R24, r24.verdict());
    deliver();

    Optional<CampaignVerdict> done = sink.runUntil(
        v -> v.getCampaignId().equals(R24) && v.getState() == CampaignState.FINISHED,
        Duration.ofSeconds(10));

    assertEquals(Verdict.FAIL, done.orElseThrow().getVerdict());
    Path run = tmp.resolve("runs").resolve(R24);
    assertEquals(Fixtures.reference(R24, "phase4.json"),
        Files.readString(run.resolve("phase4.json")));
    assertEquals(Fixtures.reference(R24, "campaign-summary.json"),
        Files.readString(run.resolve("campaign-summary.json")));
    assertTrue(Files.readString(tmp.resolve("runs/index.html")).contains(R24));
    TopicPartition verdicts = partitionOf(Topics.CAMPAIGN_VERDICTS, R24);
    OffsetAndMetadata committed = consumer.committed(java.util.Set.of(verdicts)).get(verdicts);
    assertEquals(1L, committed.offset());
    assertEquals(0, sink.deadLettered());
  }

  @Test
  void shouldSendUndecodableAndInvalidRecordsToDeadLettersAndWriteNothingForThem()
      throws Exception {
    byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
    addRaw(Topics.PHASE_VERDICTS, "x/2", garbage);
    PhaseVerdict escape = Fixtures.phase("../x", 2, null, Verdict.PASS, List.of(), "{}");
    add(Topics.PHASE_VERDICTS, "../x/2", escape);
    PhaseVerdict badNode = Fixtures.phase("ok-run", 1, "../../etc", Verdict.PASS, List.of(), "{}");
    add(Topics.PHASE_VERDICTS, "ok-run/1/../../etc", badNode);
    PhaseVerdict wrongKey = Fixtures.phase("ok-run", 2, null, Verdict.PASS, List.of(), "{}");
    add(Topics.PHASE_VERDICTS, "other-run/2", wrongKey);
    PhaseVerdict badJson = Fixtures.phase("ok-run", 3, null, Verdict.PASS, List.of(), "{\"a\":");
    add(Topics.PHASE_VERDICTS, "ok-run/3", badJson);
    deliver();

    sink.runUntil(v -> false, Duration.ofMillis(600));

    List<ProducerRecord<String, DeadLetter>> letters = producer.history();
    assertEquals(5, letters.size());
    Map<String, DeadLetter> byKey = new HashMap<>();
    letters.forEach(l -> byKey.put(l.key(), l.value()));
    DeadLetter undecodable = byKey.get("x/2");
    assertTrue(undecodable.getReason().contains("not in the Confluent wire format"),
        undecodable.getReason());
    assertArrayEquals(garbage, bytes(undecodable.getValue()));
    assertArrayEquals("x/2".getBytes(StandardCharsets.UTF_8), bytes(undecodable.getKey()));
    assertEquals(Topics.PHASE_VERDICTS.name(), undecodable.getSourceTopic());
    assertEquals(ArtifactSink.COMPONENT, undecodable.getComponent());
    assertEquals(CampaignIds.problem("../x"), byKey.get("../x/2").getReason());
    assertTrue(byKey.get("ok-run/1/../../etc").getReason()
        .startsWith("node '../../etc' cannot be part of a file name"));
    assertEquals("key 'other-run/2' does not belong to campaign_id 'ok-run'",
        byKey.get("other-run/2").getReason());
    assertTrue(byKey.get("ok-run/3").getReason().startsWith("details_json is not valid JSON"));
    letters.forEach(l -> assertFalse(l.value().getReason().contains("\n")));
    assertEquals(5, sink.deadLettered());
    assertFalse(Files.exists(tmp.resolve("x")));
    assertFalse(Files.exists(tmp.resolve("etc")));
    assertFalse(Files.exists(tmp.resolve("runs/ok-run/phase2.json")));
    assertFalse(Files.exists(tmp.resolve("runs/ok-run/phase3.json")));
  }

  @Test
  void shouldRewriteTheRunWhenItsVerdictChanges() throws Exception {
    RunRecords r24 = Fixtures.r24();
    CampaignVerdict running = CampaignVerdict.newBuilder(r24.verdict())
        .setState(CampaignState.RUNNING).setVerdict(Verdict.INCOMPLETE).setOverallPass(false)
        .setCompletedAt(null).build();
    add(Topics.CAMPAIGN_VERDICTS, R24, running);
    deliver();
    sink.runUntil(v -> v.getState() == CampaignState.RUNNING, Duration.ofSeconds(5));
    Path verdictFile = tmp.resolve("runs").resolve(R24).resolve("shipgate-verdict.json");
    assertTrue(Files.readString(verdictFile).contains("\"verdict\": \"INCOMPLETE\""));

    add(Topics.CAMPAIGN_VERDICTS, R24, r24.verdict());
    deliver();
    sink.runUntil(v -> v.getState() == CampaignState.FINISHED, Duration.ofSeconds(5));

    assertTrue(Files.readString(verdictFile).contains("\"verdict\": \"FAIL\""));
  }

  @Test
  void shouldRewriteTheRunWhenAFaultEventArrivesAndKeepOneCopyOfARedelivery() throws Exception {
    RunRecords r24 = Fixtures.r24();
    for (PhaseVerdict p : r24.phases()) {
      add(Topics.PHASE_VERDICTS, R24 + "/" + p.getPhase()
          + (p.getNode() == null ? "" : "/" + p.getNode()), p);
    }
    add(Topics.CAMPAIGN_VERDICTS, R24, r24.verdict());
    deliver();
    sink.runUntil(v -> v.getState() == CampaignState.FINISHED, Duration.ofSeconds(5));
    Path run = tmp.resolve("runs").resolve(R24);
    assertFalse(Files.readString(run.resolve("shipgate-verdict.json")).contains("SIGKILL"));

    FaultEvent killed = Fixtures.fault(R24, 4, "kill_primary_mid_write", 1,
        FaultAction.INJECTED, "ps -o stat= -p 5001: <Z>", null);
    add(Topics.FAULTS, R24, killed);
    deliver();
    sink.runUntil(v -> false, Duration.ofMillis(600));

    JsonNode kill = killPrimary(run);
    assertEquals(1, kill.get("fault_events").size());
    assertEquals("ps -o stat= -p 5001: <Z>",
        kill.get("fault_events").get(0).get("evidence").asText());
    assertEquals(1, kill.get("fault_event_counts").get("injected").asInt());
    assertTrue(Files.readString(run.resolve("index.html"))
        .contains("<code class=\"clip\" title=\"ps -o stat&#61; -p 5001: &lt;Z&gt;\">"));

    add(Topics.FAULTS, R24, killed);
    deliver();
    sink.runUntil(v -> false, Duration.ofMillis(600));

    assertEquals(1, killPrimary(run).get("fault_events").size());
    assertEquals(0, sink.deadLettered());
  }

  @Test
  void shouldSendBadFaultEventsToDeadLetters() throws Exception {
    byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
    addRaw(Topics.FAULTS, "garbled", garbage);
    add(Topics.FAULTS, "../x", Fixtures.fault("../x", 4, "partition_minority", 1,
        FaultAction.INJECTED, "rule listed", null));
    add(Topics.FAULTS, "ok-run", Fixtures.fault("ok-run", 3, "partition_minority", 1,
        FaultAction.INJECTED, "rule listed", null));
    addRaw(Topics.FAULTS, "tombstone-run", null);
    deliver();

    sink.runUntil(v -> false, Duration.ofMillis(600));

    Map<String, DeadLetter> byKey = new HashMap<>();
    producer.history().forEach(l -> byKey.put(l.key(), l.value()));
    assertEquals(4, byKey.size());
    byKey.values().forEach(l -> assertEquals(Topics.FAULTS.name(), l.getSourceTopic()));
    assertTrue(byKey.get("garbled").getReason().contains("not in the Confluent wire format"),
        byKey.get("garbled").getReason());
    assertArrayEquals(garbage, bytes(byKey.get("garbled").getValue()));
    assertEquals(CampaignIds.problem("../x"), byKey.get("../x").getReason());
    assertEquals("fault event phase 3 is not a fault phase (expected 2 or 4)",
        byKey.get("ok-run").getReason());
    assertEquals("ok-run", byKey.get("ok-run").getCampaignId());
    assertTrue(byKey.get("tombstone-run").getReason().startsWith("fault event has no value"));
    assertEquals(4, sink.deadLettered());
    assertFalse(Files.exists(tmp.resolve("runs/ok-run")));
    assertFalse(Files.exists(tmp.resolve("x")));
  }

  @Test
  void shouldStopRunningWhenClosedFromAnotherThread() throws Exception {
    Thread loop = new Thread(() -> {
      try {
        sink.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    loop.start();
    Thread.sleep(300);

    sink.close();
    loop.join(5000);

    assertFalse(loop.isAlive());
    assertTrue(consumer.closed());
  }

  @Test
  void shouldForceReadCommittedAndDefaultTheGroupId() {
    Properties props = new Properties();
    props.put("bootstrap.servers", "127.0.0.1:9092");
    props.put("isolation.level", "read_uncommitted");
    props.put("schema.registry.url", "http://127.0.0.1:8081");

    Properties c = ArtifactSink.consumerConfig(props);
    Properties p = ArtifactSink.producerConfig(props);

    assertEquals("read_committed", c.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG));
    assertEquals("shipgate-sink", c.get(ConsumerConfig.GROUP_ID_CONFIG));
    assertEquals("earliest", c.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG));
    assertEquals("false", c.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG));
    assertFalse(c.containsKey("schema.registry.url"));
    assertEquals("127.0.0.1:9092", p.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
    assertEquals("all", p.get(ProducerConfig.ACKS_CONFIG));
    assertFalse(p.containsKey(ConsumerConfig.GROUP_ID_CONFIG));
  }

  // ---------------------------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private <V extends SpecificRecord> void add(Topic<String, V> topic, String key, Object value) {
    addRaw(topic, key, topic.valueSerde(registry).serializer().serialize(topic.name(), (V) value));
  }

  private void addRaw(Topic<String, ?> topic, String key, byte[] value) {
    TopicPartition tp = partitionOf(topic, key);
    long offset = next.merge(tp, 1L, Long::sum) - 1;
    pending.add(new ConsumerRecord<>(topic.name(), tp.partition(), offset,
        key.getBytes(StandardCharsets.UTF_8), value));
  }

  /** Delivers the records added so far in one poll batch. */
  private void deliver() {
    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(pending);
    pending.clear();
    consumer.schedulePollTask(() -> batch.forEach(consumer::addRecord));
  }

  private static TopicPartition partitionOf(Topic<String, ?> topic, String key) {
    return new TopicPartition(topic.name(), Math.floorMod(key.hashCode(), Topics.PARTITIONS));
  }

  private static JsonNode killPrimary(Path run) throws java.io.IOException {
    JsonNode v = SeedJson.parse(Files.readString(run.resolve("shipgate-verdict.json")));
    for (JsonNode f : v.get("faults")) {
      if (f.get("fault").asText().equals("kill_primary_mid_write")) {
        return f;
      }
    }
    throw new AssertionError("no kill_primary_mid_write in " + v);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
