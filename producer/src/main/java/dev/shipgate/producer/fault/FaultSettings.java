package dev.shipgate.producer.fault;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed reading of one fault's settings map (strings, as a campaign file gives them). Unknown keys
 * are refused with the list of known ones, so a typo is not silently ignored.
 */
final class FaultSettings {
  private final String faultClass;
  private final Map<String, String> values;

  FaultSettings(String faultClass, Map<String, String> values, Set<String> known) {
    this.faultClass = faultClass;
    this.values = values == null ? Map.of() : values;
    Set<String> unknown = new TreeSet<>(this.values.keySet());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(faultClass + ": unknown setting(s) " + unknown
          + "; known: " + new TreeSet<>(known));
    }
  }

  String string(String key, String dflt) {
    String v = values.get(key);
    return v == null || v.isBlank() ? dflt : v.strip();
  }

  int positiveInt(String key, int dflt) {
    String v = values.get(key);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(faultClass + ": " + key + " must be a positive integer, got '"
          + v + "'");
    }
  }

  Duration millis(String key, Duration dflt) {
    String v = values.get(key);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.strip());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return Duration.ofMillis(n);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(faultClass + ": " + key
          + " must be a non-negative number of milliseconds, got '" + v + "'");
    }
  }
}
