package dev.shipgate.cli;

import dev.shipgate.streams.ShipgateTopology;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells when a Streams application has processed everything on its source topics: its committed
 * offsets (exactly once: committed with its outputs) have reached the topics' end offsets, twice
 * in a row, so that records it produced to topics it reads back have been processed too.
 */
final class StreamsProgress {
  private StreamsProgress() {}

  /**
   * Waits for the shipgate Streams application {@code groupId} on all its source topics: the
   * inputs, and the topics between its stages (the cycle tasks' reports, the judge's word).
   */
  static void awaitCaughtUp(Properties client, String groupId, Duration timeout)
      throws InterruptedException {
    java.util.List<String> topics = new java.util.ArrayList<>(ShipgateTopology.SOURCE_TOPICS);
    topics.addAll(ShipgateTopology.stageTopics(groupId));
    awaitCaughtUp(client, groupId, topics, ShipgateTopology.stageTopics(groupId), timeout);
  }

  /**
   * @param topics the application's source topics
   * @param transactional those of them written by transactional producers (Streams outputs read
   *     back): their end offset includes a commit marker no consumer ever sees
   */
  private static void awaitCaughtUp(Properties client, String groupId, Collection<String> topics,
      Collection<String> transactional, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int quiet = 0;
    try (Admin admin = Admin.create(client)) {
      while (quiet < 2) {
        if (System.nanoTime() > deadline) {
          throw new ShipgateException("streams application " + groupId
              + " did not catch up with " + topics + " within " + timeout.toSeconds() + " s");
        }
        quiet = lag(admin, groupId, topics, transactional) == 0 ? quiet + 1 : 0;
        Thread.sleep(300);
      }
    } catch (ExecutionException e) {
      throw new ShipgateException("cannot read the progress of " + groupId + ": "
          + Main.describe(e), e);
    }
  }

  private static long lag(Admin admin, String groupId, Collection<String> topics,
      Collection<String> transactional) throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    admin.describeTopics(topics).allTopicNames().get().forEach((name, d) -> d.partitions()
        .forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
    Map<TopicPartition, Long> end = admin.listOffsets(latest).all().get().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
    long lag = 0;
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      long position = c == null ? 0 : c.offset();
      long behind = e.getValue() - position;
      // a transactional partition ends with a commit marker: one offset behind is caught up
      long slack = transactional.contains(e.getKey().topic()) && c != null ? 1 : 0;
      if (behind > slack) {
        lag += behind;
      }
    }
    return lag;
  }
}
