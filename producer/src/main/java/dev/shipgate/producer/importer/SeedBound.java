package dev.shipgate.producer.importer;

import dev.shipgate.producer.importer.CycleLine.Count;
import java.math.BigDecimal;
import java.util.Collection;

/**
 * The seed's convergence bound over imported cycles, used only to note when a recorded bound
 * disagrees with the cycles imported for the same fault class (Streams computes the real one):
 * {@code floor(1000 × Σ min(nz(count_node1), nz(count_node2)) / Σ ok) / 1000}, 1 when Σ ok = 0.
 */
final class SeedBound {
  private SeedBound() {}

  static String of(Collection<CycleLine> lines) {
    long sumOk = 0;
    long sumMin = 0;
    for (CycleLine line : lines) {
      sumOk += line.ok();
      sumMin += Math.min(nz(line.counts().get(1)), nz(line.counts().get(2)));
    }
    if (sumOk == 0) {
      return "1";
    }
    BigDecimal bound = BigDecimal.valueOf(1000 * sumMin / sumOk, 3).stripTrailingZeros();
    return bound.signum() == 0 ? "0" : bound.toPlainString();
  }

  private static long nz(Count count) {
    return count.value() == null ? 0 : count.value();
  }
}
