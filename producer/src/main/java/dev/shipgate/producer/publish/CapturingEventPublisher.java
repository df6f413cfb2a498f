package dev.shipgate.producer.publish;

import dev.shipgate.schemas.Topic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * An in-memory {@link EventPublisher} for tests: keeps every event in publish order, with its
 * topic, key and timestamp. Thread-safe.
 */
public final class CapturingEventPublisher implements EventPublisher {

  /** One captured event. */
  public record Captured(String topic, String key, SpecificRecord value, Instant timestamp) {}

  private final List<Captured> captured = new ArrayList<>();
  private int flushes;
  private boolean closed;

  @Override
  public synchronized <V extends SpecificRecord> void send(Topic<String, V> topic, String key,
      V value, Instant timestamp) {
    if (closed) {
      throw new PublishException("publisher is closed");
    }
    captured.add(new Captured(topic.name(), Objects.requireNonNull(key, "key"),
        Objects.requireNonNull(value, "value"), Objects.requireNonNull(timestamp, "timestamp")));
  }

  @Override
  public synchronized void flush() {
    flushes++;
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  /** Every captured event, in publish order. */
  public synchronized List<Captured> all() {
    return List.copyOf(captured);
  }

  /** The values published to {@code topic}, in publish order. */
  public synchronized <V extends SpecificRecord> List<V> values(Topic<String, V> topic) {
    List<V> out = new ArrayList<>();
    for (Captured c : captured) {
      if (c.topic().equals(topic.name())) {
        out.add(topic.valueClass().cast(c.value()));
      }
    }
    return out;
  }

  public synchronized int flushes() {
    return flushes;
  }

  public synchronized boolean closed() {
    return closed;
  }

  public synchronized void clear() {
    captured.clear();
  }
}
