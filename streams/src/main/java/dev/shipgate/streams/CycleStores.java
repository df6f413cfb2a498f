package dev.shipgate.streams;

import dev.shipgate.state.CycleBook;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The state of a cycle task ({@link CycleTask}): the open cycles of whatever campaigns its
 * partition holds, and what the campaign judge told it. Keys start with the campaign id.
 *
 * <ul>
 *   <li>{@value #CYCLES}: campaign/fault/cycle → {@link CycleBook}, until the campaign is judged
 *       (a judged cycle's book stays, closed, to refuse its later evidence);
 *   <li>{@value #WRITES}: campaign/fault/cycle/~bucket → the cycle's write records
 *       ({@link WriteBucket}), and campaign/fault/cycle# → its {@link WriteTally}; deleted when
 *       the cycle is judged, so it holds only the open cycles' writes: an in-memory store
 *       (changelogged like the others);
 *   <li>{@value #NODES}: campaign → how many nodes its configuration names (the judge's STARTED
 *       broadcast), until it is judged;
 *   <li>{@value #JUDGED}: campaign → (nothing): judged, its later evidence refused as late (the
 *       judge's "judged" broadcast).
 * </ul>
 */
final class CycleStores {
  private CycleStores() {}

  static final String CYCLES = "cycle-books";
  static final String WRITES = "write-outcomes";
  static final String NODES = "cycle-campaign-nodes";
  static final String JUDGED = "cycle-judged-campaigns";

  static final String[] ALL = {CYCLES, WRITES, NODES, JUDGED};

  static void addTo(StreamsBuilder builder) {
    List<StoreBuilder<?>> stores = List.of(
        EvidenceStores.writeBack(CYCLES, StateSerde.<CycleBook>of(CycleBook.getClassSchema())),
        // in memory (changelogged): a closed cycle's entries are deleted at once, so its prefix
        // scan never walks the tombstones RocksDB keeps until compaction (measured: the scans
        // past deleted cycles' keys took most of the stream thread's time)
        WriteBackStore.of(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(WRITES),
            Serdes.String(), OpenWrites.SERDE).withCachingEnabled(), EvidenceStores.MAX_PENDING),
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(NODES), Serdes.String(),
            Serdes.Integer()).withCachingEnabled(),
        // a key per judged campaign: small, in memory (restored from its changelog)
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(JUDGED), Serdes.String(),
            Serdes.ByteArray()).withCachingEnabled());
    stores.forEach(builder::addStateStore);
  }

  /** The stores as one task sees them. */
  record Opened(KeyValueStore<String, CycleBook> cycles, KeyValueStore<String, Object> writes,
      KeyValueStore<String, Integer> nodes, KeyValueStore<String, byte[]> judged) {

    static Opened from(ProcessorContext<?, ?> context) {
      return new Opened(context.getStateStore(CYCLES), context.getStateStore(WRITES),
          context.getStateStore(NODES), context.getStateStore(JUDGED));
    }

    /** The write-back stores, whose flush runs the work before a commit ({@link BeforeCommit}). */
    List<StateStore> writeBacks() {
      return List.of(cycles, writes);
    }
  }
}
