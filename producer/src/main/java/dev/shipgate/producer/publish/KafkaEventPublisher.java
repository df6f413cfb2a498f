package dev.shipgate.producer.publish;

import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EventPublisher} on an idempotent Kafka producer ({@code acks=all},
 * {@code enable.idempotence=true}). Keys are serialized with the topic's key serde (String),
 * values with the topic's Avro serde bound to the given {@link SchemaRegistry}.
 *
 * <p>A failed send is counted and logged in the producer's callback; {@link #flush()} and
 * {@link #close()} throw {@link PublishException} once any send has failed, and keep throwing:
 * the events published through this instance are known to be incomplete. Thread-safe.
 */
public final class KafkaEventPublisher implements EventPublisher {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventPublisher.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final Producer<byte[], byte[]> producer;
  private final SchemaRegistry registry;
  private final Map<String, Serializer<?>> valueSerializers = new ConcurrentHashMap<>();
  private final Map<String, Serializer<String>> keySerializers = new ConcurrentHashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
  private volatile boolean closed;

  /**
   * Creates a publisher on a new {@link KafkaProducer}.
   *
   * @param producerConfigs producer settings; {@code bootstrap.servers} is required. The settings
   *     that make publishing safe are fixed here and must not be contradicted: {@code acks=all},
   *     {@code enable.idempotence=true}, byte-array serializers.
   * @throws IllegalArgumentException when a setting contradicts them or bootstrap.servers is absent
   */
  public static KafkaEventPublisher create(Map<String, ?> producerConfigs,
      SchemaRegistry registry) {
    return new KafkaEventPublisher(new KafkaProducer<>(producerConfig(producerConfigs)), registry);
  }

  /** Creates a publisher for {@code bootstrapServers} with the fixed safe settings. */
  public static KafkaEventPublisher create(String bootstrapServers, SchemaRegistry registry) {
    return create(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), registry);
  }

  /** Wraps an existing producer (tests use {@code MockProducer}). */
  public KafkaEventPublisher(Producer<byte[], byte[]> producer, SchemaRegistry registry) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** The producer configuration actually used: the caller's plus the fixed safe settings. */
  static Map<String, Object> producerConfig(Map<String, ?> given) {
    Map<String, Object> config = new HashMap<>(given);
    Object bootstrap = config.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
    if (bootstrap == null || bootstrap.toString().isBlank()) {
      throw new IllegalArgumentException("bootstrap.servers is required");
    }
    requireOrSet(config, ProducerConfig.ACKS_CONFIG, "all", "-1");
    requireOrSet(config, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "shipgate-producer");
    return config;
  }

  private static void requireOrSet(Map<String, Object> config, String key, String... allowed) {
    Object value = config.get(key);
    if (value == null) {
      config.put(key, allowed[0]);
      return;
    }
    for (String a : allowed) {
      if (a.equalsIgnoreCase(value.toString().trim())) {
        config.put(key, allowed[0]);
        return;
      }
    }
    throw new IllegalArgumentException(
        key + " '" + value + "' is not allowed: events must be published with " + key + "="
            + allowed[0]);
  }

  @Override
  public <V extends SpecificRecord> void send(Topic<String, V> topic, String key, V value,
      Instant timestamp) {
    if (closed) {
      throw new PublishException("publisher is closed; cannot publish to " + topic.name());
    }
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(timestamp, "timestamp");
    byte[] keyBytes;
    byte[] valueBytes;
    try {
      keyBytes = keySerializer(topic).serialize(topic.name(), key);
      valueBytes = valueSerializer(topic).serialize(topic.name(), value);
    } catch (RuntimeException e) {
      throw new PublishException("cannot serialize " + topic.valueClass().getSimpleName()
          + " for " + topic.name() + " key " + key + ": " + e.getMessage(), e);
    }
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topic.name(), null, timestamp.toEpochMilli(), keyBytes, valueBytes);
    sent.incrementAndGet();
    try {
      producer.send(record, (metadata, exception) -> {
        if (exception != null) {
          failed.incrementAndGet();
          firstFailure.compareAndSet(null, exception);
          log.error("send to {} key {} failed: {}", topic.name(), key, exception.toString());
        }
      });
    } catch (RuntimeException e) {
      failed.incrementAndGet();
      firstFailure.compareAndSet(null, e);
      throw new PublishException("send to " + topic.name() + " key " + key + " failed: "
          + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private <V extends SpecificRecord> Serializer<V> valueSerializer(Topic<String, V> topic) {
    return (Serializer<V>) valueSerializers.computeIfAbsent(topic.name(),
        name -> topic.valueSerde(registry).serializer());
  }

  private Serializer<String> keySerializer(Topic<String, ?> topic) {
    return keySerializers.computeIfAbsent(topic.name(), name -> topic.keySerde().serializer());
  }

  @Override
  public void flush() {
    producer.flush();
    throwIfFailed();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      producer.close(CLOSE_TIMEOUT);
    } finally {
      throwIfFailed();
    }
  }

  /** Events handed to the producer so far. */
  public long sentCount() {
    return sent.get();
  }

  /** Events whose send failed so far. */
  public long failedCount() {
    return failed.get();
  }

  private void throwIfFailed() {
    long failures = failed.get();
    if (failures > 0) {
      Exception first = firstFailure.get();
      throw new PublishException(failures + " of " + sent.get() + " events failed to publish; first: "
          + (first == null ? "unknown" : first.toString()), first);
    }
  }
}
