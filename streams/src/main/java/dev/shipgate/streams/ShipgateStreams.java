package dev.shipgate.streams;

import dev.shipgate.schemas.registry.SchemaRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runnable shipgate Streams application: the {@link ShipgateTopology} under the given
 * configuration (build it with {@link StreamsConfigFactory}). The input and output topics of
 * {@link dev.shipgate.schemas.Topics} must exist before {@link #start()}.
 *
 * <p>An uncaught exception in a stream thread shuts the client down (a deterministic processing
 * bug would fail again on a replaced thread); {@link #failure()} then says why and
 * {@link #awaitRunning(Duration)} returns false.
 */
public final class ShipgateStreams implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ShipgateStreams.class);

  private final Topology topology;
  private final KafkaStreams streams;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final String applicationId;
  private final String bootstrapServers;
  private final String outputPrefix;
  private final Reanalysis reanalysis;
  private final OutputCounts outputCounts = new OutputCounts();
  private final Properties props;
  private volatile List<String> internalTopicsCreated = List.of();

  public ShipgateStreams(Properties streamsProps, SchemaRegistry registry) {
    this(streamsProps, registry, "");
  }

  /**
   * @param outputPrefix prefix of the output topic names: "" for the live outputs, another for a
   *     re-analysis that must not touch them
   */
  public ShipgateStreams(Properties streamsProps, SchemaRegistry registry, String outputPrefix) {
    this(streamsProps, registry, outputPrefix, Reanalysis.NONE);
  }

  /** @param reanalysis what a re-analysis judges differently ({@link Reanalysis#NONE}: live) */
  public ShipgateStreams(Properties streamsProps, SchemaRegistry registry, String outputPrefix,
      Reanalysis reanalysis) {
    Properties props = new Properties();
    props.putAll(streamsProps);
    StreamsConfigFactory.validate(props);
    this.props = props;
    FormatLocale.apply();
    this.applicationId = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG,
        String.valueOf(props.get(StreamsConfig.APPLICATION_ID_CONFIG)));
    this.bootstrapServers = String.valueOf(props.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
    this.outputPrefix = outputPrefix;
    this.reanalysis = reanalysis;
    this.topology = ShipgateTopology.topology(registry, applicationId, outputPrefix, reanalysis,
        outputCounts);
    this.streams = new KafkaStreams(topology, props);
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("stream thread failed, shutting shipgate-streams down: {}", e.toString(), e);
      failure.compareAndSet(null, e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setStateListener((now, before) ->
        LOG.info("shipgate-streams state {} -> {}", before, now));
  }

  /**
   * Starts processing: creates the internal topics that do not exist yet ({@link InternalTopics},
   * waiting at most {@link InternalTopics#TIMEOUT} for the broker; a new process on a fresh
   * application id, paired with the code before: 5.1 / 5.5 / 6.4 s to RUNNING against 6.0 / 6.8 /
   * 7.4 s), then returns at once.
   */
  public void start() {
    LOG.info("starting shipgate-streams\n{}", topology.describe());
    // RocksDB's native library (about 0.2 s to unpack and load) while the group is joined, not
    // when the first task opens its stores
    Thread rocks = new Thread(org.rocksdb.RocksDB::loadLibrary, "shipgate-rocksdb-load");
    rocks.setDaemon(true);
    rocks.start();
    try {
      List<String> created = InternalTopics.create(topology, props, ShipgateTopology.SOURCE_TOPICS);
      internalTopicsCreated = List.copyOf(created);
      if (!created.isEmpty()) {
        LOG.info("created {} internal topics: {}", created.size(), created);
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.warn("internal topics not created ahead ({}); Kafka Streams creates them", e.toString());
    }
    streams.start();
  }

  /**
   * Waits until the application is RUNNING.
   *
   * @return true when RUNNING; false on timeout or when it failed or stopped instead
   */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      KafkaStreams.State state = streams.state();
      if (state == KafkaStreams.State.RUNNING) {
        return true;
      }
      if (failure.get() != null || state == KafkaStreams.State.ERROR
          || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_ERROR
          || state == KafkaStreams.State.PENDING_SHUTDOWN) {
        return false;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 50));
    }
  }

  /** The internal topics {@link #start()} created ahead of Kafka Streams (none if all existed). */
  public List<String> internalTopicsCreated() {
    return internalTopicsCreated;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Why a stream thread failed, or null. */
  public Throwable failure() {
    return failure.get();
  }

  /** The underlying client, e.g. for interactive queries of the state stores. */
  public KafkaStreams kafkaStreams() {
    return streams;
  }

  public String applicationId() {
    return applicationId;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Prefix of the output topics ("" for the live outputs). */
  public String outputPrefix() {
    return outputPrefix;
  }

  /** Whether this application judges every campaign as run (not a re-analysis). */
  public boolean live() {
    return outputPrefix.isEmpty() && reanalysis.equals(Reanalysis.NONE);
  }

  /** Alerts and dead letters this instance has written since it started. */
  public OutputCounts outputCounts() {
    return outputCounts;
  }

  public Topology topology() {
    return topology;
  }

  /**
   * Stops processing and waits up to {@code timeout}; true when it stopped in time. The instance
   * leaves the consumer group, so the next instance (the next demo, a restart) is assigned the
   * partitions at once instead of waiting out this one's session timeout.
   */
  public boolean close(Duration timeout) {
    return streams.close(CloseOptions.timeout(timeout)
        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
