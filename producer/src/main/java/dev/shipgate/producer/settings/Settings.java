package dev.shipgate.producer.settings;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed reading of a settings map as a campaign file gives it (strings), shared by the fault
 * classes, the check profiles and the target adapters. Every getter fails with a one-line
 * {@link IllegalArgumentException} naming the owner, the key and the value as written
 * ({@code partition_minority: heal_delay_ms must be ..., got '-5'}); a blank value is the default.
 */
public final class Settings {
  private final String owner;
  private final Map<String, String> values;

  /** @param owner who the settings belong to, as messages name it (a fault class, a profile) */
  public Settings(String owner, Map<String, String> values) {
    this.owner = owner;
    this.values = values == null ? Map.of() : Map.copyOf(values);
  }

  public Map<String, String> values() {
    return values;
  }

  /** Refuses keys outside {@code known} (a typo must not silently fall back to a default). */
  public Settings refuseUnknown(Set<String> known) {
    Set<String> unknown = new TreeSet<>(values.keySet());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(owner + ": unknown setting(s) " + unknown + "; known: "
          + new TreeSet<>(known));
    }
    return this;
  }

  public String string(String key, String dflt) {
    String v = values.get(key);
    return v == null || v.isBlank() ? dflt : v.strip();
  }

  /** An integer ≥ 1. */
  public long positiveLong(String key, long dflt) {
    return number(key, dflt, 1, Long.MAX_VALUE, "a positive integer");
  }

  /** An integer ≥ 1 that fits an int. */
  public int positiveInt(String key, int dflt) {
    return (int) number(key, dflt, 1, Integer.MAX_VALUE, "a positive integer");
  }

  /** Milliseconds ≥ 0. */
  public Duration millis(String key, Duration dflt) {
    return Duration.ofMillis(number(key, dflt.toMillis(), 0, Long.MAX_VALUE,
        "a non-negative number of milliseconds"));
  }

  /** Milliseconds ≥ 1. */
  public Duration positiveMillis(String key, Duration dflt) {
    return Duration.ofMillis(number(key, dflt.toMillis(), 1, Long.MAX_VALUE,
        "a positive number of milliseconds"));
  }

  private long number(String key, long dflt, long min, long max, String expected) {
    String raw = values.get(key);
    if (raw == null || raw.isBlank()) {
      return dflt;
    }
    try {
      long n = Long.parseLong(raw.strip());
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(owner + ": " + key + " must be " + expected + ", got '"
          + raw + "'");
    }
  }
}
