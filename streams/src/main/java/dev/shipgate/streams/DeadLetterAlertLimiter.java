package dev.shipgate.streams;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides which dead letters raise an alert: the first of a key (campaign) in a window of
 * {@link #WINDOW_MS} record time, and the first after the window, which then says how many were
 * refused without one since. Every dead letter is still written; only the alerts are limited, so
 * a flood of bad records is one alert a minute per campaign, not one per record. Kept in memory
 * per task (at most {@link #KEYS} keys): after a restart a key's first dead letter alerts again.
 */
final class DeadLetterAlertLimiter {
  static final long WINDOW_MS = 60_000;
  static final int KEYS = 10_000;

  private static final class Window {
    long start;
    long suppressed;
  }

  private final Map<String, Window> windows = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
      return size() > KEYS;
    }
  };

  /**
   * For a dead letter of {@code key} at {@code time}: -1 when it raises no alert, else how many
   * dead letters of the key were refused without an alert before it.
   */
  long admit(String key, long time) {
    Window w = windows.get(key);
    if (w == null || time - w.start >= WINDOW_MS || time < w.start) {
      long suppressed = w == null ? 0 : w.suppressed;
      Window next = new Window();
      next.start = time;
      windows.put(key, next);
      return suppressed;
    }
    w.suppressed++;
    return -1;
  }
}
