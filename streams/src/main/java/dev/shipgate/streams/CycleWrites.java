package dev.shipgate.streams;

import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.events.WriteResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The per-write records of one open phase 4 cycle in {@link EvidenceStores#WRITES}: a write's
 * result, each poll's sightings, and, when the cycle is judged, all of them gathered and deleted.
 * Keys are {@code <cycle key>/<write id>} ({@link WriteRecord}).
 */
final class CycleWrites {
  private final KeyValueStore<String, byte[]> store;
  private final String cycleKey;

  CycleWrites(KeyValueStore<String, byte[]> store, String cycleKey) {
    this.store = store;
    this.cycleKey = cycleKey;
  }

  /** Books a write's result; true when its id had no result yet (a new write of the cycle). */
  boolean write(WriteResult w) {
    String key = cycleKey + "/" + w.getWriteId();
    byte[] previous = store.get(key);
    WriteRecord record = WriteRecord.decode(previous);
    record.write(w);
    store.put(key, record.encode());
    return !WriteRecord.written(previous);
  }

  /**
   * A poll's sightings: per node that listed ids, the earliest read that showed each write (the
   * node's own read time, else the poll's). The driver lists only the campaign's own ids.
   */
  void sight(Observation o) {
    // one read and at most one write per id, whatever the number of nodes that list it
    Map<String, List<long[]>> byId = new HashMap<>();
    for (NodeObservation n : o.getNodes()) {
      if (n.getIds() == null || n.getNodeIndex() < 0) {
        continue;
      }
      long time = (n.getReadAt() != null ? n.getReadAt() : o.getEventTime()).toEpochMilli();
      long[] sighting = {n.getNodeIndex(), time};
      for (String id : n.getIds()) {
        byId.computeIfAbsent(id, k -> new ArrayList<>(3)).add(sighting);
      }
    }
    byId.forEach((id, sightings) -> {
      String key = cycleKey + "/" + id;
      WriteRecord r = WriteRecord.decode(store.get(key));
      boolean changed = false;
      for (long[] s : sightings) {
        changed |= r.sighted((int) s[0], s[1]);
      }
      if (changed) {
        store.put(key, r.encode());
      }
    });
  }

  /**
   * Every written write of the cycle by id, and every record deleted: a record with sightings
   * only (an id whose result was never published, in an aborted cycle) is not the cycle's.
   */
  Map<String, WriteRecord> takeAll() {
    Map<String, WriteRecord> records = new HashMap<>();
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        store.prefixScan(cycleKey + "/", new StringSerializer())) {
      it.forEachRemaining(kv -> {
        keys.add(kv.key);
        WriteRecord r = WriteRecord.decode(kv.value);
        if (r.written()) {
          records.put(kv.key.substring(cycleKey.length() + 1), r);
        }
      });
    }
    keys.forEach(store::delete);
    return records;
  }
}
