package dev.shipgate.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.DeadLetter;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.VisibilitySummary;
import dev.shipgate.schemas.CampaignIds;
import dev.shipgate.schemas.DeadLetters;
import dev.shipgate.schemas.SeedJson;
import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes Streams' result topics (phase verdicts, campaign verdicts, fault bounds, cycle
 * convergence) and the driver's fault events ({@link Topics#FAULTS}: the proof that each fault
 * took effect, or why it could not be applied) and keeps {@code runs/<campaign-id>/} in step with
 * them through {@link RunArtifactsWriter}.
 *
 * <p>The sink reads every partition of the five topics itself ({@code assign}, not a consumer
 * group's share): one campaign's records are spread over keys that hash to different partitions,
 * and its artifacts need all of them. On start it replays the compacted topics from the beginning
 * to rebuild the latest record per key, and writes nothing until it has caught up with the end
 * offsets seen at start, so a restart never writes a half-built run. Afterwards each poll batch
 * rewrites every campaign it touched, once. The result topics are compacted tables (latest record
 * per key, a null value is a tombstone); the faults topic is an event log, so every fault event is
 * kept, once per {@code event_id} (a re-delivered event changes nothing). Offsets are committed under the group id (default
 * {@value #DEFAULT_GROUP_ID}) after the batch's files are written and its dead letters are
 * acknowledged; they show the sink's progress, and the state is always rebuilt from the start.
 *
 * <p>Records are read as bytes with {@code isolation.level=read_committed} (Streams writes the
 * result topics exactly once; the driver's idempotent, non-transactional fault events are
 * visible as soon as they are acknowledged) and decoded here, so a record that cannot be used (undecodable bytes, an invalid
 * campaign id, a key that does not belong to the value's campaign, a name that cannot be a file
 * name, unreadable JSON, a fault event without a value, an event id or a phase of 2 or 4) goes to {@link Topics#DEAD_LETTERS} with its original bytes and a
 * one-line reason, and is logged; it is never dropped silently.
 *
 * <p>Threading: {@link #run()} and {@link #runUntil} run on the caller's thread; {@link #close()}
 * may be called from any thread and stops a running loop.
 */
public final class ArtifactSink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ArtifactSink.class);

  public static final String DEFAULT_GROUP_ID = "shipgate-sink";
  /** The {@code component} of the sink's dead letters. */
  public static final String COMPONENT = "shipgate-sink";

  /** The topics the sink consumes. */
  public static final List<Topic<String, ? extends SpecificRecord>> INPUTS = List.of(
      Topics.PHASE_VERDICTS, Topics.CAMPAIGN_VERDICTS, Topics.FAULT_BOUNDS,
      Topics.CYCLE_CONVERGENCE, Topics.VISIBILITY, Topics.FAULTS);

  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration TOPIC_WAIT = Duration.ofSeconds(1);
  /** Empty polls (of {@link #POLL}) after which the start-up replay is taken as complete. */
  private static final int MAX_IDLE_POLLS_BEFORE_CAUGHT_UP = 50;

  private final Consumer<byte[], byte[]> consumer;
  private final Producer<String, DeadLetter> deadLetters;
  private final RunArtifactsWriter writer;
  private final Map<String, Deserializer<? extends SpecificRecord>> deserializers = new HashMap<>();
  private final LatestRecords latest = new LatestRecords();
  private final Set<String> dirty = new LinkedHashSet<>();
  private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
  private final ReentrantLock loop = new ReentrantLock();
  private volatile boolean closed;
  private boolean started;
  private boolean caughtUp;
  private boolean indexDirty;
  private Map<TopicPartition, Long> startEnd = Map.of();
  private long deadLettered;
  private int idlePolls;
  private final Duration rewriteInterval;
  private final Map<String, Long> lastWritten = new HashMap<>();
  private long lastIndexWritten;
  private long runWrites;
  private long indexWrites;

  /** How often a run's files are rewritten at most, by default. */
  public static final Duration DEFAULT_REWRITE_INTERVAL = Duration.ofSeconds(2);

  /**
   * @param props Kafka client settings ({@code bootstrap.servers}, security, {@code group.id},
   *     ...); consumer and producer each take the keys they know. The sink forces
   *     {@code isolation.level=read_committed}, {@code enable.auto.commit=false} and byte-array
   *     deserializers, and defaults {@code group.id} to {@value #DEFAULT_GROUP_ID} and
   *     {@code auto.offset.reset} to {@code earliest}.
   * @param registry the schema registry the result records were written with
   * @param runsDir the {@code runs/} directory
   */
  public ArtifactSink(Properties props, SchemaRegistry registry, Path runsDir) {
    this(props, registry, runsDir, DEFAULT_REWRITE_INTERVAL);
  }

  /**
   * @param rewriteInterval a run's files (and the runs index) are rewritten at most this often:
   *     a run is written at once when it first changes, then its later changes are gathered
   *     until the interval has passed since its last write
   */
  public ArtifactSink(Properties props, SchemaRegistry registry, Path runsDir,
      Duration rewriteInterval) {
    this(new KafkaConsumer<>(consumerConfig(props), new ByteArrayDeserializer(),
            new ByteArrayDeserializer()),
        new KafkaProducer<>(producerConfig(props), Topics.DEAD_LETTERS.keySerde().serializer(),
            Topics.DEAD_LETTERS.valueSerde(registry).serializer()),
        registry, new RunArtifactsWriter(runsDir), rewriteInterval);
  }

  ArtifactSink(Consumer<byte[], byte[]> consumer, Producer<String, DeadLetter> deadLetters,
      SchemaRegistry registry, RunArtifactsWriter writer, Duration rewriteInterval) {
    if (rewriteInterval.isNegative()) {
      throw new IllegalArgumentException("rewrite interval must not be negative, got "
          + rewriteInterval);
    }
    this.rewriteInterval = rewriteInterval;
    this.consumer = consumer;
    this.deadLetters = deadLetters;
    this.writer = writer;
    for (Topic<String, ? extends SpecificRecord> topic : INPUTS) {
      deserializers.put(topic.name(), topic.valueSerde(registry).deserializer());
    }
  }

  /** The consumer's settings derived from {@code props} (see the constructor). */
  public static Properties consumerConfig(Properties props) {
    Properties c = filter(props, ConsumerConfig.configNames());
    c.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, DEFAULT_GROUP_ID);
    c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
    c.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
    return c;
  }

  /** The dead-letter producer's settings derived from {@code props}. */
  public static Properties producerConfig(Properties props) {
    Properties p = filter(props, ProducerConfig.configNames());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
    p.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
    p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    return p;
  }

  private static Properties filter(Properties props, Set<String> known) {
    Properties out = new Properties();
    for (String name : props.stringPropertyNames()) {
      if (known.contains(name)) {
        out.put(name, props.getProperty(name));
      }
    }
    return out;
  }

  /**
   * Runs until some campaign's verdict satisfies {@code done} and that campaign's files are
   * written, or until {@code timeout}.
   *
   * @return the verdict that satisfied {@code done}, or empty on timeout or {@link #close()}
   * @throws IOException when the dead-letter topic cannot be written
   */
  public Optional<CampaignVerdict> runUntil(Predicate<CampaignVerdict> done, Duration timeout)
      throws IOException {
    Instant deadline = Instant.now().plus(timeout);
    loop.lock();
    try {
      while (!closed) {
        if (caughtUp) {
          for (String campaign : latest.campaigns()) {
            CampaignVerdict v = latest.verdict(campaign);
            if (v != null && !dirty.contains(campaign) && done.test(v)) {
              return Optional.of(v);
            }
          }
        }
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
          return Optional.empty();
        }
        pollOnce(left.compareTo(POLL) < 0 ? left : POLL);
      }
      return Optional.empty();
    } catch (WakeupException e) {
      return Optional.empty();
    } finally {
      loop.unlock();
    }
  }

  /**
   * Runs until {@link #close()}.
   *
   * @throws IOException when the dead-letter topic cannot be written
   */
  public void run() throws IOException {
    loop.lock();
    try {
      while (!closed) {
        pollOnce(POLL);
      }
    } catch (WakeupException e) {
      if (!closed) {
        throw e;
      }
    } finally {
      loop.unlock();
    }
  }

  /** Records sent to the dead-letter topic since start. */
  public long deadLettered() {
    return deadLettered;
  }

  /** Stops a running loop (from any thread), then closes the Kafka clients. */
  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    loop.lock();
    try {
      consumer.close();
      deadLetters.close();
      LOG.info("artifact sink closed ({} dead letters sent)", deadLettered);
    } finally {
      loop.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private void pollOnce(Duration timeout) throws IOException {
    if (!started && !start()) {
      return;
    }
    ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      accept(record, sent);
      uncommitted.put(new TopicPartition(record.topic(), record.partition()),
          new OffsetAndMetadata(record.offset() + 1));
    }
    awaitDeadLetters(sent);
    if (!caughtUp) {
      idlePolls = records.isEmpty() ? idlePolls + 1 : 0;
      caughtUp = reachedStartEnd();
      if (!caughtUp && idlePolls >= MAX_IDLE_POLLS_BEFORE_CAUGHT_UP) {
        LOG.warn("positions stay below the end offsets seen at start ({}); writing anyway",
            startEnd);
        caughtUp = true;
      }
      if (!caughtUp) {
        return;
      }
      LOG.info("artifact sink caught up: {} campaign(s) in the result topics",
          latest.campaigns().size());
    }
    if (writeDirty()) {
      commit();
    }
  }

  /** Assigns every partition of the input topics and seeks to their beginning. */
  private boolean start() {
    List<TopicPartition> partitions = new ArrayList<>();
    for (Topic<String, ? extends SpecificRecord> topic : INPUTS) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic.name());
      if (infos == null || infos.isEmpty()) {
        LOG.info("waiting for topic {} to exist", topic.name());
        sleep(TOPIC_WAIT);
        return false;
      }
      infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    startEnd = consumer.endOffsets(partitions);
    started = true;
    LOG.info("artifact sink reading {} partitions of {} from the beginning", partitions.size(),
        INPUTS);
    return true;
  }

  private boolean reachedStartEnd() {
    for (Map.Entry<TopicPartition, Long> e : startEnd.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void accept(ConsumerRecord<byte[], byte[]> record, List<Future<RecordMetadata>> sent) {
    String topic = record.topic();
    if (record.key() == null) {
      sent.add(deadLetter(record, null, "record has no key"));
      return;
    }
    String key = new String(record.key(), StandardCharsets.UTF_8);
    if (record.value() == null) {
      if (topic.equals(Topics.FAULTS.name())) {
        sent.add(deadLetter(record, null,
            "fault event has no value (" + topic + " is an event log, not a compacted topic)"));
        return;
      }
      String campaign = latest.remove(topic, key);
      if (campaign != null) {
        markDirty(campaign);
      }
      return;
    }
    SpecificRecord value;
    try {
      value = deserializers.get(topic).deserialize(topic, record.value());
    } catch (RuntimeException e) {
      sent.add(deadLetter(record, null, oneLine(e.getMessage())));
      return;
    }
    String campaign = campaignId(value);
    String problem = problem(key, campaign, value);
    if (problem != null) {
      sent.add(deadLetter(record, CampaignIds.isValid(campaign) ? campaign : null, problem));
      return;
    }
    if (value instanceof FaultEvent fault) {
      if (latest.addFault(fault)) {
        markDirty(campaign);
      } else {
        LOG.debug("fault event {} of {} already kept; duplicate ignored", fault.getEventId(),
            campaign);
      }
      return;
    }
    latest.put(topic, key, campaign, value);
    markDirty(campaign);
  }

  private void markDirty(String campaign) {
    dirty.add(campaign);
    indexDirty = true;
  }

  private static String campaignId(SpecificRecord value) {
    if (value instanceof PhaseVerdict p) {
      return p.getCampaignId();
    } else if (value instanceof CampaignVerdict v) {
      return v.getCampaignId();
    } else if (value instanceof FaultBound b) {
      return b.getCampaignId();
    } else if (value instanceof CycleConvergence c) {
      return c.getCampaignId();
    } else if (value instanceof VisibilitySummary v) {
      return v.getCampaignId();
    } else if (value instanceof FaultEvent f) {
      return f.getCampaignId();
    }
    return null;
  }

  /** Why the sink cannot use {@code value}, in one line, or null when it can. */
  static String problem(String key, String campaign, SpecificRecord value) {
    if (!CampaignIds.isValid(campaign)) {
      return CampaignIds.problem(campaign);
    }
    if (!key.equals(campaign) && !key.startsWith(campaign + "/")) {
      return "key '" + oneLine(key) + "' does not belong to campaign_id '" + campaign + "'";
    }
    if (value instanceof PhaseVerdict p) {
      if (p.getPhase() < 1 || p.getPhase() > 4) {
        return "phase " + p.getPhase() + " is not a phase (expected 1-4)";
      }
      if (p.getNode() != null && !FileNames.isSafe(p.getNode())) {
        return FileNames.problem("node", p.getNode());
      }
      return jsonProblem("details_json", p.getDetailsJson());
    } else if (value instanceof CampaignVerdict v) {
      return jsonProblem("summary_json", v.getSummaryJson());
    } else if (value instanceof FaultBound b) {
      return FileNames.isSafe(b.getFault()) ? null : FileNames.problem("fault", b.getFault());
    } else if (value instanceof CycleConvergence c) {
      return FileNames.isSafe(c.getFault()) ? null : FileNames.problem("fault", c.getFault());
    } else if (value instanceof VisibilitySummary v) {
      return FileNames.isSafe(v.getFault()) ? null : FileNames.problem("fault", v.getFault());
    } else if (value instanceof FaultEvent f) {
      if (f.getEventId() == null || f.getEventId().isBlank()) {
        return "fault event has no event_id";
      }
      if (f.getPhase() != 2 && f.getPhase() != 4) {
        return "fault event phase " + f.getPhase() + " is not a fault phase (expected 2 or 4)";
      }
    }
    return null;
  }

  private static String jsonProblem(String field, String json) {
    if (json == null) {
      return null;
    }
    try {
      JsonNode node = SeedJson.parse(json);
      return node.isObject() ? null : field + " is not a JSON object";
    } catch (IllegalArgumentException e) {
      return field + " is not valid JSON: " + oneLine(e.getMessage());
    }
  }

  private Future<RecordMetadata> deadLetter(ConsumerRecord<byte[], byte[]> record,
      String campaign, String reason) {
    DeadLetter letter = DeadLetters.withValue(DeadLetter.newBuilder(), record.value())
        .setSourceTopic(record.topic())
        .setPartition(record.partition())
        .setOffset(record.offset())
        .setCampaignId(campaign)
        .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
        .setReason(reason)
        .setComponent(COMPONENT)
        .setEventTime(Instant.now())
        .build();
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    LOG.warn("dead letter: {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
        reason);
    deadLettered++;
    return deadLetters.send(new ProducerRecord<>(Topics.DEAD_LETTERS.name(), key, letter));
  }

  private void awaitDeadLetters(List<Future<RecordMetadata>> sent) throws IOException {
    if (sent.isEmpty()) {
      return;
    }
    deadLetters.flush();
    for (Future<RecordMetadata> f : sent) {
      try {
        f.get();
      } catch (ExecutionException e) {
        throw new IOException("cannot write to " + Topics.DEAD_LETTERS.name() + ": "
            + e.getCause(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while writing to " + Topics.DEAD_LETTERS.name(), e);
      }
    }
  }

  /**
   * Writes every dirty campaign whose last write is at least the rewrite interval old, then the
   * index likewise; true when nothing is left to write (so the offsets read so far may be
   * committed: every record they cover is on disk).
   */
  private boolean writeDirty() {
    long now = System.nanoTime();
    long interval = rewriteInterval.toNanos();
    boolean failed = false;
    for (String campaign : new ArrayList<>(dirty)) {
      Long last = lastWritten.get(campaign);
      if (last != null && now - last < interval) {
        continue;
      }
      try {
        // a restart replays every record: a run whose records did not change is not rendered
        WriteReport report = writer.writeRunIfChanged(latest.runRecords(campaign));
        if (!report.written().isEmpty()) {
          runWrites++;
        }
        lastWritten.put(campaign, now);
        dirty.remove(campaign);
      } catch (IOException | RuntimeException e) {
        failed = true;
        LOG.error("run {}: artifacts not written, will retry: {}", campaign, e.toString());
      }
    }
    if (indexDirty && (lastIndexWritten == 0 || now - lastIndexWritten >= interval)) {
      try {
        writer.writeRunsIndex();
        indexWrites++;
        lastIndexWritten = now;
        indexDirty = false;
      } catch (IOException | RuntimeException e) {
        failed = true;
        LOG.error("runs index not written, will retry: {}", e.toString());
      }
    }
    return !failed && dirty.isEmpty() && !indexDirty;
  }

  /** Runs whose files were (re)written since start (a run rendered to the same bytes counts not). */
  public long runWrites() {
    return runWrites;
  }

  /** Times {@code runs/index.html} was written since start. */
  public long indexWrites() {
    return indexWrites;
  }

  private void commit() {
    if (uncommitted.isEmpty()) {
      return;
    }
    consumer.commitSync(new HashMap<>(uncommitted));
    uncommitted.clear();
  }

  private static String oneLine(String s) {
    return s == null ? "(no message)" : s.replaceAll("[\\r\\n]+", " ");
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
