package dev.shipgate.streams;

import java.math.BigDecimal;

/**
 * The seed's convergence bound, exactly: {@code floor(1000 * sumMinPeer / sumOk) / 1000}, 1 when
 * {@code sumOk = 0}, in integer arithmetic; and the Wilson score lower bound reported next to it.
 */
public final class ConvergenceMath {
  private ConvergenceMath() {}

  /** The bound times 1000, floored (long division); 1000 when nothing was acknowledged. */
  public static long thousandths(long sumMinPeer, long sumOk) {
    return sumOk == 0 ? 1000 : Math.floorDiv(1000 * sumMinPeer, sumOk);
  }

  /** The bound as the seed prints it: "1", "0.2", "0.995", possibly above 1. */
  public static BigDecimal bound(long thousandths) {
    BigDecimal b = BigDecimal.valueOf(thousandths, 3).stripTrailingZeros();
    return b.scale() < 0 ? b.setScale(0) : b;
  }

  /** A recorded bound's text as a plain decimal ("1.0" becomes "1"). */
  public static BigDecimal plain(BigDecimal value) {
    BigDecimal b = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
    return b.scale() < 0 ? b.setScale(0) : b;
  }

  /** nz() of the seed: a count as a number, 0 when missing or not numeric ("ERR"). */
  public static long nz(Long count, String raw) {
    if (count != null) {
      return count;
    }
    if (raw != null) {
      String t = raw.trim();
      if (!t.isEmpty() && t.chars().allMatch(Character::isDigit) && t.length() < 19) {
        return Long.parseLong(t);
      }
    }
    return 0;
  }

  /**
   * Wilson score interval lower bound of {@code successes / trials} at {@code z}; NaN when
   * {@code trials = 0}. Callers cap successes at trials.
   */
  public static double wilsonLower(long successes, long trials, double z) {
    if (trials <= 0) {
      return Double.NaN;
    }
    double n = trials;
    double p = (double) Math.min(successes, trials) / n;
    double z2 = z * z;
    double centre = p + z2 / (2 * n);
    double margin = z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    return Math.max(0, (centre - margin) / (1 + z2 / n));
  }
}
