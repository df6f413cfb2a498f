package dev.shipgate.sink;

import dev.shipgate.events.FaultAction;
import dev.shipgate.events.FaultEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fault events as the artifacts show them: one per event id, ordered, counted. An INJECTED or
 * HEALED event proves something only when it carries evidence (what was read back from the node);
 * a NOT_APPLIED event never proves anything.
 */
final class FaultEvents {
  private FaultEvents() {}

  /** Cycle (none first), then event time, then arrival; one event per event id (the first). */
  static List<FaultEvent> ordered(Collection<FaultEvent> events) {
    Map<String, FaultEvent> byId = new LinkedHashMap<>();
    for (FaultEvent e : events) {
      byId.putIfAbsent(e.getEventId(), e);
    }
    List<FaultEvent> out = new ArrayList<>(byId.values());
    out.sort(Comparator.comparing((FaultEvent e) -> e.getCycle() == null ? Integer.MIN_VALUE
            : e.getCycle())
        .thenComparing(FaultEvent::getEventTime, Comparator.nullsLast(Comparator.naturalOrder())));
    return out;
  }

  /** True when the event carries evidence read back from the node. */
  static boolean hasEvidence(FaultEvent e) {
    return e.getEvidence() != null && !e.getEvidence().isBlank();
  }

  /** How many events of each kind; {@code *Proven} = with evidence. */
  record Counts(int injected, int injectedProven, int healed, int healedProven, int notApplied) {
    static Counts of(List<FaultEvent> events) {
      int injected = 0;
      int injectedProven = 0;
      int healed = 0;
      int healedProven = 0;
      int notApplied = 0;
      for (FaultEvent e : events) {
        if (e.getAction() == FaultAction.INJECTED) {
          injected++;
          injectedProven += hasEvidence(e) ? 1 : 0;
        } else if (e.getAction() == FaultAction.HEALED) {
          healed++;
          healedProven += hasEvidence(e) ? 1 : 0;
        } else if (e.getAction() == FaultAction.NOT_APPLIED) {
          notApplied++;
        }
      }
      return new Counts(injected, injectedProven, healed, healedProven, notApplied);
    }

    /** "10 injected with evidence, 10 healed, 0 not applied" (+ the ones without evidence). */
    String summary() {
      StringBuilder s = new StringBuilder();
      s.append(injectedProven).append(" injected with evidence");
      if (injected > injectedProven) {
        s.append(" (+").append(injected - injectedProven).append(" without evidence)");
      }
      s.append(", ").append(healed).append(" healed");
      if (healed > healedProven) {
        s.append(" (").append(healed - healedProven).append(" without evidence)");
      }
      s.append(", ").append(notApplied).append(" not applied");
      return s.toString();
    }

    /** True when some event is NOT_APPLIED or lacks evidence: the page must say so. */
    boolean hasUnproven() {
      return notApplied > 0 || injected > injectedProven || healed > healedProven;
    }
  }
}
