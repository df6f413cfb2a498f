package dev.shipgate.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;

/**
 * A topology's internal topics, the changelog of every store and every repartition topic, named
 * and configured as Kafka Streams 4.4 creates them ({@code <application.id>-<store>-changelog}
 * compacted, {@code <application.id>-<name>-repartition} deleting, unbounded retention, 50 MB
 * segments; both with CreateTime stamps, then the {@code topic.}-prefixed settings of the
 * configuration), with as many partitions as the input topics; and the application's cycle
 * control topic ({@link ShipgateTopology#controlTopic}: compacted, so it keeps the judge's last
 * word of each campaign for each partition), which Kafka Streams does not create, being a source.
 *
 * <p>Created before Kafka Streams starts ({@link ShipgateStreams#start()}), in one request: Streams
 * itself creates them during its first rebalance and then waits for them one 100 ms retry at a
 * time (measured: 1.8-1.9 s for its twelve topics on the local broker, where one request makes them
 * all ready in about 0.13 s), and the repartition topic it creates there changes the subscription's
 * metadata, which costs a second rebalance. Topics that already exist are left as they are
 * (Streams checks their partitions when it starts). Every store of shipgate's topology is logged,
 * so every store has its changelog; {@code LiveQueriesIT} holds these topics to the ones
 * Streams creates itself.
 */
final class InternalTopics {
  /** How long {@link #create} waits for the broker before leaving the topics to Streams. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private InternalTopics() {}

  /** The internal topics of {@code topology} for {@code partitions} partitions. */
  static List<NewTopic> of(Topology topology, Properties props, int partitions) {
    String app = String.valueOf(props.get(StreamsConfig.APPLICATION_ID_CONFIG));
    Optional<Short> replication = replication(props);
    Map<String, String> defaults = new HashMap<>();
    // every value, not only the String ones (a caller may put an Integer)
    props.forEach((k, v) -> {
      String name = String.valueOf(k);
      if (name.startsWith(StreamsConfig.TOPIC_PREFIX) && v != null) {
        defaults.put(name.substring(StreamsConfig.TOPIC_PREFIX.length()), String.valueOf(v));
      }
    });
    Set<String> stores = new LinkedHashSet<>();
    Set<String> repartitions = new LinkedHashSet<>();
    for (TopologyDescription.Subtopology s : topology.describe().subtopologies()) {
      for (TopologyDescription.Node n : s.nodes()) {
        if (n instanceof TopologyDescription.Processor p) {
          stores.addAll(p.stores());
        } else if (n instanceof TopologyDescription.Sink sink && sink.topic() != null
            && sink.topic().endsWith("-repartition")) {
          repartitions.add(sink.topic());
        }
      }
    }
    List<NewTopic> topics = new ArrayList<>();
    for (String store : stores) {
      Map<String, String> configs = new HashMap<>();
      configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
      configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
      configs.putAll(defaults);
      topics.add(new NewTopic(app + "-" + store + "-changelog", Optional.of(partitions),
          replication).configs(configs));
    }
    Map<String, String> control = new HashMap<>();
    control.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
    control.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    control.putAll(defaults);
    topics.add(new NewTopic(ShipgateTopology.controlTopic(app), Optional.of(partitions),
        replication).configs(control));
    for (String name : repartitions) {
      Map<String, String> configs = new HashMap<>();
      configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
      configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
      configs.put(TopicConfig.SEGMENT_BYTES_CONFIG, "52428800");
      configs.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
      configs.putAll(defaults);
      topics.add(new NewTopic(app + "-" + name, Optional.of(partitions), replication)
          .configs(configs));
    }
    return topics;
  }

  /**
   * Creates the internal topics of {@code topology} that do not exist yet, sized as
   * {@code sources}; waits at most {@link #TIMEOUT}.
   *
   * @return the names created (empty when all existed)
   * @throws PartitionMismatch when the sources, or the control topic that exists, differ in
   *     partitions (a campaign's cycle tasks and its judge would not meet)
   * @throws Exception when the broker could not be asked or refused (Streams then creates the
   *     changelog and repartition topics)
   */
  static List<String> create(Topology topology, Properties props, List<String> sources)
      throws Exception {
    StreamsConfig config = new StreamsConfig(props);
    Map<String, Object> admin = new HashMap<>(config.getAdminConfigs(
        props.get(StreamsConfig.APPLICATION_ID_CONFIG) + "-internal-topics"));
    int timeout = (int) TIMEOUT.toMillis();
    admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
    admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    Admin client = Admin.create(admin);
    boolean answered = false;
    try {
      Map<String, TopicDescription> described = client.describeTopics(sources)
          .allTopicNames().get(left(deadline), TimeUnit.MILLISECONDS);
      int partitions = described.values().stream().mapToInt(d -> d.partitions().size()).max()
          .orElseThrow();
      String control = ShipgateTopology.controlTopic(String.valueOf(
          props.get(StreamsConfig.APPLICATION_ID_CONFIG)));
      Map<String, Integer> counts = new TreeMap<>();
      described.forEach((name, d) -> counts.put(name, d.partitions().size()));
      try {
        client.describeTopics(List.of(control)).allTopicNames()
            .get(left(deadline), TimeUnit.MILLISECONDS)
            .forEach((name, d) -> counts.put(name, d.partitions().size()));
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      if (counts.values().stream().distinct().count() > 1) {
        answered = true;
        throw new PartitionMismatch("the input topics and " + control + " must have as many"
            + " partitions each (a campaign's cycles and its judge meet by partition), but have "
            + counts);
      }
      List<NewTopic> topics = of(topology, props, partitions);
      Map<String, KafkaFuture<Void>> results = client.createTopics(topics).values();
      List<String> created = new ArrayList<>();
      for (Map.Entry<String, KafkaFuture<Void>> r : results.entrySet()) {
        try {
          r.getValue().get(left(deadline), TimeUnit.MILLISECONDS);
          created.add(r.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      if (created.contains(control)) {
        awaitLeaders(client, control, partitions, deadline);
      }
      answered = true;
      return created;
    } finally {
      // interrupted (the instance closed before it started) or the broker silent: nothing to wait
      // for, so the client's calls are dropped at once, not left to their 10 s timeouts
      client.close(answered ? Duration.ofMillis(left(deadline)) : Duration.ZERO);
    }
  }

  /**
   * Waits until the broker describes {@code topic} with a leader for each of its partitions: a
   * source topic the group leader's metadata does not show yet at the first rebalance stops
   * Kafka Streams ({@code MissingSourceTopicException}), and Streams creates only its internal
   * topics itself, not the control topic.
   */
  private static void awaitLeaders(Admin client, String topic, int partitions, long deadline)
      throws Exception {
    while (true) {
      try {
        TopicDescription d = client.describeTopics(List.of(topic)).allTopicNames()
            .get(left(deadline), TimeUnit.MILLISECONDS).get(topic);
        if (d.partitions().size() == partitions
            && d.partitions().stream().allMatch(p -> p.leader() != null)) {
          return;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new java.util.concurrent.TimeoutException(topic + " created but not described");
      }
      Thread.sleep(20);
    }
  }

  /** The topics a topology reads differ in partitions: Streams is not started. */
  static final class PartitionMismatch extends IllegalStateException {
    PartitionMismatch(String message) {
      super(message);
    }
  }

  private static long left(long deadline) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }

  /** {@code replication.factor}: -1 (or unset) leaves it to the broker. */
  private static Optional<Short> replication(Properties props) {
    Object v = props.get(StreamsConfig.REPLICATION_FACTOR_CONFIG);
    if (v == null) {
      return Optional.empty();
    }
    short rf = Short.parseShort(v.toString());
    return rf == -1 ? Optional.empty() : Optional.of(rf);
  }
}
