package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.shipgate.events.WriteOutcome;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenWritesTest {
  private KeyValueStore<String, Object> store;

  @BeforeEach
  void open() {
    store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("writes"), Serdes.String(),
        OpenWrites.SERDE).withLoggingDisabled().build();
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void shouldWriteEveryPutThroughSoTheStoreAloneGivesTheSameState() {
    OpenWrites writes = new OpenWrites(store);
    WriteTally t = writes.tallyOrEmpty("c/f/1#");
    t.add(1_000, true);
    writes.put("c/f/1#", t);
    assertSame(t, writes.tally("c/f/1#"), "read back from memory");
    WriteBucket b = writes.bucket("c/f/1/~3");
    b.of("w-1").write(Events.write("c", "f", 1, 1, WriteOutcome.OK));
    writes.put("c/f/1/~3", b);
    // what a revived task sees: the store only
    assertArrayEquals(t.encode(), (byte[]) store.get("c/f/1#"));
    assertArrayEquals(b.encode(), (byte[]) store.get("c/f/1/~3"));
    OpenWrites revived = new OpenWrites(store);
    assertEquals(1, revived.tally("c/f/1#").distinct);
    assertEquals(WriteOutcome.OK, revived.bucket("c/f/1/~3").records.get("w-1").outcome());
  }

  @Test
  void shouldDeleteTakenBucketsFromMemoryAndStore() {
    OpenWrites writes = new OpenWrites(store);
    WriteBucket b = writes.bucket("c/f/1/~0");
    b.of("w-1").sighted(0, 5);
    writes.put("c/f/1/~0", b);
    store.put("c/f/1/~1", b.encode()); // stored, never read through this judge
    List<WriteBucket> taken = writes.takeBuckets(List.of("c/f/1/~0", "c/f/1/~1", "c/f/1/~2"));
    assertEquals(2, taken.size());
    assertNull(store.get("c/f/1/~0"));
    assertNull(store.get("c/f/1/~1"));
    assertEquals(0, writes.bucket("c/f/1/~0").records.size(), "gone from memory too");
  }

  @Test
  void shouldForgetEverythingUnderADeletedPrefix() {
    OpenWrites writes = new OpenWrites(store);
    WriteTally t = new WriteTally();
    writes.put("c/f/1#", t);
    writes.put("c/f/2#", new WriteTally());
    writes.put("d/f/1#", new WriteTally());
    writes.deleteAll("c/");
    assertNull(writes.tally("c/f/1#"));
    assertNull(writes.tally("c/f/2#"));
    assertNotNull(writes.tally("d/f/1#"), "another campaign's entries stay");
  }

  @Test
  void shouldReadFromTheStoreWhatMemoryNoLongerHolds() {
    OpenWrites writes = new OpenWrites(store);
    for (int i = 0; i <= OpenWrites.MAX_DECODED; i++) {
      WriteTally t = new WriteTally();
      t.add(i, true);
      writes.put("c/f/" + i + "#", t);
    }
    // the first one was the least recently used: out of memory, still in the store
    assertEquals(1, writes.tally("c/f/0#").distinct);
    assertEquals(OpenWrites.MAX_DECODED, writes.tally("c/f/" + OpenWrites.MAX_DECODED + "#")
        .maxEventTime);
  }
}
