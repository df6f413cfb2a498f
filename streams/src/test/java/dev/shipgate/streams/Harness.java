package dev.shipgate.streams;

import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.events.Observation;
import dev.shipgate.events.WriteResult;
import dev.shipgate.results.Alert;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.DeadLetter;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.VisibilitySummary;
import dev.shipgate.schemas.EventKeys;
import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.InMemorySchemaRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The production topology and configuration under TopologyTestDriver, with typed input topics
 * and every output drained into lists (all records) and maps (latest per key).
 */
final class Harness implements AutoCloseable {
  final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  final TopologyTestDriver driver;
  private final Path stateDir;
  private final Map<String, TestInputTopic<String, SpecificRecord>> inputs = new LinkedHashMap<>();
  private final Map<String, TestOutputTopic<String, ? extends SpecificRecord>> outputs =
      new LinkedHashMap<>();
  private final Map<String, List<KeyValue<String, SpecificRecord>>> all = new LinkedHashMap<>();
  private Instant clock = Instant.parse("2026-04-20T10:00:00Z");

  @SuppressWarnings({"unchecked", "rawtypes"})
  Harness() throws Exception {
    this(Reanalysis.NONE);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  Harness(Reanalysis reanalysis) throws Exception {
    stateDir = Files.createTempDirectory("shipgate-streams-test");
    Properties props = StreamsConfigFactory.create("localhost:9092",
        Map.of(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString()));
    StreamsBuilder builder = new StreamsBuilder();
    ShipgateTopology.build(builder, registry,
        props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG), "", reanalysis);
    driver = new TopologyTestDriver(builder.build(), props);
    for (Topic<String, ? extends SpecificRecord> t : Topics.inputs()) {
      inputs.put(t.name(), driver.createInputTopic(t.name(), new StringSerializer(),
          (org.apache.kafka.common.serialization.Serializer) t.valueSerde(registry).serializer()));
    }
    for (Topic<String, ? extends SpecificRecord> t : Topics.outputs()) {
      outputs.put(t.name(), driver.createOutputTopic(t.name(),
          t.keySerde().deserializer(), t.valueSerde(registry).deserializer()));
      all.put(t.name(), new ArrayList<>());
    }
  }

  /**
   * Publishes an input event on the topic of its type, keyed as the driver keys it: a phase 4
   * cycle's events by their cycle, the others by their campaign id ({@link EventKeys}).
   */
  Harness send(SpecificRecord event) {
    String key = EventKeys.ofEvent(event);
    return send(key != null ? key : campaignOf(event), event);
  }

  private static String campaignOf(SpecificRecord event) {
    return (String) event.get(event.getSchema().getField("campaign_id").pos());
  }

  /** What each campaign's events were, by "phase/kind": the manifest of {@link #finish}. */
  private final Map<String, Map<String, Long>> sent = new LinkedHashMap<>();

  /**
   * Ends {@code campaign} as a driver would: a FINISHED event announcing every event sent for it
   * so far.
   */
  Harness finish(String campaign) {
    return send(CampaignEvent.newBuilder(Events.finished(campaign, Events.T0.plusSeconds(3600)))
        .setManifest(new java.util.TreeMap<>(sent.getOrDefault(campaign, Map.of()))).build());
  }

  /** As {@link #finish}, but ABORTED with {@code reason}. */
  Harness abort(String campaign, String reason) {
    return send(CampaignEvent.newBuilder(Events.aborted(campaign, reason))
        .setManifest(new java.util.TreeMap<>(sent.getOrDefault(campaign, Map.of()))).build());
  }

  Harness send(String key, SpecificRecord event) {
    String topic = topicOf(event);
    String kind = kindOf(event);
    if (kind != null) {
      int phase = (Integer) event.get(event.getSchema().getField("phase").pos());
      sent.computeIfAbsent(campaignOf(event), k -> new LinkedHashMap<>())
          .merge(phase + "/" + kind, 1L, Long::sum);
    }
    clock = clock.plusMillis(10);
    inputs.get(topic).pipeInput(key, event, clock);
    return this;
  }

  Harness sendAll(List<? extends SpecificRecord> events) {
    events.forEach(this::send);
    return this;
  }

  void sendRaw(String topic, String key, byte[] value) {
    driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer())
        .pipeInput(key, value, clock);
  }

  private static String kindOf(SpecificRecord event) {
    if (event instanceof WriteResult) {
      return "writes";
    } else if (event instanceof FaultEvent) {
      return "faults";
    } else if (event instanceof Observation) {
      return "observations";
    } else if (event instanceof CheckResult) {
      return "checks";
    }
    return null;
  }

  static String topicOf(SpecificRecord event) {
    if (event instanceof CampaignEvent) {
      return Topics.CAMPAIGNS.name();
    } else if (event instanceof WriteResult) {
      return Topics.WRITES.name();
    } else if (event instanceof FaultEvent) {
      return Topics.FAULTS.name();
    } else if (event instanceof Observation) {
      return Topics.OBSERVATIONS.name();
    } else if (event instanceof CheckResult) {
      return Topics.CHECKS.name();
    }
    throw new IllegalArgumentException("not an input: " + event.getClass());
  }

  @SuppressWarnings("unchecked")
  private <V> List<KeyValue<String, V>> records(Topic<String, ?> topic) {
    TestOutputTopic<String, ? extends SpecificRecord> out = outputs.get(topic.name());
    List<KeyValue<String, SpecificRecord>> list = all.get(topic.name());
    for (KeyValue<String, ? extends SpecificRecord> kv : out.readKeyValuesToList()) {
      list.add(new KeyValue<>(kv.key, kv.value));
    }
    List<KeyValue<String, V>> copy = new ArrayList<>();
    for (KeyValue<String, SpecificRecord> kv : list) {
      copy.add(new KeyValue<>(kv.key, (V) kv.value));
    }
    return copy;
  }

  private <V> Map<String, V> latest(Topic<String, ?> topic) {
    Map<String, V> m = new LinkedHashMap<>();
    for (KeyValue<String, V> kv : this.<V>records(topic)) {
      m.put(kv.key, kv.value);
    }
    return m;
  }

  List<KeyValue<String, CycleConvergence>> cycleRecords() {
    return records(Topics.CYCLE_CONVERGENCE);
  }

  Map<String, CycleConvergence> cycles() {
    return latest(Topics.CYCLE_CONVERGENCE);
  }

  Map<String, FaultBound> bounds() {
    return latest(Topics.FAULT_BOUNDS);
  }

  Map<String, VisibilitySummary> visibility() {
    return latest(Topics.VISIBILITY);
  }

  List<KeyValue<String, VisibilitySummary>> visibilityRecords() {
    return records(Topics.VISIBILITY);
  }

  List<KeyValue<String, FaultBound>> boundRecords() {
    return records(Topics.FAULT_BOUNDS);
  }

  Map<String, PhaseVerdict> phases() {
    return latest(Topics.PHASE_VERDICTS);
  }

  List<KeyValue<String, PhaseVerdict>> phaseRecords() {
    return records(Topics.PHASE_VERDICTS);
  }

  Map<String, CampaignVerdict> campaigns() {
    return latest(Topics.CAMPAIGN_VERDICTS);
  }

  List<KeyValue<String, CampaignVerdict>> campaignRecords() {
    return records(Topics.CAMPAIGN_VERDICTS);
  }

  Map<String, dev.shipgate.results.SoakVerdict> soaks() {
    return latest(Topics.SOAK_VERDICTS);
  }

  List<Alert> alerts() {
    List<Alert> a = new ArrayList<>();
    for (KeyValue<String, Alert> kv : this.<Alert>records(Topics.ALERTS)) {
      a.add(kv.value);
    }
    return a;
  }

  List<KeyValue<String, DeadLetter>> deadLetters() {
    return records(Topics.DEAD_LETTERS);
  }

  @Override
  public void close() throws Exception {
    driver.close();
    try (var paths = Files.walk(stateDir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
