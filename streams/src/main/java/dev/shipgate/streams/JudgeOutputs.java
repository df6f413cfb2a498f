package dev.shipgate.streams;

import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.DeadLetter;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.VisibilitySummary;
import dev.shipgate.schemas.AlertIds;
import dev.shipgate.schemas.DeadLetters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * What a task's judge publishes, stamped with the time of the evidence being handled
 * ({@link #at}): outputs that are not repeated when unchanged ({@link #emit}), records that are
 * always sent ({@link #forward}), and late evidence refused as a dead letter with an alert
 * ({@link #late}). A verdict or a bound emitted is also kept for queries and, judged live,
 * committed at once ({@link LiveCommits}).
 */
final class JudgeOutputs {
  private final ProcessorContext<String, SpecificRecord> context;
  private final EvidenceStores.Opened stores;
  private final LiveCommits commits;
  private final String component;
  private final Function<SpecificRecord, byte[]> encoder;
  private long ts;

  /**
   * @param component the dead letters' component (the application id)
   * @param encoder the input record's wire bytes, for a dead letter
   */
  JudgeOutputs(ProcessorContext<String, SpecificRecord> context, EvidenceStores.Opened stores,
      String component, Function<SpecificRecord, byte[]> encoder) {
    this.context = context;
    this.stores = stores;
    this.commits = new LiveCommits(context);
    this.component = component;
    this.encoder = encoder;
  }

  /** Stamps what follows with {@code timestamp} (the input record's, or a punctuation's). */
  void at(long timestamp) {
    ts = timestamp;
  }

  /** The stamp of what follows ({@link #at}). */
  long timestamp() {
    return ts;
  }

  /** Whether the evidence being handled is live ({@link LiveCommits#isLive}). */
  boolean live() {
    return commits.isLive(ts);
  }

  /** Forwards {@code value} under {@code key} unless the same record was last emitted there. */
  void emit(String key, SpecificRecord value) {
    long hash = Hashing.of(value);
    // a class's visibility summary shares its key with its bound, on another topic
    String slot = value instanceof VisibilitySummary ? key + "#visibility" : key;
    Long previous = stores.emitted().get(slot);
    if (previous != null && previous == hash) {
      return;
    }
    stores.emitted().put(slot, hash);
    // the encoding behind the hash is written to the output topic and the view as it is
    Hashing.lending(value, () -> forwardAndKeep(key, value));
  }

  private void forwardAndKeep(String key, SpecificRecord value) {
    context.forward(new Record<>(key, value, ts));
    // a verdict or a bound is kept for queries, and judged live it is committed at once
    if (value instanceof CampaignVerdict v) {
      stores.verdicts().put(key, v);
      commits.judged(ts);
    } else if (value instanceof FaultBound b) {
      stores.bounds().put(key, b);
      commits.judged(ts);
    }
  }

  /** Forwards {@code value} under {@code key}; an alert gets its id. */
  void forward(String key, SpecificRecord value) {
    if (value instanceof Alert a) {
      AlertIds.identified(a);
    }
    context.forward(new Record<>(key, value, ts));
  }

  /** Evidence for something judged already: a dead letter and an alert, never a count. */
  void late(String campaign, SpecificRecord value, String why) {
    Optional<RecordMetadata> meta = context.recordMetadata();
    String reason = "late evidence for campaign " + campaign + ": " + why + "; not counted";
    DeadLetter letter = DeadLetters.withValue(DeadLetter.newBuilder(), encoder.apply(value))
        .setSourceTopic(meta.map(RecordMetadata::topic).orElse("?"))
        .setPartition(meta.map(RecordMetadata::partition).orElse(null))
        .setOffset(meta.map(RecordMetadata::offset).orElse(null))
        .setCampaignId(campaign)
        .setKey(ByteBuffer.wrap(campaign.getBytes(StandardCharsets.UTF_8)))
        .setReason(reason)
        .setComponent(component)
        .setEventTime(Instant.ofEpochMilli(Math.max(0, ts)))
        .build();
    forward(campaign, letter);
    forward(campaign, Alert.newBuilder()
        .setCampaignId(campaign)
        .setKind(AlertKind.LATE_EVIDENCE)
        .setMessage(reason)
        .setEventTime(Instant.ofEpochMilli(Math.max(0, ts)))
        .build());
  }
}
