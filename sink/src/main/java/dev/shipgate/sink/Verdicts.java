package dev.shipgate.sink;

import dev.shipgate.results.Verdict;
import java.util.Collection;

/** How verdicts read on a page, and how several combine. Only PASS ever reads as a pass. */
final class Verdicts {
  private Verdicts() {}

  /** The worst of {@code verdicts} ({@link dev.shipgate.schemas.Verdicts#worst}). */
  static Verdict worst(Collection<Verdict> verdicts) {
    return dev.shipgate.schemas.Verdicts.worst(verdicts);
  }

  static String label(Verdict v) {
    return v == null ? "NO VERDICT" : v == Verdict.NOT_RUN ? "NOT RUN" : v.name();
  }

  /** Whether {@code v} is final: anything but PENDING (and no verdict at all). */
  static boolean isFinal(Verdict v) {
    return v != null && v != Verdict.PENDING;
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
