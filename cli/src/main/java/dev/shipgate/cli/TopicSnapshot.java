package dev.shipgate.cli;

import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.registry.SchemaRegistry;
import dev.shipgate.streams.CampaignPartitioner;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a compacted output topic to its current end (committed records only) and returns the
 * latest value per key: the current state, as Streams last published it. Values are decoded only
 * for the keys asked for, and {@link #ofCampaign} reads only the one partition that holds the
 * campaign ({@link CampaignPartitioner}), so the cost follows that partition's size, not the
 * topic's.
 */
final class TopicSnapshot {
  private TopicSnapshot() {}

  private static final Duration LIMIT = Duration.ofSeconds(30);

  /** The latest value of each key of {@code campaignId} (the id, or {@code id/...}). */
  static <V extends SpecificRecord> Map<String, V> ofCampaign(Properties clientProps,
      SchemaRegistry registry, Topic<String, V> topic, String campaignId,
      Predicate<String> keyFilter) {
    return read(clientProps, registry, topic, keyFilter, campaignId);
  }

  /** The latest value of every key that {@code keyFilter} accepts, over every partition. */
  static <V extends SpecificRecord> Map<String, V> latest(Properties clientProps,
      SchemaRegistry registry, Topic<String, V> topic, Predicate<String> keyFilter) {
    return read(clientProps, registry, topic, keyFilter, null);
  }

  /** One topic of a {@link #readAll} call and the keys wanted from it. */
  record Wanted<V extends SpecificRecord>(Topic<String, V> topic, Predicate<String> keyFilter) {}

  /**
   * The latest value per wanted key of several topics, read by one consumer at once (one
   * connection, one metadata round trip); with {@code campaignId}, only the partition of each
   * topic that holds the campaign.
   */
  static Map<String, Map<String, SpecificRecord>> readAll(Properties clientProps,
      SchemaRegistry registry, List<Wanted<?>> wanted, String campaignId) {
    Properties p = new Properties();
    p.putAll(clientProps);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 << 20));
    // the end is known: an empty fetch (a transaction marker last) must not wait the default 500 ms
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    Map<String, Wanted<?>> byTopic = new LinkedHashMap<>();
    Map<String, Deserializer<? extends SpecificRecord>> values = new LinkedHashMap<>();
    Map<String, Map<String, SpecificRecord>> latest = new LinkedHashMap<>();
    for (Wanted<?> w : wanted) {
      byTopic.put(w.topic().name(), w);
      values.put(w.topic().name(), w.topic().valueSerde(registry).deserializer());
      latest.put(w.topic().name(), new LinkedHashMap<>());
    }
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p,
        new org.apache.kafka.common.serialization.StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new java.util.ArrayList<>();
      for (String topic : byTopic.keySet()) {
        List<TopicPartition> all = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
            .map(i -> new TopicPartition(i.topic(), i.partition())).collect(Collectors.toList());
        if (all.isEmpty()) {
          throw new ShipgateException("topic " + topic + " does not exist (run `shipgate topics"
              + " create`)");
        }
        partitions.addAll(campaignId == null ? all : List.of(new TopicPartition(topic,
            CampaignPartitioner.partitionOf(campaignId, all.size()))));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + LIMIT.toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new ShipgateException("timed out after " + LIMIT.toSeconds() + " s reading "
              + byTopic.keySet() + (campaignId == null ? "" : " for campaign " + campaignId));
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          Wanted<?> w = byTopic.get(r.topic());
          if (r.key() != null && w.keyFilter().test(r.key())) {
            Map<String, SpecificRecord> m = latest.get(r.topic());
            if (r.value() == null) {
              m.remove(r.key());
            } else {
              m.put(r.key(), values.get(r.topic()).deserialize(r.topic(), r.value()));
            }
          }
        }
      }
    }
    return latest;
  }

  @SuppressWarnings("unchecked")
  private static <V extends SpecificRecord> Map<String, V> read(Properties clientProps,
      SchemaRegistry registry, Topic<String, V> topic, Predicate<String> keyFilter,
      String campaignId) {
    return (Map<String, V>) (Map<String, ?>) readAll(clientProps, registry,
        List.of(new Wanted<>(topic, keyFilter)), campaignId).get(topic.name());
  }
}
