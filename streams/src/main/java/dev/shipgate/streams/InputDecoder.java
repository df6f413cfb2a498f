package dev.shipgate.streams;

import dev.shipgate.schemas.AlertIds;
import dev.shipgate.schemas.CampaignIds;
import dev.shipgate.schemas.DeadLetters;
import dev.shipgate.schemas.EventKeys;
import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.registry.SchemaRegistry;
import dev.shipgate.schemas.registry.SchemaRegistryException;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes one topic's raw records and refuses, with a {@link DeadLetter} and a
 * {@link AlertKind#DEAD_LETTER} alert, every record that cannot be decoded, whose campaign id is
 * invalid, whose key names neither its campaign nor its own cycle ({@link EventKeys}), or that
 * misses a field its kind requires.
 * Nothing is dropped: a refused record leaves with its original bytes and where it came from.
 * Alerts are limited to one a minute per campaign ({@link DeadLetterAlertLimiter}).
 *
 * <p>A registry that cannot be reached is not the record's fault: that error is rethrown so the
 * application fails (and is restarted) instead of dead-lettering good records.
 */
final class InputDecoder<V extends SpecificRecord>
    implements Processor<String, byte[], String, SpecificRecord> {
  private static final Logger LOG = LoggerFactory.getLogger(InputDecoder.class);

  private final Topic<String, V> topic;
  private final Deserializer<V> deserializer;
  private final String component;
  private final boolean suffixedKeys;
  private final DeadLetterAlertLimiter limiter = new DeadLetterAlertLimiter();
  private ProcessorContext<String, SpecificRecord> context;

  /**
   * @param suffixedKeys false for input topics (key = campaign id, or a cycle's event's own
   *     cycle key), true for outputs read back (key = campaign id or campaign id + "/...")
   */
  InputDecoder(Topic<String, V> topic, SchemaRegistry registry, String component,
      boolean suffixedKeys) {
    this.topic = topic;
    this.deserializer = topic.valueSerde(registry).deserializer();
    this.component = component;
    this.suffixedKeys = suffixedKeys;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String key = record.key();
    byte[] bytes = record.value();
    if (bytes == null) {
      refuse(record, null, "value is null (a tombstone): expected a "
          + topic.valueClass().getSimpleName());
      return;
    }
    V value;
    try {
      value = deserializer.deserialize(topic.name(), bytes);
    } catch (RuntimeException e) {
      if (isRegistryOutage(e)) {
        throw e;
      }
      refuse(record, null, "value (" + bytes.length + " bytes, starting " + hex(bytes)
          + ") cannot be decoded as " + topic.valueClass().getSimpleName() + ": "
          + oneLine(e.getMessage()));
      return;
    }
    String campaign = campaignId(value);
    if (!CampaignIds.isValid(campaign)) {
      refuse(record, null, CampaignIds.problem(campaign));
      return;
    }
    // an input event's key is its campaign id or, a cycle's event, its cycle's (EventKeys)
    String own = suffixedKeys ? null : EventKeys.ofEvent(value);
    boolean keyMatches = key != null
        && (key.equals(campaign) || (suffixedKeys && key.startsWith(campaign + "/"))
            || key.equals(own));
    if (!keyMatches) {
      refuse(record, campaign, "record key " + (key == null ? "null" : "'" + oneLine(key) + "'")
          + " does not match campaign_id '" + campaign + "'"
          + (own != null && !own.equals(campaign) ? " nor its cycle key '" + oneLine(own) + "'"
              : ""));
      return;
    }
    String problem = EventValidation.problem(value);
    if (problem != null) {
      refuse(record, campaign, problem);
      return;
    }
    context.forward(new Record<String, SpecificRecord>(key, value, record.timestamp()));
  }

  private void refuse(Record<String, byte[]> record, String campaign, String reason) {
    Optional<RecordMetadata> meta = context.recordMetadata();
    String key = record.key();
    LOG.warn("dead letter from {} partition {} offset {}: {}",
        topic.name(), meta.map(RecordMetadata::partition).orElse(null),
        meta.map(RecordMetadata::offset).orElse(null), reason);
    DeadLetter letter = DeadLetters.withValue(DeadLetter.newBuilder(), record.value())
        .setSourceTopic(meta.map(RecordMetadata::topic).orElse(topic.name()))
        .setPartition(meta.map(RecordMetadata::partition).orElse(null))
        .setOffset(meta.map(RecordMetadata::offset).orElse(null))
        .setCampaignId(campaign)
        .setKey(key == null ? null : ByteBuffer.wrap(key.getBytes(
            java.nio.charset.StandardCharsets.UTF_8)))
        .setReason(reason)
        .setComponent(component)
        .setEventTime(Instant.ofEpochMilli(context.currentSystemTimeMs()))
        .build();
    context.forward(new Record<String, SpecificRecord>(key, letter, record.timestamp()));
    String alertKey = campaign != null ? campaign : key;
    long suppressed = limiter.admit(String.valueOf(alertKey), record.timestamp());
    if (suppressed < 0) {
      return; // the dead letter is written; its alert is folded into the next one
    }
    Alert alert = AlertIds.identified(Alert.newBuilder()
        .setCampaignId(alertKey == null ? "" : alertKey)
        .setKind(AlertKind.DEAD_LETTER)
        .setMessage("record refused on " + topic.name() + ": " + reason
            + (suppressed > 0 ? " (and " + suppressed + " more refused in the minute before,"
                + " without an alert each)" : ""))
        .setEventTime(Instant.ofEpochMilli(Math.max(0, record.timestamp())))
        .build());
    context.forward(new Record<String, SpecificRecord>(alertKey, alert, record.timestamp()));
  }

  private static String campaignId(SpecificRecord value) {
    Schema.Field field = value.getSchema().getField("campaign_id");
    Object id = field == null ? null : value.get(field.pos());
    return id == null ? null : id.toString();
  }

  private static boolean isRegistryOutage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SchemaRegistryException sre) {
        return sre.status() != 404;
      }
    }
    return false;
  }

  private static String hex(byte[] bytes) {
    StringBuilder b = new StringBuilder("0x");
    for (int i = 0; i < Math.min(bytes.length, 8); i++) {
      b.append(String.format("%02x", bytes[i]));
    }
    return bytes.length > 8 ? b + "..." : b.toString();
  }

  private static final java.util.regex.Pattern CONTROL =
      java.util.regex.Pattern.compile("[\\r\\n\\t]+");

  static String oneLine(String s) {
    if (s == null) {
      return "null";
    }
    String line = s.indexOf('\r') < 0 && s.indexOf('\n') < 0 && s.indexOf('\t') < 0 ? s
        : CONTROL.matcher(s).replaceAll(" ");
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
