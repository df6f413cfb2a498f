package dev.shipgate.streams;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A few of an open cycle's {@link WriteRecord}s under one key of {@link CycleStores#WRITES}:
 * the writes whose id hashes to the same one of {@link CycleWrites#BUCKETS} buckets. Kept in a
 * binary layout: record count (int), then per record its id (short length, UTF-8) and the
 * record's own layout (short length, bytes).
 */
final class WriteBucket {
  final Map<String, WriteRecord> records;

  private WriteBucket(Map<String, WriteRecord> records) {
    this.records = records;
  }

  static WriteBucket decode(byte[] bytes) {
    Map<String, WriteRecord> records = new LinkedHashMap<>();
    if (bytes != null) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      int n = b.getInt();
      for (int i = 0; i < n; i++) {
        byte[] id = new byte[b.getShort() & 0xffff];
        b.get(id);
        byte[] record = new byte[b.getShort() & 0xffff];
        b.get(record);
        records.put(new String(id, StandardCharsets.UTF_8), WriteRecord.decode(record));
      }
    }
    return new WriteBucket(records);
  }

  /** The record of {@code id}, made empty (no outcome, no sighting) when there is none yet. */
  WriteRecord of(String id) {
    return records.computeIfAbsent(id, k -> new WriteRecord());
  }

  byte[] encode() {
    byte[][] ids = new byte[records.size()][];
    int size = 4;
    int i = 0;
    for (Map.Entry<String, WriteRecord> e : records.entrySet()) {
      ids[i] = e.getKey().getBytes(StandardCharsets.UTF_8);
      if (ids[i].length > 0xffff) {
        throw new IllegalArgumentException("write id longer than 65535 bytes: "
            + e.getKey().substring(0, 40) + "...");
      }
      size += 2 + ids[i].length + 2 + e.getValue().size();
      i++;
    }
    ByteBuffer b = ByteBuffer.allocate(size).putInt(records.size());
    i = 0;
    for (WriteRecord r : records.values()) {
      b.putShort((short) ids[i].length).put(ids[i]);
      b.putShort((short) r.size());
      r.encodeInto(b);
      i++;
    }
    return b.array();
  }
}
