package dev.shipgate.streams;

import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.events.WriteResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-write records of one open phase 4 cycle in {@link EvidenceStores#WRITES}: a write's
 * result, each poll's sightings, and, when the cycle is judged, all of them gathered and deleted.
 *
 * <p>The records are grouped into {@value #BUCKETS} {@link WriteBucket}s by the hash of their
 * write id, keys {@code <cycle key>/~<bucket>}: a poll listing a cycle's hundred ids reads and
 * writes at most {@value #BUCKETS} entries instead of a hundred, and a judged cycle leaves at most
 * {@value #BUCKETS} deletions in the changelog instead of one per write (measured: one tombstone
 * per write made the changelog about half the input's size).
 */
final class CycleWrites {
  /** Buckets per cycle; a bucket of a 100-write cycle holds about 6 records. */
  static final int BUCKETS = 16;

  private final OpenWrites store;
  private final String cycleKey;

  CycleWrites(OpenWrites store, String cycleKey) {
    this.store = store;
    this.cycleKey = cycleKey;
  }

  private String bucketKey(String writeId) {
    return bucketKey(Math.floorMod(writeId.hashCode(), BUCKETS));
  }

  private String bucketKey(int bucket) {
    return cycleKey + "/~" + bucket;
  }

  /** Books a write's result; true when its id had no result yet (a new write of the cycle). */
  boolean write(WriteResult w) {
    String key = bucketKey(w.getWriteId());
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
    // bucket → id → (node index, time) sightings: one read and at most one write per bucket
    Map<String, Map<String, List<long[]>>> byBucket = new HashMap<>();
    for (NodeObservation n : o.getNodes()) {
      if (n.getIds() == null || n.getNodeIndex() < 0 || n.getNodeIndex() > WriteRecord.MAX_NODE) {
        continue;
      }
      long time = (n.getReadAt() != null ? n.getReadAt() : o.getEventTime()).toEpochMilli();
      long[] sighting = {n.getNodeIndex(), time};
      for (String id : n.getIds()) {
        byBucket.computeIfAbsent(bucketKey(id), k -> new HashMap<>())
            .computeIfAbsent(id, k -> new ArrayList<>(3)).add(sighting);
      }
    }
    byBucket.forEach((key, ids) -> {
      WriteBucket bucket = store.bucket(key);
      boolean changed = false;
      for (Map.Entry<String, List<long[]>> e : ids.entrySet()) {
        WriteRecord r = bucket.of(e.getKey());
        for (long[] s : e.getValue()) {
          changed |= r.sighted((int) s[0], s[1]);
        }
      }
      if (changed) {
        store.put(key, bucket);
      }
    });
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
