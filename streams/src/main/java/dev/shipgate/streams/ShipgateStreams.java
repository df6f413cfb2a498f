package dev.shipgate.streams;

import dev.shipgate.schemas.registry.SchemaRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * {@link dev.shipgate.schemas.Topics} must exist before it is built: its internal topics are sized
 * to the inputs and created while the client is built (the constructor asks the broker on a thread
 * of its own, {@link #start()} waits for the answer; an input missing then leaves them to Kafka
 * Streams, which creates them more slowly). An instance closed without being started drops that
 * request.
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
  /** The internal topics being created while the client is built; joined by {@link #start()}. */
  private final CompletableFuture<List<String>> internalTopicsAhead = new CompletableFuture<>();
  private final Thread internalTopicsThread;
  private volatile boolean started;

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
    // the internal topics are asked for while the client is built (about 1.3 s of this
    // constructor), not after it: start() waits for the answer
    this.internalTopicsThread = new Thread(this::createInternalTopics, "shipgate-internal-topics");
    internalTopicsThread.setDaemon(true);
    internalTopicsThread.start();
    this.streams = new KafkaStreams(topology, props);
    streams.setUncaughtExceptionHandler(e -> {
      if (missingSourceTopic(e) && missingTopicRetries.incrementAndGet() <= MISSING_TOPIC_RETRIES) {
        // the control topic created just before the start, not yet in the metadata the group
        // leader's assignment read (seen with a broker of three down): the thread rejoins
        LOG.warn("a source topic is not in the metadata yet ({}); replacing the stream thread"
            + " (retry {} of {})", e.toString(), missingTopicRetries.get(),
            MISSING_TOPIC_RETRIES);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
      }
      LOG.error("stream thread failed, shutting shipgate-streams down: {}", e.toString(), e);
      failure.compareAndSet(null, e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setStateListener((now, before) ->
        LOG.info("shipgate-streams state {} -> {}", before, now));
  }

  /** How many times a stream thread is replaced when a source topic is missing from metadata. */
  static final int MISSING_TOPIC_RETRIES = 20;

  private final java.util.concurrent.atomic.AtomicInteger missingTopicRetries =
      new java.util.concurrent.atomic.AtomicInteger();

  private static boolean missingSourceTopic(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.kafka.streams.errors.MissingSourceTopicException) {
        return true;
      }
    }
    return false;
  }

  /** On {@link #internalTopicsThread}: {@link InternalTopics#create}, its answer for start(). */
  private void createInternalTopics() {
    try {
      internalTopicsAhead.complete(InternalTopics.create(topology, props,
          ShipgateTopology.SOURCE_TOPICS));
    } catch (Throwable e) {
      internalTopicsAhead.completeExceptionally(e);
    }
  }

  /**
   * Starts processing once the internal topics that did not exist are created
   * ({@link InternalTopics}, asked for by the constructor, waiting at most
   * {@link InternalTopics#TIMEOUT} for the broker; if it cannot, Kafka Streams creates them), then
   * returns at once. Measured on a new process with a fresh application id, paired with the code
   * before each change: creating the topics ahead, 5.1 / 5.5 / 6.4 s to RUNNING against 6.0 / 6.8 /
   * 7.4 s; creating them while the client is built, see the README's "streams" section.
   */
  public void start() {
    started = true;
    LOG.info("starting shipgate-streams\n{}", topology.describe());
    // RocksDB's native library (about 0.2 s to unpack and load) while the group is joined, not
    // when the first task opens its stores
    Thread rocks = new Thread(org.rocksdb.RocksDB::loadLibrary, "shipgate-rocksdb-load");
    rocks.setDaemon(true);
    rocks.start();
    try {
      List<String> created = internalTopicsAhead.get(InternalTopics.TIMEOUT.toMillis() + 2000,
          TimeUnit.MILLISECONDS);
      internalTopicsCreated = List.copyOf(created);
      if (!created.isEmpty()) {
        LOG.info("created {} internal topics: {}", created.size(), created);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("internal topics not created ahead (interrupted); Kafka Streams creates them");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof InternalTopics.PartitionMismatch refused) {
        throw refused;
      }
      LOG.warn("internal topics not created ahead ({}); Kafka Streams creates them",
          e.getCause().toString());
    } catch (TimeoutException e) {
      LOG.warn("internal topics not created ahead (no answer from the broker in {} s); Kafka"
          + " Streams creates them", InternalTopics.TIMEOUT.toSeconds());
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
    if (!started) {
      // never started: its internal topics are not needed (a broker that does not answer would
      // keep that thread waiting up to InternalTopics.TIMEOUT)
      internalTopicsThread.interrupt();
    }
    return streams.close(CloseOptions.timeout(timeout)
        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
