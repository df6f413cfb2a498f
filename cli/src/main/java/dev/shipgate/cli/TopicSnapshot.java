package dev.shipgate.cli;

import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.registry.SchemaRegistry;
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

/**
 * Reads a compacted output topic from the beginning to its current end (committed records only)
 * and returns the latest value per key: the current state, as Streams last published it.
 */
final class TopicSnapshot {
  private TopicSnapshot() {}

  static <V extends SpecificRecord> Map<String, V> latest(Properties clientProps,
      SchemaRegistry registry, Topic<String, V> topic, Predicate<String> keyFilter) {
    Properties p = new Properties();
    p.putAll(clientProps);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    Map<String, V> latest = new LinkedHashMap<>();
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(p,
        topic.keySerde().deserializer(), topic.valueSerde(registry).deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(15))
          .stream().map(i -> new TopicPartition(i.topic(), i.partition()))
          .collect(Collectors.toList());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new ShipgateException("timed out reading " + topic.name());
        }
        for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() != null && keyFilter.test(r.key())) {
            if (r.value() == null) {
              latest.remove(r.key());
            } else {
              latest.put(r.key(), r.value());
            }
          }
        }
      }
    }
    return latest;
  }
}
