package dev.shipgate.schemas;

import java.math.BigDecimal;

/**
 * The seed's convergence bound, exactly: {@code floor(1000 * sumMinPeer / sumOk) / 1000}, 1 when
 * {@code sumOk = 0}, in integer arithmetic; and the Wilson score lower bound reported next to it.
 * The one home of the formula: the importer's cross-check and Streams' bound both use it.
 *
 * <p>Arithmetic never wraps: {@link #thousandths} throws {@link ArithmeticException} on overflow
 * (a sum of counts each within {@link EvidenceLimits#MAX_COUNT} cannot reach it), so a forged
 * tally can never turn into a passing bound.
 */
public final class ConvergenceMath {
  private ConvergenceMath() {}

  /**
   * The bound times 1000, floored (long division); 1000 when nothing was acknowledged.
   *
   * @throws ArithmeticException when {@code 1000 * sumMinPeer} overflows, or a sum is negative
   */
  public static long thousandths(long sumMinPeer, long sumOk) {
    if (sumMinPeer < 0 || sumOk < 0) {
      throw new ArithmeticException("negative sum: sum_min_peer " + sumMinPeer + ", sum_ok "
          + sumOk);
    }
    return sumOk == 0 ? 1000 : Math.floorDiv(Math.multiplyExact(1000L, sumMinPeer), sumOk);
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

  /**
   * Why {@code text} cannot be a recorded bound (the seed prints at most 3 decimals, and no bound
   * exceeds {@link EvidenceLimits#MAX_BOUND}), or null when it can.
   */
  public static String recordedBoundProblem(String text) {
    if (text == null) {
      return "no bound";
    }
    BigDecimal value;
    try {
      value = new BigDecimal(text.trim());
    } catch (NumberFormatException e) {
      return "not a decimal";
    }
    if (SeedJson.numberProblem(value) != null) {
      return SeedJson.numberProblem(value);
    }
    if (value.signum() < 0 || value.compareTo(BigDecimal.valueOf(EvidenceLimits.MAX_BOUND)) > 0
        || plain(value).scale() > 3) {
      return "expected a bound between 0 and " + EvidenceLimits.MAX_BOUND
          + " with at most 3 decimals";
    }
    return null;
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
