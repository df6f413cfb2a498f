package dev.shipgate.streams;

import dev.shipgate.events.CheckResult;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.FaultBound;
import dev.shipgate.state.CampaignBook;
import dev.shipgate.state.FaultBook;
import dev.shipgate.state.VisibilityBook;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The state of the campaign judge, all keyed by campaign id first (so one campaign's state is in
 * one task, as its campaign events and the cycle tasks' reports are), with caching on (a record
 * updated many times between commits is written to RocksDB and the changelog once; not for the
 * stores an emit writes, see {@link #addTo}), and the books, classes and visibility books encoded
 * once per commit, not per put ({@link WriteBackStore}). The cycles' own state is the cycle tasks'
 * ({@link CycleStores}).
 *
 * <ul>
 *   <li>{@value #BOOKS}: campaign → {@link CampaignBook} (lifecycle, manifest against seen, phase 2
 *       tally);
 *   <li>{@value #PHASE2}: campaign/p2/write id → the phase 2 write's outcome (one byte), until
 *       the campaign is judged: an in-memory store (changelogged like the others);
 *   <li>{@value #FAULTS}: campaign/fault → {@link FaultBook} (the class aggregate);
 *   <li>{@value #VISIBILITY}: campaign/fault → {@link VisibilityBook} (the class's visibility
 *       sums and histograms, fixed size);
 *   <li>{@value #CHECKS}: campaign/slot → the check result of phases 1-3 and phase 4 extras,
 *       until the campaign is judged;
 *   <li>{@value #EMITTED}: output key → hash of the record last emitted under it, so an output is
 *       emitted only when it changes (a cycle's convergence, emitted once, is not kept here);
 *   <li>{@value #LIVENESS}: campaign → its {@link Liveness} (last sign of life), until judged
 *       ({@link SilenceWatch});
 *   <li>{@value #VERDICTS} and {@value #BOUNDS}: the campaign verdict and the fault bounds last
 *       emitted, for interactive queries (keyed as on their output topics, so a campaign's bounds
 *       are one prefix scan in the task that holds it).
 * </ul>
 */
public final class EvidenceStores {
  private EvidenceStores() {}

  static final String BOOKS = "campaign-books";
  static final String PHASE2 = "phase2-outcomes";
  static final String FAULTS = "fault-books";
  static final String CHECKS = "check-results";
  static final String EMITTED = "emitted-hashes";
  static final String VISIBILITY = "visibility-books";
  static final String LIVENESS = "campaign-liveness";

  /** Queryable: campaign → {@link CampaignVerdict}. */
  public static final String VERDICTS = "campaign-verdicts-view";
  /** Queryable: campaign/fault → {@link FaultBound}. */
  public static final String BOUNDS = "fault-bounds-view";

  static final String[] ALL = {BOOKS, PHASE2, FAULTS, CHECKS, EMITTED, VERDICTS, BOUNDS,
      VISIBILITY, LIVENESS};

  static void addTo(StreamsBuilder builder) {
    List<StoreBuilder<?>> stores = List.of(
        writeBack(BOOKS, StateSerde.<CampaignBook>of(CampaignBook.getClassSchema())),
        // the open campaigns' phase 2 outcomes, deleted once judged: small, in memory
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PHASE2), Serdes.String(),
            Serdes.ByteArray()).withCachingEnabled(),
        writeBack(FAULTS, StateSerde.<FaultBook>of(FaultBook.getClassSchema())),
        store(CHECKS, StateSerde.<CheckResult>of(CheckResult.getClassSchema())),
        // what an emit puts is written through, uncached: a backlog's bounds are emitted at the
        // start of a commit's flush (ClassBooks, BeforeCommit), and a store whose cache Kafka
        // Streams flushed before that would keep those puts out of the commit
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EMITTED), Serdes.String(),
            Serdes.Long()),
        uncached(VERDICTS, StateSerde.<CampaignVerdict>of(CampaignVerdict.getClassSchema())),
        uncached(BOUNDS, StateSerde.<FaultBound>of(FaultBound.getClassSchema())),
        writeBack(VISIBILITY, StateSerde.<VisibilityBook>of(VisibilityBook.getClassSchema())),
        // the open campaigns' signs of life, deleted once judged: small, in memory
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LIVENESS), Serdes.String(),
            Serdes.ByteArray()).withCachingEnabled());
    stores.forEach(builder::addStateStore);
  }

  /**
   * The judge's stores whose values it puts back after each event that changes them keep what
   * was put since the last commit as objects, encoded once when the task commits
   * ({@link WriteBackStore}): at most this many per store and task.
   */
  static final int MAX_PENDING = 4096;

  static <T extends org.apache.avro.specific.SpecificRecordBase>
      StoreBuilder<KeyValueStore<String, T>> writeBack(String name, StateSerde<T> serde) {
    return WriteBackStore.of(store(name, serde), MAX_PENDING);
  }

  static <T extends org.apache.avro.specific.SpecificRecordBase>
      StoreBuilder<KeyValueStore<String, T>> store(String name, StateSerde<T> serde) {
    return uncached(name, serde).withCachingEnabled();
  }

  static <T extends org.apache.avro.specific.SpecificRecordBase>
      StoreBuilder<KeyValueStore<String, T>> uncached(String name, StateSerde<T> serde) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(),
        serde);
  }

  /** The stores as one task sees them. */
  record Opened(KeyValueStore<String, CampaignBook> books,
      KeyValueStore<String, byte[]> phase2, KeyValueStore<String, FaultBook> faults,
      KeyValueStore<String, CheckResult> checks, KeyValueStore<String, Long> emitted,
      KeyValueStore<String, CampaignVerdict> verdicts, KeyValueStore<String, FaultBound> bounds,
      KeyValueStore<String, VisibilityBook> visibility, KeyValueStore<String, byte[]> liveness) {

    /** The write-back stores, whose flush runs the work before a commit ({@link BeforeCommit}). */
    List<org.apache.kafka.streams.processor.StateStore> writeBacks() {
      return List.of(books, faults, visibility);
    }

    static Opened from(ProcessorContext<?, ?> context) {
      return new Opened(context.getStateStore(BOOKS), context.getStateStore(PHASE2),
          context.getStateStore(FAULTS),
          context.getStateStore(CHECKS), context.getStateStore(EMITTED),
          context.getStateStore(VERDICTS), context.getStateStore(BOUNDS),
          context.getStateStore(VISIBILITY), context.getStateStore(LIVENESS));
    }
  }
}
