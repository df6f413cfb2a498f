package dev.shipgate.streams;

import java.nio.ByteBuffer;

/**
 * What the phase 4 writes of an open cycle add up to so far: write events, distinct write ids, the
 * latest event time. Kept beside the write outcomes in
 * {@link CycleStores#WRITES} in a fixed binary layout, so a write updates a few bytes in memory
 * instead of reading and re-encoding its cycle's book (measured: such reads and puts were a third of
 * the stream thread's time).
 *
 * <p>Key: {@code <campaign>/<fault>/<cycle>#} (deleted when the cycle is judged), which does not
 * start with the cycle's {@code <campaign>/<fault>/<cycle>/} prefix of write outcomes.
 */
final class WriteTally {
  private static final int SIZE = 8 + 8 + 8 + 1;

  /** Write events (duplicates included: the manifest counts what was published). */
  long events;
  /** Distinct write ids (of a cycle; unused for a campaign). */
  long distinct;
  /** Latest event time of the writes (epoch ms). */
  long maxEventTime;
  /** Each write may complete the cycle: its final observation or imported tally is in. */
  boolean completable;

  static String ofCycle(String cycleKey) {
    return cycleKey + "#";
  }

  /** The tally stored as {@code bytes}, or an empty one. */
  static WriteTally decode(byte[] bytes) {
    WriteTally t = new WriteTally();
    if (bytes != null) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      t.events = b.getLong();
      t.distinct = b.getLong();
      t.maxEventTime = b.getLong();
      t.completable = b.get() != 0;
    }
    return t;
  }

  byte[] encode() {
    return ByteBuffer.allocate(SIZE).putLong(events).putLong(distinct).putLong(maxEventTime)
        .put((byte) (completable ? 1 : 0)).array();
  }

  void add(long eventTime, boolean newId) {
    events++;
    if (newId) {
      distinct++;
    }
    maxEventTime = Math.max(maxEventTime, eventTime);
  }
}
