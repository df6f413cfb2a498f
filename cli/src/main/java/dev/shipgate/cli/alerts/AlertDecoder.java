package dev.shipgate.cli.alerts;

import dev.shipgate.results.Alert;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.SchemaRegistry;
import dev.shipgate.schemas.registry.SchemaRegistryException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes a record of {@code shipgate.alerts} through the registry, telling a registry that does
 * not answer now (worth waiting for) from a record that can never be read (not in the wire
 * format, an unknown schema id, bytes that do not decode).
 */
final class AlertDecoder {
  /** Exactly one of {@code alert} and {@code problem} is set. */
  record Decoded(Alert alert, String problem, boolean registryUnavailable) {}

  private final Deserializer<Alert> values;

  AlertDecoder(SchemaRegistry registry) {
    this.values = Topics.ALERTS.valueSerde(registry).deserializer();
  }

  Decoded decode(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      return new Decoded(null, "a record without a value", false);
    }
    try {
      return new Decoded(values.deserialize(r.topic(), r.value()), null, false);
    } catch (SerializationException e) {
      boolean unavailable = e.getCause() instanceof SchemaRegistryException s
          && (s.status() == 0 || s.status() == 429 || s.status() >= 500);
      return new Decoded(null, AlertLine.clean(e.getMessage()), unavailable);
    } catch (RuntimeException e) {
      return new Decoded(null, AlertLine.clean(String.valueOf(e)), false);
    }
  }

  /** {@code shipgate.alerts-P@O}: where a record is. */
  static String where(ConsumerRecord<?, ?> r) {
    return r.topic() + "-" + r.partition() + "@" + r.offset();
  }
}
