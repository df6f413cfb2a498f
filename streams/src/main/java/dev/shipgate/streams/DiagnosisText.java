package dev.shipgate.streams;

import dev.shipgate.results.Diagnosis;
import dev.shipgate.results.NodeVisibility;
import dev.shipgate.results.WriteWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The one-line slow-or-lost diagnosis of a fault class, with its figures and where it happened. */
final class DiagnosisText {
  private DiagnosisText() {}

  private static final WriteWindow[] WINDOWS = WriteWindow.values();

  /** One line: what happened, with the figures and where (node, window). */
  static String of(Diagnosis d, List<NodeVisibility> nodes, Long seedSettle,
      Long p99) {
    String settle = seedSettle == null ? "the seed's settle point"
        : "the seed's settle point (" + ms(seedSettle) + " after the last answer)";
    String latency = p99 == null ? "" : "p99 visibility " + ms(p99) + ", max "
        + ms(nodes.stream().map(NodeVisibility::getMaxMs).filter(v -> v != null)
            .max(Long::compare).orElse(0L));
    switch (d) {
      case UNKNOWN:
        return "unknown: no node listed the ids it holds, so slow cannot be told from lost";
      case NONE:
        return "none: every acknowledged write was on every readable node by " + settle
            + (latency.isEmpty() ? "" : "; " + latency);
      case SLOW: {
        List<String> parts = new ArrayList<>();
        for (NodeVisibility n : nodes) {
          if (n.getRecovered() > 0) {
            parts.add(n.getRecovered() + " on " + name(n));
          }
        }
        return "slow: every acknowledged write reached every readable node, "
            + String.join(", ", parts) + " only after " + settle + "; " + latency;
      }
      default: {
        List<String> parts = new ArrayList<>();
        for (NodeVisibility n : nodes) {
          if (n.getLost() > 0) {
            parts.add(n.getLost() + " on " + name(n) + " (" + where(n) + "; e.g. "
                + String.join(", ", n.getLostSample().subList(0,
                    Math.min(5, n.getLostSample().size()))) + ")");
          }
        }
        String text = "lost: acknowledged writes never arrived by the end of the settle: "
            + String.join("; ", parts);
        if (d == Diagnosis.BOTH) {
          long recovered = nodes.stream().mapToLong(NodeVisibility::getRecovered).sum();
          text = "both: " + text.substring("lost: ".length()) + "; and " + recovered
              + " arrived only after " + settle + (latency.isEmpty() ? "" : " (" + latency + ")");
        }
        return text;
      }
    }
  }

  private static String name(NodeVisibility n) {
    String role = n.getNodeIndex() == 0 ? "the cycle's primary" : "peer " + n.getNodeIndex();
    return n.getNodeNames().size() == 1 ? "node " + n.getNodeNames().get(0) + " (" + role + ")"
        : role;
  }

  private static String where(NodeVisibility n) {
    Map<String, Long> by = n.getLostByWindow();
    long total = n.getLost();
    List<String> parts = new ArrayList<>();
    for (WriteWindow w : WINDOWS) {
      Long c = by.get(w.name());
      if (c != null && c > 0) {
        if (c == total) {
          return (total == 1 ? "issued " : "all " + total + " issued ") + windowText(w);
        }
        parts.add(c + " " + windowText(w));
      }
    }
    return String.join(", ", parts);
  }

  static String windowText(WriteWindow w) {
    return switch (w) {
      case PRE_FAULT -> "before the fault";
      case DURING_FAULT -> "during the fault";
      case POST_HEAL -> "after the heal";
      case UNKNOWN -> "in cycles whose fault events were not announced";
    };
  }

  /** 850 ms, 4.2 s. */
  static String ms(long v) {
    return v < 1000 ? v + " ms" : String.format(Locale.ROOT, "%.1f s", v / 1000.0);
  }
}
