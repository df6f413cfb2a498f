package dev.shipgate.streams;

import dev.shipgate.events.WriteOutcome;
import dev.shipgate.events.WriteResult;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One phase 4 write of an open cycle as {@link CycleStores#WRITES} keeps it (key
 * {@code <campaign>/<fault>/<cycle>/<write id>}), in a fixed binary layout: its outcome and times
 * from its WriteResult, and per node index the time of the first poll that showed it. A poll can
 * show a write before its WriteResult is read (another topic), so a record may hold sightings and
 * no outcome yet ({@link #written()} false). Sightings are a minimum over polls, so the record is
 * the same whatever order the polls and the write arrive in.
 *
 * <p>Layout: outcome ordinal or {@value #UNWRITTEN} (1 byte), issued, answered, acknowledged (epoch
 * ms, -1 unknown), node count n (1 byte), n first-sighting times (-1 never).
 */
final class WriteRecord {
  private static final byte UNWRITTEN = 0x7f;
  private static final int FIXED = 1 + 8 + 8 + 8 + 1;
  /** The highest node index a record keeps sightings for. */
  static final int MAX_NODE = 63;

  private byte outcome = UNWRITTEN;
  long issuedAt = -1;
  long answeredAt = -1;
  long ackAt = -1;
  long[] firstSeen = new long[0];

  static WriteRecord decode(byte[] bytes) {
    WriteRecord r = new WriteRecord();
    if (bytes == null) {
      return r;
    }
    if (bytes.length == 1) {
      // the layout before sightings were kept: the outcome alone
      r.outcome = bytes[0];
      return r;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    r.outcome = b.get();
    r.issuedAt = b.getLong();
    r.answeredAt = b.getLong();
    r.ackAt = b.getLong();
    int n = b.get();
    r.firstSeen = new long[n];
    for (int i = 0; i < n; i++) {
      r.firstSeen[i] = b.getLong();
    }
    return r;
  }

  /** True when {@code bytes} hold a write's outcome (not only sightings). */
  static boolean written(byte[] bytes) {
    return bytes != null && bytes[0] != UNWRITTEN;
  }

  byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(size());
    encodeInto(b);
    return b.array();
  }

  /** Bytes of {@link #encode()}. */
  int size() {
    return FIXED + 8 * firstSeen.length;
  }

  /** Puts the layout of {@link #encode()} into {@code b}. */
  void encodeInto(ByteBuffer b) {
    b.put(outcome).putLong(issuedAt).putLong(answeredAt).putLong(ackAt)
        .put((byte) firstSeen.length);
    for (long t : firstSeen) {
      b.putLong(t);
    }
  }

  boolean written() {
    return outcome != UNWRITTEN;
  }

  WriteOutcome outcome() {
    return WriteOutcome.values()[outcome];
  }

  /** Takes the write's outcome and times from its WriteResult. */
  void write(WriteResult w) {
    outcome = (byte) w.getOutcome().ordinal();
    issuedAt = w.getEventTime().toEpochMilli();
    answeredAt = w.getLatencyMs() == null ? -1 : issuedAt + w.getLatencyMs();
    ackAt = w.getAckTime() == null ? -1 : w.getAckTime().toEpochMilli();
  }

  /** Notes a poll at {@code time} showing the write on node {@code index}; true when it changed. */
  boolean sighted(int index, long time) {
    if (index < 0 || index > MAX_NODE) {
      return false;
    }
    if (index >= firstSeen.length) {
      int old = firstSeen.length;
      firstSeen = Arrays.copyOf(firstSeen, index + 1);
      Arrays.fill(firstSeen, old, firstSeen.length, -1);
    }
    if (firstSeen[index] < 0 || time < firstSeen[index]) {
      firstSeen[index] = time;
      return true;
    }
    return false;
  }

  /** First sighting on node {@code index}, or -1. */
  long firstSeen(int index) {
    return index < firstSeen.length ? firstSeen[index] : -1;
  }

  /** What visibility is measured from: the acknowledgement, else the answer, else the issue. */
  long reference() {
    return ackAt >= 0 ? ackAt : answeredAt >= 0 ? answeredAt : issuedAt;
  }

  /** Milliseconds from {@link #reference()} to the first sighting on {@code index} (0 when earlier), or null. */
  Long visibleMs(int index) {
    long seen = firstSeen(index);
    long ref = reference();
    if (seen < 0 || ref < 0) {
      return null;
    }
    return Math.max(0, seen - ref);
  }

  Long latencyMs() {
    return answeredAt >= 0 && issuedAt >= 0 ? answeredAt - issuedAt : null;
  }
}
