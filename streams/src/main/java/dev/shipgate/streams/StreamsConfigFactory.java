package dev.shipgate.streams;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;

/**
 * The Streams configuration of shipgate, in one place. Defaults: application id
 * {@value ShipgateTopology#DEFAULT_APPLICATION_ID}, exactly-once v2, a 500 ms commit interval (a
 * bound, a verdict or a soak verdict judged from live evidence is committed at once anyway,
 * {@link LiveCommits}; measured on the streams benchmark, 4 x 10^5 events, three pairs against
 * 100 ms: 1.16-1.41 times the throughput, median 1.26, and 0.6 times the changelog bytes, with the
 * same latencies), replication factor 1 for internal topics (the local single-broker stack; set
 * {@code replication.factor} for a real cluster), state under {@code java.io.tmpdir}, and static
 * group membership keyed by the application id and the state directory ({@link #instanceId}).
 *
 * <p>{@code max.task.idle.ms} stays at its default (0): a task takes its inputs' records in
 * timestamp order as far as they are fetched, so a cycle's writes, polls and fault events are
 * judged close together and its per-write state is dropped soon after. With -1 (process whatever
 * is buffered), measured on the streams benchmark (4 x 10^5 events): 10,227 events/s against
 * 17,015-19,044 with 0, three times the changelog bytes and a peak RSS of 629 MB against 482-486:
 * cycles stayed open while one topic ran ahead of another.
 *
 * <p>Error handling is explicit: inputs are consumed as raw bytes and decoded by the topology (a
 * bad record becomes a dead letter), so the deserialization handler only sees failures of the
 * String key deserializer, which cannot fail on bytes; it is set to log-and-fail so that a bug
 * there stops the application instead of dropping records. Processing errors also fail (the
 * topology refuses bad input before it reaches the processors). {@link ShipgateStreams} sets the
 * uncaught exception handler.
 */
public final class StreamsConfigFactory {
  private StreamsConfigFactory() {}

  public static final int DEFAULT_COMMIT_INTERVAL_MS = 500;
  public static final int DEFAULT_REPLICATION_FACTOR = 1;

  /**
   * {@code restore.consumer.fetch.max.wait.ms}. Kafka Streams restores a task's stores one task
   * after another, and with the consumer's default of 500 ms each task's check of its changelogs
   * waited up to 0.4 s for an answer even when they were empty (a fresh application, or state on
   * disk that is up to date): 0.1, 0.4 and 0.4 s for the three tasks of one start, in its INFO
   * log, the last task's wait adding to the time to RUNNING. A restore with records to read is not
   * slowed (a fetch returns once it has data); standby replicas, if configured, ask 20 times a
   * second instead of twice. Set only when the overrides name no {@code fetch.max.wait.ms} of
   * their own for the restore consumer (plain, {@code consumer.} or {@code restore.consumer.}).
   */
  static final int RESTORE_FETCH_MAX_WAIT_MS = 50;

  /** Defaults for {@code bootstrapServers}. */
  public static Properties create(String bootstrapServers) {
    return create(bootstrapServers, Map.of());
  }

  /**
   * Defaults for {@code bootstrapServers}, then {@code overrides} (any Streams, consumer or
   * producer key, e.g. {@code application.id}, {@code state.dir}, {@code replication.factor}).
   *
   * @throws ConfigException when a value is unusable (checked here, not at first poll)
   */
  public static Properties create(String bootstrapServers, Map<String, ?> overrides) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, ShipgateTopology.DEFAULT_APPLICATION_ID);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, DEFAULT_COMMIT_INTERVAL_MS);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, DEFAULT_REPLICATION_FACTOR);
    p.put(StreamsConfig.STATE_DIR_CONFIG,
        Path.of(System.getProperty("java.io.tmpdir"), "shipgate-streams").toString());
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndFailExceptionHandler.class.getName());
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndFailProcessingExceptionHandler.class.getName());
    p.putAll(overrides);
    String wait = ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG;
    String restoreWait = StreamsConfig.restoreConsumerPrefix(wait);
    if (!p.containsKey(wait) && !p.containsKey(StreamsConfig.consumerPrefix(wait))
        && !p.containsKey(restoreWait)) {
      p.put(restoreWait, RESTORE_FETCH_MAX_WAIT_MS);
    }
    String instanceKey = StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    if (!p.containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG) && !p.containsKey(instanceKey)) {
      p.put(instanceKey, instanceId(p.get(StreamsConfig.APPLICATION_ID_CONFIG),
          p.get(StreamsConfig.STATE_DIR_CONFIG)));
    }
    validate(p);
    return p;
  }

  /**
   * The static group membership id ({@code group.instance.id} of the main consumer; Streams adds
   * the thread index): the application id and a hash of the host name and the absolute state
   * directory (two containers may both use /state), so the same
   * application restarted on the same state takes its place in the group at once. With dynamic
   * membership, an instance that died without leaving the group (killed, or interrupted while
   * closing) made its successor wait out the session timeout: measured here, 49 s before a demo's
   * Streams reached RUNNING, against 3 s on a fresh broker.
   */
  static String instanceId(Object applicationId, Object stateDir) {
    // the host's name too: two containers (or machines) with the same state path are two members
    String dir = hostName() + ":"
        + Path.of(String.valueOf(stateDir)).toAbsolutePath().normalize();
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(dir.getBytes(StandardCharsets.UTF_8));
      return applicationId + "-" + HexFormat.of().formatHex(h, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The kernel's host name (no name lookup, which can stall on a host without DNS). */
  private static String hostName() {
    try {
      return java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (java.io.IOException | RuntimeException e) {
      String env = System.getenv("HOSTNAME");
      return env == null ? "" : env;
    }
  }

  /** Cross-field checks, with messages naming the key and value. */
  public static void validate(Properties p) {
    Object bootstrap = p.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
    if (bootstrap == null || bootstrap.toString().isBlank()) {
      throw new ConfigException(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          "bootstrap servers are required (host:port[,host:port])");
    }
    Object appId = p.get(StreamsConfig.APPLICATION_ID_CONFIG);
    if (appId == null || !appId.toString().matches("[A-Za-z0-9._-]+")) {
      throw new ConfigException(StreamsConfig.APPLICATION_ID_CONFIG, appId,
          "expected letters, digits, '.', '_' or '-'");
    }
    int replication = Integer.parseInt(
        p.get(StreamsConfig.REPLICATION_FACTOR_CONFIG).toString());
    if (replication < 1 && replication != -1) {
      throw new ConfigException(StreamsConfig.REPLICATION_FACTOR_CONFIG, replication,
          "expected >= 1 (or -1 for the broker default)");
    }
    long commit = Long.parseLong(p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG).toString());
    if (commit < 1) {
      throw new ConfigException(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commit,
          "expected a positive number of milliseconds");
    }
    new StreamsConfig(p);
  }
}
