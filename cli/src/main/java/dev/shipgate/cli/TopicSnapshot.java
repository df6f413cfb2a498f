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

  private static <V extends SpecificRecord> Map<String, V> read(Properties clientProps,
      SchemaRegistry registry, Topic<String, V> topic, Predicate<String> keyFilter,
      String campaignId) {
    Properties p = new Properties();
    p.putAll(clientProps);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 << 20));
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    Deserializer<V> values = topic.valueSerde(registry).deserializer();
    Map<String, V> latest = new LinkedHashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p,
        topic.keySerde().deserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(15))
          .stream().map(i -> new TopicPartition(i.topic(), i.partition()))
          .collect(Collectors.toList());
      if (campaignId != null) {
        int mine = CampaignPartitioner.partitionOf(campaignId, partitions.size());
        partitions = List.of(new TopicPartition(topic.name(), mine));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + LIMIT.toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new ShipgateException("timed out after " + LIMIT.toSeconds() + " s reading "
              + topic.name() + (campaignId == null ? "" : " for campaign " + campaignId));
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (r.key() != null && keyFilter.test(r.key())) {
            if (r.value() == null) {
              latest.remove(r.key());
            } else {
              latest.put(r.key(), values.deserialize(topic.name(), r.value()));
            }
          }
        }
      }
    }
    return latest;
  }
}
