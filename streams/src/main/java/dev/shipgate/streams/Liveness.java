package dev.shipgate.streams;

import java.nio.ByteBuffer;

/**
 * When an open campaign last showed a sign of life, as a 24-byte store value: the wall-clock time
 * (Streams' clock) its latest event was processed, the latest event time of its evidence (the
 * driver's clock), and when it was found stalled (0: not stalled).
 */
final class Liveness {
  long arrivalMs;
  long eventMs;
  long stalledAtMs;

  static Liveness decode(byte[] b) {
    Liveness l = new Liveness();
    if (b != null) {
      ByteBuffer buf = ByteBuffer.wrap(b);
      l.arrivalMs = buf.getLong();
      l.eventMs = buf.getLong();
      l.stalledAtMs = buf.getLong();
    }
    return l;
  }

  byte[] encode() {
    return ByteBuffer.allocate(24).putLong(arrivalMs).putLong(eventMs).putLong(stalledAtMs)
        .array();
  }

  /**
   * How long the campaign has been silent at {@code now}: the shorter of the silence by Streams'
   * clock (counted from {@code watchingSinceMs} at the earliest, when this task started watching,
   * so a restarted instance does not count its own downtime as the driver's) and by event time
   * (so a backlog being read, whose old events arrive late, is not taken for silence).
   */
  long silenceMs(long now, long watchingSinceMs) {
    return Math.min(now - Math.max(arrivalMs, watchingSinceMs), now - eventMs);
  }
}
