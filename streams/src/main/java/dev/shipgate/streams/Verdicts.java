package dev.shipgate.streams;

import dev.shipgate.results.Verdict;
import java.util.Collection;

/**
 * Combining verdicts: the worst wins, FAIL &gt; INCOMPLETE &gt; NOT_RUN &gt; INCONCLUSIVE &gt;
 * PASS. An empty collection is NOT_RUN: no evidence never reads as a pass.
 */
public final class Verdicts {
  private Verdicts() {}

  public static int severity(Verdict v) {
    switch (v) {
      case FAIL:
        return 4;
      case INCOMPLETE:
        return 3;
      case NOT_RUN:
        return 2;
      case INCONCLUSIVE:
        return 1;
      default:
        return 0;
    }
  }

  public static Verdict worst(Collection<Verdict> verdicts) {
    if (verdicts.isEmpty()) {
      return Verdict.NOT_RUN;
    }
    Verdict worst = Verdict.PASS;
    for (Verdict v : verdicts) {
      if (severity(v) > severity(worst)) {
        worst = v;
      }
    }
    return worst;
  }
}
