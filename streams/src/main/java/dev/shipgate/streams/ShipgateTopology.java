package dev.shipgate.streams;

import dev.shipgate.results.Alert;
import dev.shipgate.results.DeadLetter;
import dev.shipgate.results.SoakRun;
import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.SchemaRegistry;
import dev.shipgate.state.CycleControl;
import dev.shipgate.state.CycleReport;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The whole shipgate Streams application in one topology, no output read back, in two stages:
 *
 * <pre>
 *  writes, observations, checks, faults ──▶ decode (bad records → dead letters)
 *  cycle control (the judge's word) ───────┴▶ cycle tasks ({@link CycleTask}: a phase 4 cycle's
 *       own events judged where they are) ──▶ cycle-convergence, late evidence
 *     └─▶ reports ({@link CycleReport}: digests, progress, done, every other event), by campaign
 *  campaigns ──▶ decode ─┴▶ campaign judge ({@link Evidence}) ──▶ fault-bounds, visibility,
 *       phase-verdicts, campaign-verdicts, alerts, soak verdicts
 *     └─▶ cycle control, to every partition ({@link ToEveryPartition}): configured nodes,
 *         finalize, judged
 * </pre>
 *
 * <p>Every input is consumed as raw bytes and decoded here, so a record that cannot be read is
 * refused with a {@link DeadLetter} instead of stopping the application or vanishing; after
 * decoding each topic is a typed stream. A phase 4 cycle's events may be keyed by their cycle
 * ({@code campaign/fault/cycle}), so one campaign's cycles spread over the partitions and their
 * tasks; everything else is keyed by campaign id, and the reports are too, so a campaign's
 * judgement is in one task. The outputs are partitioned by the campaign id their key starts with
 * ({@link CampaignPartitioner}) and written under an optional prefix, so that a re-analysis never
 * writes into the live outputs; the cycle control topic is the application's own
 * ({@link #controlTopic}).
 */
public final class ShipgateTopology {
  private ShipgateTopology() {}

  /** Default application id, also the {@code component} of the dead letters. */
  public static final String DEFAULT_APPLICATION_ID = "shipgate-streams";

  /** Every input topic the application consumes (and its own {@link #controlTopic}). */
  public static final List<String> SOURCE_TOPICS = Topics.inputs().stream().map(Topic::name)
      .toList();

  /**
   * The topics the application {@code applicationId} writes and reads itself between its stages
   * (transactionally): the cycle tasks' reports to the judge and the judge's word back. An
   * application whose group has read its inputs has caught up only once it has read these too.
   */
  public static List<String> stageTopics(String applicationId) {
    return List.of(applicationId + "-cycle-reports-repartition", controlTopic(applicationId));
  }

  /** The cycle control topic of the application {@code applicationId}: the judge's word. */
  public static String controlTopic(String applicationId) {
    return applicationId + "-cycle-control";
  }

  /** Builds the topology into {@code builder}, dead letters naming {@value DEFAULT_APPLICATION_ID}. */
  public static void build(StreamsBuilder builder, SchemaRegistry registry) {
    build(builder, registry, DEFAULT_APPLICATION_ID, "");
  }

  /**
   * Builds the topology into {@code builder}.
   *
   * @param applicationId the application id, written as the {@code component} of dead letters
   * @param outputPrefix prefix of every output topic name ("" for the live outputs)
   */
  public static void build(StreamsBuilder builder, SchemaRegistry registry, String applicationId,
      String outputPrefix) {
    build(builder, registry, applicationId, outputPrefix, Reanalysis.NONE);
  }

  /**
   * Builds the topology into {@code builder}, judging the inputs as {@code reanalysis} says (one
   * campaign, other thresholds; {@link Reanalysis#NONE} for the live application).
   */
  public static void build(StreamsBuilder builder, SchemaRegistry registry, String applicationId,
      String outputPrefix, Reanalysis reanalysis) {
    build(builder, registry, applicationId, outputPrefix, reanalysis, new OutputCounts());
  }

  /** As above, counting what is written in {@code counts}. */
  public static void build(StreamsBuilder builder, SchemaRegistry registry, String applicationId,
      String outputPrefix, Reanalysis reanalysis, OutputCounts counts) {
    EvidenceStores.addTo(builder);
    CycleStores.addTo(builder);
    Function<SpecificRecord, byte[]> encoder = encoder(registry);
    String control = controlTopic(applicationId);
    ToEveryPartition toEveryPartition = new ToEveryPartition();

    // the cycle tasks: the evidence topics (the rarest first: a merge is one more hop for the
    // streams merged before it) and the judge's word
    StateSerde<CycleControl> controlSerde = StateSerde.of(CycleControl.getClassSchema());
    KStream<String, Routed<CycleTask, ?>> evidence = builder
        .stream(control, Consumed.with(Serdes.String(), controlSerde).withName("control-source"))
        .<Routed<CycleTask, ?>>mapValues(v -> new Routed<>(CycleTask::onControl, v),
            Named.as("control-routed"))
        .merge(decode(builder, registry, applicationId, outputPrefix, Topics.CHECKS, reanalysis,
            counts, CycleTask::onCheck), Named.as("control-and-checks"))
        .merge(decode(builder, registry, applicationId, outputPrefix, Topics.FAULTS, reanalysis,
            counts, CycleTask::onFault), Named.as("and-faults"))
        .merge(decode(builder, registry, applicationId, outputPrefix, Topics.OBSERVATIONS,
            reanalysis, counts, CycleTask::onObservation), Named.as("and-observations"))
        .merge(decode(builder, registry, applicationId, outputPrefix, Topics.WRITES, reanalysis,
            counts, CycleTask::onWrite), Named.as("and-writes"));
    KStream<String, SpecificRecord> staged = evidence.process(
        () -> new CycleTaskProcessor(applicationId, encoder), Named.as("cycles"), CycleStores.ALL);
    KStream<String, Routed<Evidence, ?>> reports = staged
        .filter((k, v) -> v instanceof CycleReport, Named.as("cycle-reports"))
        .mapValues(v -> (CycleReport) v, Named.as("cycle-reports-typed"))
        .selectKey((k, v) -> reanalysis.inputKeyOf(k), Named.as("cycle-reports-by-input-key"))
        .repartition(Repartitioned.with(Serdes.String(),
            StateSerde.<CycleReport>of(CycleReport.getClassSchema())).withName("cycle-reports"))
        .mapValues(v -> new Routed<>(Evidence::onReport, v), Named.as("cycle-reports-routed"));
    // its own sink: a stream merged with the judge's outputs would make the two stages one
    // sub-topology, whose every task reads every topic
    staged.filter((k, v) -> !(v instanceof CycleReport), Named.as("cycle-outputs"))
        .peek((k, v) -> counts.record(v), Named.as("cycle-output-counts"))
        .to(OutputRouting.topicOfValue(outputPrefix),
            OutputRouting.produced(registry, outputPrefix).withName("cycle-outputs-sink"));

    // the campaign judge: the campaigns and the cycle tasks' reports
    KStream<String, Routed<Evidence, ?>> judged = decode(builder, registry, applicationId,
        outputPrefix, Topics.CAMPAIGNS, reanalysis, counts, Evidence::onCampaign)
        .merge(reports, Named.as("campaigns-and-reports"));
    KStream<String, SpecificRecord> out = judged.process(
        () -> new EvidenceProcessor(applicationId, encoder, toEveryPartition), Named.as("judge"),
        EvidenceStores.ALL);
    out.filter((k, v) -> v instanceof CycleControl, Named.as("control"))
        .mapValues(v -> (CycleControl) v, Named.as("control-typed"))
        .to(control, Produced.with(Serdes.String(), controlSerde)
            .withStreamPartitioner(toEveryPartition).withName("control-sink"));
    // final campaign verdicts as soak runs, repartitioned by gate key, judged per target version
    builder.addStateStore(SoakProcessor.store());
    KStream<String, SpecificRecord> soak = out
        .filter((k, v) -> v instanceof SoakRun, Named.as("soak-runs"))
        .mapValues(v -> (SoakRun) v, Named.as("soak-runs-typed"))
        .repartition(Repartitioned.with(Serdes.String(),
            StateSerde.<SoakRun>of(SoakRun.getClassSchema())).withName("soak-runs-by-gate"))
        .process(SoakProcessor::new, Named.as("soak-judge"), SoakProcessor.STORE);
    out.filter((k, v) -> !(v instanceof SoakRun) && !(v instanceof CycleControl),
            Named.as("outputs"))
        .merge(soak, Named.as("outputs-and-soak"))
        .peek((k, v) -> counts.record(v), Named.as("shipgate-output-counts"))
        .to(OutputRouting.topicOfValue(outputPrefix),
        OutputRouting.produced(registry, outputPrefix).withName("shipgate-outputs"));
  }

  /** The topology as {@link ShipgateStreams} runs it. */
  public static Topology topology(SchemaRegistry registry, String applicationId,
      String outputPrefix) {
    return topology(registry, applicationId, outputPrefix, Reanalysis.NONE);
  }

  public static Topology topology(SchemaRegistry registry, String applicationId,
      String outputPrefix, Reanalysis reanalysis) {
    return topology(registry, applicationId, outputPrefix, reanalysis, new OutputCounts());
  }

  public static Topology topology(SchemaRegistry registry, String applicationId,
      String outputPrefix, Reanalysis reanalysis, OutputCounts counts) {
    StreamsBuilder builder = new StreamsBuilder();
    build(builder, registry, applicationId, outputPrefix, reanalysis, counts);
    return builder.build();
  }

  /**
   * Decodes {@code topic}: refused records to the dead letters, accepted ones typed and paired
   * with what they do to their processor ({@code T}).
   */
  private static <T, V extends SpecificRecord> KStream<String, Routed<T, ?>> decode(
      StreamsBuilder builder, SchemaRegistry registry, String component, String outputPrefix,
      Topic<String, V> topic, Reanalysis reanalysis, OutputCounts counts,
      Routed.Handler<T, V> handler) {
    String name = topic.name().replace("shipgate.", "");
    KStream<String, SpecificRecord> decoded = builder
        .stream(topic.name(), Consumed.with(Serdes.String(), Serdes.ByteArray())
            .withName(name + "-source"))
        .process(() -> new InputDecoder<>(topic, registry, component, false),
            Named.as(name + "-decode"));
    decoded.filter((k, v) -> v instanceof DeadLetter || v instanceof Alert,
            Named.as(name + "-refused"))
        .peek((k, v) -> counts.record(v), Named.as(name + "-refused-counts"))
        .to(OutputRouting.topicOfValue(outputPrefix), OutputRouting.produced(registry,
            outputPrefix).withName(name + "-dead-letters"));
    // after decoding every accepted record is a V: typed from here on
    KStream<String, V> typed = decoded
        .filter((k, v) -> topic.valueClass().isInstance(v), Named.as(name + "-accepted"))
        .mapValues(v -> topic.valueClass().cast(v), Named.as(name + "-typed"));
    if (reanalysis != Reanalysis.NONE) {
      typed = typed.filter((k, v) -> reanalysis.includes(Keys.campaignOf(k)),
              Named.as(name + "-reanalysed"))
          .mapValues(reanalysis::apply, Named.as(name + "-as-reanalysed"));
    }
    return typed.<Routed<T, ?>>mapValues(v -> new Routed<>(handler, v),
        Named.as(name + "-routed"));
  }

  /** An input event as its topic's wire bytes (for the dead letter of late evidence). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Function<SpecificRecord, byte[]> encoder(SchemaRegistry registry) {
    Map<Class<?>, Serializer<SpecificRecord>> byClass = new HashMap<>();
    Map<Class<?>, String> topics = new HashMap<>();
    for (Topic<String, ? extends SpecificRecord> t : Topics.inputs()) {
      byClass.put(t.valueClass(), (Serializer) t.valueSerde(registry).serializer());
      topics.put(t.valueClass(), t.name());
    }
    return v -> byClass.get(v.getClass()).serialize(topics.get(v.getClass()), v);
  }
}
