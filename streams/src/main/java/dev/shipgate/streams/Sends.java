package dev.shipgate.streams;

import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.DeadLetter;
import dev.shipgate.schemas.AlertIds;
import dev.shipgate.schemas.DeadLetters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * What a processor of the judging sends, stamped with the time of the evidence being handled
 * ({@link #at}): records that are always sent ({@link #forward}), and late evidence refused as a
 * dead letter with an alert ({@link #late}), naming where the evidence was read (the record's
 * own topic, or the one a cycle task read it from, {@link #readFrom}).
 */
class Sends {
  /** Where an input event was read. */
  record Source(String topic, Integer partition, Long offset) {}

  private final ProcessorContext<String, SpecificRecord> context;
  private final LiveCommits commits;
  private final String component;
  private final Function<SpecificRecord, byte[]> encoder;
  private long ts;
  private Source source;

  /**
   * @param component the dead letters' component (the application id)
   * @param encoder the input record's wire bytes, for a dead letter
   */
  Sends(ProcessorContext<String, SpecificRecord> context, String component,
      Function<SpecificRecord, byte[]> encoder) {
    this.context = context;
    this.commits = new LiveCommits(context);
    this.component = component;
    this.encoder = encoder;
  }

  /** Stamps what follows with {@code timestamp} (the input record's, or a punctuation's). */
  final void at(long timestamp) {
    ts = timestamp;
    source = null;
  }

  /** The event being handled was read from {@code source}, not from the current record's topic. */
  final void readFrom(Source source) {
    this.source = source;
  }

  /** The stamp of what follows ({@link #at}). */
  final long timestamp() {
    return ts;
  }

  /** Whether the evidence being handled is live ({@link LiveCommits#isLive}). */
  final boolean live() {
    return commits.isLive(ts);
  }

  /** Something was judged from the evidence being handled: committed at once when it is live. */
  final void judged() {
    commits.judged(ts);
  }

  /** Forwards {@code value} under {@code key}; an alert gets its id. */
  final void forward(String key, SpecificRecord value) {
    if (value instanceof Alert a) {
      AlertIds.identified(a);
    }
    context.forward(new Record<>(key, value, ts));
  }

  /** Evidence for something judged already: a dead letter and an alert, never a count. */
  final void late(String campaign, SpecificRecord value, String why) {
    Source from = source;
    if (from == null) {
      java.util.Optional<RecordMetadata> meta = context.recordMetadata();
      from = new Source(meta.map(RecordMetadata::topic).orElse("?"),
          meta.map(RecordMetadata::partition).orElse(null),
          meta.map(RecordMetadata::offset).orElse(null));
    }
    String reason = "late evidence for campaign " + campaign + ": " + why + "; not counted";
    DeadLetter letter = DeadLetters.withValue(DeadLetter.newBuilder(), encoder.apply(value))
        .setSourceTopic(from.topic())
        .setPartition(from.partition())
        .setOffset(from.offset())
        .setCampaignId(campaign)
        .setKey(ByteBuffer.wrap(campaign.getBytes(StandardCharsets.UTF_8)))
        .setReason(reason)
        .setComponent(component)
        .setEventTime(Instant.ofEpochMilli(Math.max(0, ts)))
        .build();
    forward(campaign, letter);
    lateAlert(campaign, reason);
  }

  /** A LATE_EVIDENCE alert for evidence that is not at hand (counted elsewhere). */
  final void lateAlert(String campaign, String reason) {
    forward(campaign, Alert.newBuilder()
        .setCampaignId(campaign)
        .setKind(AlertKind.LATE_EVIDENCE)
        .setMessage(reason)
        .setEventTime(Instant.ofEpochMilli(Math.max(0, ts)))
        .build());
  }
}
