package dev.shipgate.streams;

import dev.shipgate.state.CycleControl;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Sends each record of the cycle control topic to every one of its partitions (KIP-837's
 * multicast), so that every cycle task hears what the campaign judge says of a campaign whose
 * cycles may be in any of them; and remembers how many partitions that was, which is how many
 * cycle tasks answer a finalize.
 */
final class ToEveryPartition implements StreamPartitioner<String, CycleControl> {
  private volatile int partitions;

  @Override
  public Optional<Set<Integer>> partitions(String topic, String key, CycleControl value,
      int numPartitions) {
    partitions = numPartitions;
    return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
  }

  /**
   * The control topic's partitions as of the last record sent (1 before any was: read it right
   * after a send).
   */
  int partitions() {
    return Math.max(1, partitions);
  }
}
