package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link WriteBackStore} in a real task (TopologyTestDriver commits after every record). */
class WriteBackStoreTest {
  /** A mutable counter, as the judge's tallies are; its serde counts the encodings. */
  static final class Count {
    long n;
  }

  private static final AtomicInteger ENCODED = new AtomicInteger();
  private static final Serde<Count> COUNT = Serdes.serdeFrom(
      (topic, c) -> {
        ENCODED.incrementAndGet();
        return ByteBuffer.allocate(8).putLong(c.n).array();
      },
      (topic, bytes) -> {
        Count c = new Count();
        c.n = ByteBuffer.wrap(bytes).getLong();
        return c;
      });

  private TopologyTestDriver driver;
  private TestInputTopic<String, String> in;
  private TestOutputTopic<String, String> out;
  private TestOutputTopic<byte[], byte[]> changelog;

  /**
   * Per record "keys:times[:scan|:del]": each key's count incremented {@code times} times, each
   * put back; forwards the last key's count (and with ":scan" how many keys a scan finds); with
   * ":put-del", the keys deleted after that, and with ":del" only deleted.
   */
  static final class Counting implements Processor<String, String, String, String> {
    private ProcessorContext<String, String> context;
    private KeyValueStore<String, Count> store;

    @Override
    public void init(ProcessorContext<String, String> context) {
      this.context = context;
      this.store = context.getStateStore("counts");
    }

    @Override
    public void process(Record<String, String> r) {
      String[] kv = r.value().split(":");
      String[] keys = kv[0].split(",");
      if (kv.length == 3 && kv[2].equals("del")) {
        for (String key : keys) {
          store.delete(key);
        }
        context.forward(r.withValue("deleted"));
        return;
      }
      for (String key : keys) {
        for (int i = 0; i < Integer.parseInt(kv[1]); i++) {
          Count c = store.get(key);
          if (c == null) {
            c = new Count();
          }
          c.n++;
          store.put(key, c);
        }
      }
      if (kv.length == 3 && kv[2].equals("put-del")) {
        for (String key : keys) {
          store.delete(key);
        }
        context.forward(r.withValue("put and deleted"));
        return;
      }
      String last = keys[keys.length - 1];
      if (kv.length == 2) {
        context.forward(r.withValue(String.valueOf(store.get(last).n)));
        return;
      }
      // what the task sees before its commit: every key in a scan
      long seen = 0;
      try (KeyValueIterator<String, Count> it = store.all()) {
        while (it.hasNext()) {
          it.next();
          seen++;
        }
      }
      context.forward(r.withValue(store.get(last).n + " of " + seen + " keys"));
    }
  }

  @BeforeEach
  void open() throws Exception {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(WriteBackStore.of(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore("counts"), Serdes.String(), COUNT).withCachingEnabled(), 3));
    builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
        .process(Counting::new, "counts")
        .to("out", Produced.with(Serdes.String(), Serdes.String()));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "wb");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG,
        java.nio.file.Files.createTempDirectory("wb").toString());
    driver = new TopologyTestDriver(builder.build(), props);
    in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
    out = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
    changelog = driver.createOutputTopic("wb-counts-changelog",
        Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
    ENCODED.set(0);
  }

  @AfterEach
  void close() {
    driver.close();
  }

  @Test
  void shouldEncodeAValuePutManyTimesOncePerCommitAndLogIt() {
    in.pipeInput(new TestRecord<>("k", "a:100", Instant.ofEpochMilli(5_000)));
    assertEquals(List.of("100"), out.readValuesToList(), "the value put, read before the commit");
    assertEquals(1, ENCODED.get(), "100 puts between two commits, one encoding");
    List<TestRecord<byte[], byte[]>> logged = changelog.readRecordsToList();
    assertEquals(1, logged.size(), "one changelog record for the key");
    assertEquals(100, ByteBuffer.wrap(logged.get(0).value()).getLong());
    assertEquals(5_000, logged.get(0).timestamp(), "stamped as the input record that put it");

    in.pipeInput(new TestRecord<>("k", "a:2", Instant.ofEpochMilli(6_000)));
    assertEquals(List.of("102"), out.readValuesToList(), "read back after the commit");
    assertEquals(2, ENCODED.get());
    assertEquals(102, driver.<String, Count>getKeyValueStore("counts").get("a").n);
  }

  @Test
  void shouldWriteTheEldestOutPastItsBound() {
    // bound 3: the fourth and fifth keys put before the commit write the first two out at once
    in.pipeInput("k", "a,b,c,d,e:10");
    assertEquals(List.of("10"), out.readValuesToList());
    assertEquals(5, ENCODED.get(), "a and b when written out, c, d and e at the commit");
    assertEquals(5, changelog.readRecordsToList().size());
    KeyValueStore<String, Count> store = driver.getKeyValueStore("counts");
    for (String k : List.of("a", "b", "c", "d", "e")) {
      assertEquals(10, store.get(k).n, k);
    }
  }

  @Test
  void shouldScanTheKeysPutSinceTheLastCommit() {
    in.pipeInput("k", "a:1");
    in.pipeInput("k", "b,c:1:scan");
    assertEquals(List.of("1", "1 of 3 keys"), out.readValuesToList());
    assertEquals(3, ENCODED.get(), "b and c written out for the scan, not again at the commit");
  }

  @Test
  void shouldLeaveNothingInTheChangelogForAKeyPutAndDeletedBetweenTwoCommits() {
    in.pipeInput("k", "a:3:put-del");
    assertEquals(List.of(), changelog.readRecordsToList(), "no record, no tombstone");
    assertEquals(0, ENCODED.get());
    in.pipeInput("k", "b:1");
    in.pipeInput("k", "b:0:del");
    List<TestRecord<byte[], byte[]>> logged = changelog.readRecordsToList();
    assertEquals(2, logged.size(), "b committed, then its tombstone");
    assertEquals(null, logged.get(1).value());
    assertEquals(null, driver.<String, Count>getKeyValueStore("counts").get("b"));
  }
}
