package dev.shipgate.producer.target;

import java.time.Duration;
import java.util.Map;

/**
 * Typed, validated view of a campaign's target settings (strings in the campaign file). Every
 * getter fails with a one-line {@link IllegalArgumentException} naming the key and the bad value.
 */
final class TargetSettings {

  private final String target;
  private final Map<String, String> values;

  TargetSettings(String target, Map<String, String> values) {
    this.target = target;
    this.values = values == null ? Map.of() : Map.copyOf(values);
  }

  Duration millis(String key, long defaultMillis) {
    long v = longValue(key, defaultMillis);
    if (v <= 0) {
      throw new IllegalArgumentException(
          target + " setting " + key + " must be a positive number of milliseconds, got " + v);
    }
    return Duration.ofMillis(v);
  }

  int positiveInt(String key, int defaultValue) {
    long v = longValue(key, defaultValue);
    if (v <= 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          target + " setting " + key + " must be a positive integer, got " + v);
    }
    return (int) v;
  }

  private long longValue(String key, long defaultValue) {
    String raw = values.get(key);
    if (raw == null || raw.isBlank()) {
      return defaultValue;
    }
    try {
      return Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          target + " setting " + key + " must be an integer, got '" + raw + "'");
    }
  }
}
