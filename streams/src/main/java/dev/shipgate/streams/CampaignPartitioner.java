package dev.shipgate.streams;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Puts an output record in the partition its campaign id would get from Kafka's default
 * partitioner ({@code murmur2(key bytes)}), whatever suffix the key carries: downstream consumers
 * see one campaign in one partition, the one its inputs are in, and interactive queries find a
 * campaign's state by the same rule.
 */
public final class CampaignPartitioner<V> implements StreamPartitioner<String, V> {

  @Override
  public Optional<Set<Integer>> partitions(String topic, String key, V value, int numPartitions) {
    if (key == null) {
      return Optional.empty();
    }
    return Optional.of(Set.of(partitionOf(Keys.campaignOf(key), numPartitions)));
  }

  /** The partition the default partitioner gives a record keyed {@code campaignId}. */
  public static int partitionOf(String campaignId, int numPartitions) {
    return Utils.toPositive(Utils.murmur2(campaignId.getBytes(StandardCharsets.UTF_8)))
        % numPartitions;
  }
}
