package dev.shipgate.cli.alerts;

import dev.shipgate.cli.ShipgateException;
import dev.shipgate.results.Alert;
import dev.shipgate.schemas.AlertIds;
import dev.shipgate.schemas.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The webhook's consumer loop: reads {@code shipgate.alerts} in a consumer group (read_committed,
 * no auto-commit), hands each alert that passes the filter to {@link WebhookDelivery} and commits
 * a partition's offset only past alerts that are finished: delivered (2xx), permanently refused,
 * filtered out or undecodable. The group's committed offsets are the queue: nothing is held in
 * memory beyond one poll (a few records), and a restart, after a crash too, resends at most what
 * was not committed (the alert in flight); the receiver drops repeats by {@code Idempotency-Key}.
 *
 * <p>While an alert is retried, every partition is paused and the consumer keeps polling, so the
 * member stays in its group however long the server is down; if a rebalance takes the alert's
 * partition away, the delivery is given up (the new owner sends it).
 */
final class AlertWebhook {
  private static final Duration POLL = Duration.ofMillis(300);
  private static final Duration KEEP_ALIVE = Duration.ofMillis(100);
  private static final Duration METADATA = Duration.ofSeconds(15);

  /** What one run did. */
  record Summary(long sent, long retries, long refused, long undecodable, long filtered) {
    String line() {
      return "webhook: sent " + sent + ", retries " + retries + ", refused " + refused
          + (undecodable > 0 ? ", undecodable " + undecodable : "");
    }
  }

  private final Properties props;
  private final AlertDecoder decoder;
  private final AlertFilter filter;
  private final WebhookDelivery delivery;
  private final Duration maxBackoff;
  private final RandomGenerator random;
  private final boolean once;
  private final StopSignal stop;
  private final Consumer<String> out;

  private final Deque<ConsumerRecord<String, byte[]>> pending = new ArrayDeque<>();
  private final Set<TopicPartition> owned = new HashSet<>();
  /** Per partition: the offset after the last finished record, not committed yet. */
  private final Map<TopicPartition, Long> finished = new HashMap<>();
  private KafkaConsumer<String, byte[]> consumer;
  private boolean joined;
  private volatile boolean started;
  private boolean inMainPoll;
  private TopicPartition current;
  private boolean currentRevoked;
  private long sent;
  private long retries;
  private long refused;
  private long undecodable;
  private long filtered;

  /**
   * @param clientProps bootstrap servers, client config and {@code group.id}
   * @param once stop at the end offsets seen at the start
   * @param out progress lines
   */
  AlertWebhook(Properties clientProps, AlertDecoder decoder, AlertFilter filter,
      WebhookDelivery delivery, Duration maxBackoff, RandomGenerator random, boolean once,
      StopSignal stop, Consumer<String> out) {
    this.props = new Properties();
    this.props.putAll(clientProps);
    Objects.requireNonNull(props.getProperty(ConsumerConfig.GROUP_ID_CONFIG), "group.id");
    // what the delivery guarantee rests on: forced
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // a few records per poll: what a crash can make us resend is what was polled, not committed
    props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10");
    // a group with no committed offset starts at the oldest retained alert: none is skipped
    props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // a member that died (SIGKILL) holds its partitions until its session expires: keep it short
    props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "200");
    this.decoder = decoder;
    this.filter = filter;
    this.delivery = delivery;
    this.maxBackoff = maxBackoff;
    this.random = random;
    this.once = once;
    this.stop = stop;
    this.out = out;
  }

  /** Whether the topic was found and consuming began (a summary means something). */
  boolean started() {
    return started;
  }

  Summary summary() {
    return new Summary(sent, retries, refused, undecodable, filtered);
  }

  /** Runs until stopped (or, with {@code once}, caught up); commits what is finished on the way out. */
  Summary run(String startLine) {
    String topic = Topics.ALERTS.name();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      consumer = c;
      List<PartitionInfo> infos = c.partitionsFor(topic, METADATA);
      if (infos == null || infos.isEmpty()) {
        throw new ShipgateException("topic " + topic + " does not exist (run `shipgate topics"
            + " create`)");
      }
      List<TopicPartition> all = infos.stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      Map<TopicPartition, Long> endAtStart = once ? c.endOffsets(all, METADATA) : Map.of();
      out.accept(startLine + " (" + all.size() + " partitions"
          + (once ? ", until the end offsets seen now: " + total(endAtStart) + " records" : "")
          + ")");
      c.subscribe(List.of(topic), new Listener());
      started = true;
      while (!stop.stopping()) {
        if (once && joined && pending.isEmpty() && caughtUp(endAtStart)) {
          break;
        }
        c.resume(c.assignment());
        inMainPoll = true;
        try {
          c.poll(POLL).forEach(pending::add);
        } finally {
          inMainPoll = false;
        }
        c.pause(c.assignment());
        ConsumerRecord<String, byte[]> r;
        while (!stop.stopping() && (r = pending.poll()) != null) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (owned.contains(tp)) {
            handle(r, tp);
          }
        }
        commitFinished();
      }
      commitFinished();
    }
    return summary();
  }

  private static long total(Map<TopicPartition, Long> ends) {
    return ends.values().stream().mapToLong(Long::longValue).sum();
  }

  private boolean caughtUp(Map<TopicPartition, Long> endAtStart) {
    for (TopicPartition tp : consumer.assignment()) {
      if (consumer.position(tp, METADATA) < endAtStart.getOrDefault(tp, 0L)) {
        return false;
      }
    }
    return true;
  }

  private void handle(ConsumerRecord<String, byte[]> r, TopicPartition tp) {
    current = tp;
    currentRevoked = false;
    try {
      AlertDecoder.Decoded d = decoder.decode(r);
      Backoff registryWait = null;
      while (d.registryUnavailable()) {
        registryWait = registryWait == null ? new Backoff(maxBackoff, random) : registryWait;
        Duration wait = registryWait.next(null);
        out.accept("registry unavailable for " + AlertDecoder.where(r) + ": " + d.problem()
            + "; retrying in " + wait.toMillis() + " ms");
        if (!pause(wait)) {
          return;
        }
        d = decoder.decode(r);
      }
      if (d.alert() == null) {
        undecodable++;
        out.accept("undecodable " + AlertDecoder.where(r) + ": " + d.problem() + "; skipped");
        finish(tp, r.offset());
        commitFinished();
        return;
      }
      Alert alert = AlertIds.identified(d.alert());
      if (!filter.accepts(alert)) {
        filtered++;
        finish(tp, r.offset());
        return;
      }
      WebhookDelivery.Result result = delivery.deliver(alert, this::pause);
      retries += result.retries();
      switch (result.outcome()) {
        case SENT -> sent++;
        case REFUSED -> refused++;
        case ABANDONED -> {
          return;
        }
        default -> throw new IllegalStateException();
      }
      finish(tp, r.offset());
      commitFinished();
    } finally {
      current = null;
    }
  }

  private void finish(TopicPartition tp, long offset) {
    finished.merge(tp, offset + 1, Math::max);
  }

  /**
   * Waits {@code d} while the member stays in its group (every partition paused, so the polls
   * return nothing); false when the alert in hand must be given up: stopping, or a rebalance
   * took its partition.
   */
  private boolean pause(Duration d) {
    long deadline = System.nanoTime() + d.toNanos();
    while (true) {
      if (stop.stopping() || currentRevoked) {
        return false;
      }
      consumer.poll(Duration.ZERO).forEach(pending::add);
      if (currentRevoked) {
        return false;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return !stop.stopping();
      }
      try {
        Thread.sleep(Math.max(1, Math.min(KEEP_ALIVE.toMillis(), left / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /** Commits the finished offsets of the partitions this member owns; a failure waits for the next. */
  private void commitFinished() {
    commit(finished.keySet().stream().filter(owned::contains).collect(Collectors.toSet()));
  }

  private void commit(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      Long next = finished.get(tp);
      if (next != null) {
        offsets.put(tp, new OffsetAndMetadata(next));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets, METADATA);
      offsets.keySet().forEach(finished::remove);
    } catch (CommitFailedException | RebalanceInProgressException
        | RetriableCommitFailedException | TimeoutException e) {
      out.accept("commit of " + describe(offsets.keySet()) + " not done yet ("
          + AlertLine.clean(e.getMessage()) + "): retried with the next one");
    }
  }

  private static String describe(Collection<TopicPartition> tps) {
    return tps.isEmpty() ? "none" : tps.iterator().next().topic() + "-" + tps.stream()
        .map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new)).stream()
        .map(String::valueOf).collect(Collectors.joining(","));
  }

  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // the eager protocol revokes everything at each rebalance: hand over what is finished
      commit(partitions.stream().filter(owned::contains).toList());
      forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      joined = true;
      owned.addAll(partitions);
      if (!inMainPoll) {
        // assigned while an alert is retried: held until the main loop polls again
        consumer.pause(partitions);
      }
      if (!partitions.isEmpty()) {
        out.accept("webhook: assigned " + describe(partitions));
      }
    }

    private void forget(Collection<TopicPartition> partitions) {
      owned.removeAll(partitions);
      partitions.forEach(finished::remove);
      pending.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
      if (current != null && partitions.contains(current)) {
        currentRevoked = true;
      }
    }
  }
}
