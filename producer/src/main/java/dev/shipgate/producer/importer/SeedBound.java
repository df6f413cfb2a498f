package dev.shipgate.producer.importer;

import dev.shipgate.producer.importer.CycleLine.Count;
import dev.shipgate.schemas.ConvergenceMath;
import java.util.Collection;

/**
 * The seed's convergence bound ({@link ConvergenceMath}) over imported cycles, used only to note
 * when a recorded bound disagrees with the cycles imported for the same fault class (Streams
 * computes the real one, the same way: a node counts at most the cycle's writes). Every count of a
 * line is within the evidence ceilings, so the sums cannot overflow.
 */
final class SeedBound {
  private SeedBound() {}

  static String of(Collection<CycleLine> lines) {
    long sumOk = 0;
    long sumMin = 0;
    for (CycleLine line : lines) {
      sumOk += line.ok();
      long min = Math.min(nz(line.counts().get(1)), nz(line.counts().get(2)));
      sumMin += line.writes() == null ? min : Math.min(min, line.writes());
    }
    return ConvergenceMath.bound(ConvergenceMath.thousandths(sumMin, sumOk)).toPlainString();
  }

  private static long nz(Count count) {
    return count.value() == null ? 0 : count.value();
  }
}
