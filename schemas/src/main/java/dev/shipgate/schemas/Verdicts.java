package dev.shipgate.schemas;

import dev.shipgate.results.Verdict;
import java.util.Collection;

/**
 * Combining verdicts, the one home of their order (Jepsen's {@code merge-valid}): the worst wins,
 * PENDING &gt; FAIL &gt; INCOMPLETE &gt; NOT_RUN &gt; INCONCLUSIVE &gt; PASS. PENDING dominates: a
 * whole with a part not judged yet is not judged yet. An empty collection is NOT_RUN: no evidence
 * never reads as a pass.
 */
public final class Verdicts {
  private Verdicts() {}

  public static int severity(Verdict v) {
    switch (v) {
      case PENDING:
        return 5;
      case FAIL:
        return 4;
      case INCOMPLETE:
        return 3;
      case NOT_RUN:
        return 2;
      case INCONCLUSIVE:
        return 1;
      case PASS:
        return 0;
      default:
        throw new IllegalArgumentException("no severity for verdict " + v);
    }
  }

  public static Verdict worst(Collection<Verdict> verdicts) {
    if (verdicts.isEmpty()) {
      return Verdict.NOT_RUN;
    }
    Verdict worst = Verdict.PASS;
    for (Verdict v : verdicts) {
      if (v == null) {
        continue;
      }
      if (severity(v) > severity(worst)) {
        worst = v;
      }
    }
    return worst;
  }
}
