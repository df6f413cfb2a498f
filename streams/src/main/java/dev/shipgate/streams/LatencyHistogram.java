package dev.shipgate.streams;

import java.util.Arrays;
import java.util.Map;

/**
 * Latencies as sparse histograms (bucket, rounded up, to count; Avro maps have string keys): the
 * bucketing and the quantiles read from them.
 */
final class LatencyHistogram {
  private LatencyHistogram() {}

  /**
   * {@code v} rounded up to 2 significant digits (exact below 100): at most 10 % above it, and at
   * most 90 buckets per decade, so a class's histograms stay small whatever its writes.
   */
  static long bucket(long v) {
    if (v < 100) {
      return Math.max(0, v);
    }
    long unit = 1;
    while (v / unit >= 100) {
      unit *= 10;
    }
    return (v + unit - 1) / unit * unit;
  }

  /** Keys of the buckets below {@value #KEYED}: every bucket of a latency under 10 s. */
  private static final int KEYED = 10_000;
  private static final String[] KEYS = new String[KEYED];

  static {
    for (int v = 0; v < KEYED; v++) {
      if (bucket(v) == v) {
        KEYS[v] = String.valueOf(v);
      }
    }
  }

  /**
   * A bucket's key in a histogram map: the decimal number, the same String object for every
   * bucket under 10 s (its hash computed once, not at every cycle a histogram is added to).
   */
  static String key(long bucket) {
    if (bucket >= 0 && bucket < KEYED) {
      String k = KEYS[(int) bucket];
      if (k != null) {
        return k;
      }
    }
    return String.valueOf(bucket);
  }

  /** The {@code q} quantile (0 &lt; q ≤ 1) of a bucket histogram, or null when it is empty. */
  static Long quantile(Map<String, Long> histogram, double q) {
    return quantiles(histogram, q)[0];
  }

  /** The {@code qs} quantiles (ascending) of a bucket histogram in one pass; nulls when empty. */
  static Long[] quantiles(Map<String, Long> histogram, double... qs) {
    Long[] out = new Long[qs.length];
    int size = histogram.size();
    if (size == 0) {
      return out;
    }
    long[] buckets = new long[size];
    long[] counts = new long[size];
    int i = 0;
    for (Map.Entry<String, Long> e : histogram.entrySet()) {
      buckets[i] = Long.parseLong(e.getKey());
      counts[i++] = e.getValue();
    }
    // sort the buckets, their counts alongside (a histogram has at most a few hundred)
    Integer[] order = new Integer[size];
    for (int k = 0; k < size; k++) {
      order[k] = k;
    }
    Arrays.sort(order, (a, b) -> Long.compare(buckets[a], buckets[b]));
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    if (n == 0) {
      return out;
    }
    long seen = 0;
    int q = 0;
    for (int k = 0; k < size && q < qs.length; k++) {
      seen += counts[order[k]];
      while (q < qs.length && seen >= (long) Math.ceil(qs[q] * n)) {
        out[q++] = buckets[order[k]];
      }
    }
    while (q < qs.length) {
      out[q++] = buckets[order[size - 1]];
    }
    return out;
  }
}
