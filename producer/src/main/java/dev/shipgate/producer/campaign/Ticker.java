package dev.shipgate.producer.campaign;

import java.time.Instant;

/**
 * The driver's clock: wall time for event timestamps, a monotonic clock for deadlines, and
 * sleeping. Tests use a fake whose sleep advances time instantly, so settle schedules are exact.
 */
public interface Ticker {

  /** Wall-clock time (event_time, ack_time). */
  Instant now();

  /** Monotonic milliseconds, for deadlines and latencies. */
  long millis();

  void sleep(long millis) throws InterruptedException;

  static Ticker system() {
    return new Ticker() {
      @Override
      public Instant now() {
        return Instant.now();
      }

      @Override
      public long millis() {
        return System.nanoTime() / 1_000_000;
      }

      @Override
      public void sleep(long millis) throws InterruptedException {
        if (millis > 0) {
          Thread.sleep(millis);
        }
      }
    };
  }
}
