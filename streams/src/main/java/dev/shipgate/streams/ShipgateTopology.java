package dev.shipgate.streams;

import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.SchemaRegistry;
import dev.shipgate.results.Alert;
import dev.shipgate.results.DeadLetter;
import org.apache.avro.specific.SpecificRecord;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * The whole shipgate Streams application in one topology:
 *
 * <pre>
 *  campaigns, writes, observations, checks, faults ──▶ decode (bad records → dead letters)
 *     ├─▶ ConvergenceTopology ──▶ cycle-convergence, fault-bounds, alerts
 *     ├─▶ PhaseVerdictTopology (+ fault-bounds read back) ──▶ phase-verdicts
 *     └─▶ CampaignVerdictTopology (+ phase-verdicts read back) ──▶ campaign-verdicts, alerts
 * </pre>
 *
 * <p>Every input is consumed as raw bytes and decoded here, so a record that cannot be read is
 * refused with a {@link DeadLetter} instead of stopping the application or vanishing. Outputs are
 * partitioned by the campaign id their key starts with ({@link CampaignPartitioner}), so the
 * read-back topics stay co-partitioned with the inputs and one campaign lives in one task.
 */
public final class ShipgateTopology {
  private ShipgateTopology() {}

  /** Default application id, also the {@code component} of the dead letters. */
  public static final String DEFAULT_APPLICATION_ID = "shipgate-streams";

  /** Builds the topology into {@code builder}, dead letters naming {@value DEFAULT_APPLICATION_ID}. */
  public static void build(StreamsBuilder builder, SchemaRegistry registry) {
    build(builder, registry, DEFAULT_APPLICATION_ID);
  }

  /**
   * The topics the application reads back from its own (transactional) output: their end offsets
   * include commit markers no consumer sees.
   */
  public static final List<String> READ_BACK_TOPICS =
      List.of(Topics.FAULT_BOUNDS.name(), Topics.PHASE_VERDICTS.name());

  /** Every topic the application consumes: the inputs, then {@link #READ_BACK_TOPICS}. */
  public static final List<String> SOURCE_TOPICS = List.of(Topics.CAMPAIGNS.name(),
      Topics.WRITES.name(), Topics.FAULTS.name(), Topics.OBSERVATIONS.name(),
      Topics.CHECKS.name(), Topics.FAULT_BOUNDS.name(), Topics.PHASE_VERDICTS.name());

  /**
   * Builds the topology into {@code builder}.
   *
   * @param applicationId the application id, written as the {@code component} of dead letters
   */
  public static void build(StreamsBuilder builder, SchemaRegistry registry,
      String applicationId) {
    KStream<String, SpecificRecord> campaigns = decode(builder, registry, applicationId,
        Topics.CAMPAIGNS, false);
    KStream<String, SpecificRecord> writes = decode(builder, registry, applicationId,
        Topics.WRITES, false);
    KStream<String, SpecificRecord> faults = decode(builder, registry, applicationId,
        Topics.FAULTS, false);
    KStream<String, SpecificRecord> observations = decode(builder, registry, applicationId,
        Topics.OBSERVATIONS, false);
    KStream<String, SpecificRecord> checks = decode(builder, registry, applicationId,
        Topics.CHECKS, false);
    KStream<String, SpecificRecord> faultBounds = decode(builder, registry, applicationId,
        Topics.FAULT_BOUNDS, true);
    KStream<String, SpecificRecord> phaseVerdicts = decode(builder, registry, applicationId,
        Topics.PHASE_VERDICTS, true);

    ConvergenceTopology.build(builder, registry, campaigns, writes, observations, checks, faults)
        .to(OutputRouting.topicOfValue(), OutputRouting.produced(registry)
            .withName("convergence-out"));
    PhaseVerdictTopology.build(builder, registry, campaigns, checks, writes, observations,
            faultBounds)
        .to(OutputRouting.topicOfValue(), OutputRouting.produced(registry)
            .withName("phase-verdicts-out"));
    CampaignVerdictTopology.build(builder, registry, campaigns, phaseVerdicts)
        .to(OutputRouting.topicOfValue(), OutputRouting.produced(registry)
            .withName("campaign-verdicts-out"));
  }

  /** The topology as {@link ShipgateStreams} runs it. */
  public static Topology topology(SchemaRegistry registry, String applicationId) {
    StreamsBuilder builder = new StreamsBuilder();
    build(builder, registry, applicationId);
    return builder.build();
  }

  private static <V extends SpecificRecord> KStream<String, SpecificRecord> decode(
      StreamsBuilder builder, SchemaRegistry registry, String component, Topic<String, V> topic,
      boolean suffixedKeys) {
    String name = topic.name().replace("shipgate.", "");
    KStream<String, SpecificRecord> decoded = builder
        .stream(topic.name(), Consumed.with(Serdes.String(), Serdes.ByteArray())
            .withName(name + "-source"))
        .process(() -> new InputDecoder<>(topic, registry, component, suffixedKeys),
            Named.as(name + "-decode"));
    decoded.filter((k, v) -> v instanceof DeadLetter || v instanceof Alert,
            Named.as(name + "-refused"))
        .to(OutputRouting.topicOfValue(), OutputRouting.produced(registry)
            .withName(name + "-dead-letters"));
    return decoded.filter((k, v) -> !(v instanceof DeadLetter || v instanceof Alert),
        Named.as(name + "-accepted"));
  }
}
