package dev.shipgate.streams;

import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.events.WriteResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-write records of one open phase 4 cycle in {@link CycleStores#WRITES}: a write's
 * result, each poll's sightings, and, when the cycle is judged, all of them gathered and deleted.
 *
 * <p>The records are grouped into {@value #BUCKETS} {@link WriteBucket}s by the hash of their
 * write id, keys {@code <cycle key>/~<bucket>}: a poll listing a cycle's hundred ids reads and
 * writes at most {@value #BUCKETS} entries instead of a hundred, and a judged cycle leaves at most
 * {@value #BUCKETS} deletions in the changelog instead of one per write (measured: one tombstone
 * per write made the changelog about half the input's size). It holds the cycle's store keys, each
 * built once: the judge keeps the last cycle's for the events after it ({@link #isOf}).
 */
final class CycleWrites {
  /** Buckets per cycle; a bucket of a 100-write cycle holds about 6 records. */
  static final int BUCKETS = 16;

  /** One node's first sighting of a write, as a poll listed it. */
  private record Sighting(String id, int node, long time) {}

  private final OpenWrites store;
  private final String campaign;
  private final String fault;
  private final int cycle;
  private final String cycleKey;
  private final String tallyKey;
  /** The bucket keys, each built when first used. */
  private final String[] bucketKeys = new String[BUCKETS];

  /** The records of the cycle {@code cycle} of class {@code fault} of {@code campaign}. */
  CycleWrites(OpenWrites store, String campaign, String fault, int cycle) {
    this(store, campaign, fault, cycle, Keys.cycle(campaign, fault, cycle));
  }

  private CycleWrites(OpenWrites store, String campaign, String fault, int cycle,
      String cycleKey) {
    this.store = store;
    this.campaign = campaign;
    this.fault = fault;
    this.cycle = cycle;
    this.cycleKey = cycleKey;
    this.tallyKey = WriteTally.ofCycle(cycleKey);
  }

  /** The records of the cycle whose key ({@link Keys#cycle}) is {@code cycleKey}. */
  static CycleWrites ofKey(OpenWrites store, String cycleKey) {
    return new CycleWrites(store, null, null, -1, cycleKey);
  }

  /**
   * Whether these are the records of that cycle: a phase 4 event is mostly of the same cycle as
   * the one before it, whose keys are then built and hashed once, not at every event.
   */
  boolean isOf(String campaign, String fault, int cycle) {
    return this.cycle == cycle && this.campaign != null && this.fault.equals(fault)
        && this.campaign.equals(campaign);
  }

  /** The cycle's key ({@link Keys#cycle}). */
  String key() {
    return cycleKey;
  }

  /** The key of the cycle's {@link WriteTally}. */
  String tallyKey() {
    return tallyKey;
  }

  private static int bucketOf(String writeId) {
    return Math.floorMod(writeId.hashCode(), BUCKETS);
  }

  private String bucketKey(int bucket) {
    String key = bucketKeys[bucket];
    if (key == null) {
      key = cycleKey + "/~" + bucket;
      bucketKeys[bucket] = key;
    }
    return key;
  }

  /** Books a write's result; true when its id had no result yet (a new write of the cycle). */
  boolean write(WriteResult w) {
    String key = bucketKey(bucketOf(w.getWriteId()));
    WriteBucket bucket = store.bucket(key);
    WriteRecord record = bucket.of(w.getWriteId());
    boolean fresh = !record.written();
    record.write(w);
    store.put(key, bucket);
    return fresh;
  }

  /**
   * A poll's sightings: per node that listed ids, the earliest read that showed each write (the
   * node's own read time, else the poll's). The driver lists only the campaign's own ids.
   */
  void sight(Observation o) {
    // per bucket, the sightings in the order listed: one read and at most one write per bucket
    List<List<Sighting>> byBucket = new ArrayList<>(Collections.nCopies(BUCKETS, null));
    for (NodeObservation n : o.getNodes()) {
      if (n.getIds() == null || n.getNodeIndex() < 0 || n.getNodeIndex() > WriteRecord.MAX_NODE) {
        continue;
      }
      long time = (n.getReadAt() != null ? n.getReadAt() : o.getEventTime()).toEpochMilli();
      for (String id : n.getIds()) {
        int b = bucketOf(id);
        List<Sighting> sightings = byBucket.get(b);
        if (sightings == null) {
          sightings = new ArrayList<>();
          byBucket.set(b, sightings);
        }
        sightings.add(new Sighting(id, n.getNodeIndex(), time));
      }
    }
    for (int b = 0; b < BUCKETS; b++) {
      List<Sighting> sightings = byBucket.get(b);
      if (sightings == null) {
        continue;
      }
      String key = bucketKey(b);
      WriteBucket bucket = store.bucket(key);
      boolean changed = false;
      for (Sighting s : sightings) {
        // the earliest per node is kept, so the order sightings are applied in does not matter
        changed |= bucket.of(s.id()).sighted(s.node(), s.time());
      }
      if (changed) {
        store.put(key, bucket);
      }
    }
  }

  /**
   * Every written write of the cycle by id, and each of its buckets deleted (read by key, no
   * scan of the store): a record with sightings only (an id whose result was never published, in
   * an aborted cycle) is not the cycle's.
   */
  Map<String, WriteRecord> takeAll() {
    List<String> keys = new ArrayList<>(BUCKETS);
    for (int b = 0; b < BUCKETS; b++) {
      keys.add(bucketKey(b));
    }
    Map<String, WriteRecord> records = new HashMap<>();
    for (WriteBucket bucket : store.takeBuckets(keys)) {
      bucket.records.forEach((id, r) -> {
        if (r.written()) {
          records.put(id, r);
        }
      });
    }
    return records;
  }
}
