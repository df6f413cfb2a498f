package dev.shipgate.cli;

import dev.shipgate.results.FaultBound;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code shipgate.fault-bounds} for one campaign in the background, so the progress line
 * can show the bound Streams last published for the running fault class ("live"). Shows nothing
 * when no Streams application is judging the campaign.
 */
final class LiveBounds implements Function<String, String>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LiveBounds.class);

  private final String campaignId;
  private final KafkaConsumer<String, FaultBound> consumer;
  private final Map<String, String> bounds = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  LiveBounds(Properties client, SchemaRegistry registry, String campaignId) {
    this.campaignId = campaignId;
    Properties p = new Properties();
    p.putAll(client);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.consumer = new KafkaConsumer<>(p, Topics.FAULT_BOUNDS.keySerde().deserializer(),
        Topics.FAULT_BOUNDS.valueSerde(registry).deserializer());
    this.thread = new Thread(this::follow, "shipgate-live-bounds");
    thread.setDaemon(true);
    thread.start();
  }

  private void follow() {
    try {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.FAULT_BOUNDS.name(),
          Duration.ofSeconds(10)).stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(partitions);
      // a campaign id is new when it runs: its bounds can only come after the current end
      consumer.seekToEnd(partitions);
      String prefix = campaignId + "/";
      while (running) {
        for (ConsumerRecord<String, FaultBound> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.key() != null && r.key().startsWith(prefix) && r.value() != null) {
            FaultBound b = r.value();
            bounds.put(b.getFault(), b.getBound() + " " + b.getVerdict());
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.warn("live bounds unavailable: {}", e.toString());
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  @Override
  public String apply(String fault) {
    return bounds.get(fault);
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
