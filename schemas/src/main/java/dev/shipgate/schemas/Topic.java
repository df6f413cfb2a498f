package dev.shipgate.schemas;

import dev.shipgate.schemas.registry.SchemaRegistry;
import dev.shipgate.schemas.serde.ConfluentAvroSerde;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A Kafka topic of shipgate's contract: its name, key and value types, how many partitions it has
 * and how it is cleaned up. Keys are strings (a campaign id, or a campaign id with a suffix);
 * values are Avro records in the Confluent wire format, their schemas registered under the
 * TopicNameStrategy subject {@code <topic>-value}.
 *
 * @param <K> key type
 * @param <V> value type (a generated Avro record)
 */
public final class Topic<K, V extends SpecificRecord> {
  private final String name;
  private final Serde<K> keySerde;
  private final Class<V> valueClass;
  private final int partitions;
  private final String cleanupPolicy;
  private final Map<String, String> configs;
  private final String doc;

  Topic(String name, Serde<K> keySerde, Class<V> valueClass, int partitions, String cleanupPolicy,
      Map<String, String> configs, String doc) {
    this.name = Objects.requireNonNull(name);
    this.keySerde = Objects.requireNonNull(keySerde);
    this.valueClass = Objects.requireNonNull(valueClass);
    this.partitions = partitions;
    this.cleanupPolicy = Objects.requireNonNull(cleanupPolicy);
    this.configs = Map.copyOf(configs);
    this.doc = doc;
  }

  static <V extends SpecificRecord> Topic<String, V> keyedByString(String name, Class<V> valueClass,
      int partitions, String cleanupPolicy, Map<String, String> configs, String doc) {
    return new Topic<>(name, Serdes.String(), valueClass, partitions, cleanupPolicy, configs, doc);
  }

  /**
   * The same topic under {@code prefix} (a re-analysis's own outputs): same key, values, configs.
   * Streams writes its values under this topic's subject (the same schema), so reading it needs
   * nothing new from the registry.
   */
  public Topic<K, V> prefixed(String prefix) {
    return prefix.isEmpty() ? this : new Topic<>(prefix + name, keySerde, valueClass, partitions,
        cleanupPolicy, configs, "Re-analysis output (" + prefix + "): " + doc);
  }

  public String name() {
    return name;
  }

  public Serde<K> keySerde() {
    return keySerde;
  }

  public Class<V> valueClass() {
    return valueClass;
  }

  /** A value serde bound to {@code registry}; schemas are registered on first use. */
  public Serde<V> valueSerde(SchemaRegistry registry) {
    return new ConfluentAvroSerde<>(valueClass, registry);
  }

  /** The registry subject of this topic's values (TopicNameStrategy). */
  public String valueSubject() {
    return name + "-value";
  }

  public int partitions() {
    return partitions;
  }

  /** {@code delete} or {@code compact}. */
  public String cleanupPolicy() {
    return cleanupPolicy;
  }

  /** Topic-level configs to create the topic with, {@code cleanup.policy} included. */
  public Map<String, String> configs() {
    return configs;
  }

  public String doc() {
    return doc;
  }

  @Override
  public String toString() {
    return name;
  }
}
