package dev.shipgate.streams;

import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.DeadLetter;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.avro.specific.SpecificRecord;

/**
 * What one application instance has written to its output topics since it started: alerts by
 * kind, and dead letters (for {@code /metrics}). Counted as the records leave the topology, so
 * with exactly once a record of an aborted transaction may be counted and written again.
 */
public final class OutputCounts {
  private final Map<AlertKind, LongAdder> alerts = new EnumMap<>(AlertKind.class);
  private final LongAdder deadLetters = new LongAdder();

  public OutputCounts() {
    for (AlertKind k : AlertKind.values()) {
      alerts.put(k, new LongAdder());
    }
  }

  void record(SpecificRecord value) {
    if (value instanceof Alert a) {
      alerts.get(a.getKind()).increment();
    } else if (value instanceof DeadLetter) {
      deadLetters.increment();
    }
  }

  /** Alerts of {@code kind} written so far. */
  public long alerts(AlertKind kind) {
    return alerts.get(kind).sum();
  }

  /** Dead letters written so far. */
  public long deadLetters() {
    return deadLetters.sum();
  }
}
