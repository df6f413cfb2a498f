package dev.shipgate.sink;

import dev.shipgate.results.Verdict;
import java.util.Collection;
import java.util.List;

/** How verdicts read on a page, and how several combine. Only PASS ever reads as a pass. */
final class Verdicts {
  private Verdicts() {}

  /** Worst first: the strict rule's priority when combining. */
  private static final List<Verdict> PRIORITY = List.of(Verdict.FAIL, Verdict.INCOMPLETE,
      Verdict.NOT_RUN, Verdict.INCONCLUSIVE, Verdict.PASS);

  /** The worst of {@code verdicts}; NOT_RUN when there are none (no evidence is not a pass). */
  static Verdict worst(Collection<Verdict> verdicts) {
    for (Verdict v : PRIORITY) {
      if (verdicts.contains(v)) {
        return v;
      }
    }
    return Verdict.NOT_RUN;
  }

  static String label(Verdict v) {
    return v == null ? "NO VERDICT" : v == Verdict.NOT_RUN ? "NOT RUN" : v.name();
  }

  /** CSS class: green only for PASS, red for FAIL, amber for everything unknown. */
  static String cssClass(Verdict v) {
    if (v == Verdict.PASS) {
      return "pass";
    }
    return v == Verdict.FAIL ? "fail" : "warn";
  }

  static Verdict parse(String name) {
    if (name == null) {
      return null;
    }
    try {
      return Verdict.valueOf(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
