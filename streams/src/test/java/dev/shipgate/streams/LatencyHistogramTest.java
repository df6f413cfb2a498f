package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void shouldRoundLatenciesUpToTwoSignificantDigits() {
    assertEquals(0, LatencyHistogram.bucket(0));
    assertEquals(99, LatencyHistogram.bucket(99));
    assertEquals(100, LatencyHistogram.bucket(100));
    assertEquals(110, LatencyHistogram.bucket(101));
    assertEquals(4600, LatencyHistogram.bucket(4595));
    assertEquals(5000, LatencyHistogram.bucket(4995));
    assertEquals(91_000, LatencyHistogram.bucket(90_001));
  }

  @Test
  void shouldKeyEveryBucketByItsDecimalNumber() {
    for (long v : new long[] {0, 7, 99, 100, 101, 999, 4595, 9_999, 10_000, 90_001, 1L << 40}) {
      long b = LatencyHistogram.bucket(v);
      assertEquals(String.valueOf(b), LatencyHistogram.key(b), "bucket " + b);
    }
    // a key not on the bucket grid (not made by bucket()) is still its number
    assertEquals("101", LatencyHistogram.key(101));
    assertEquals("-1", LatencyHistogram.key(-1));
    // under 10 s one String per bucket, whatever cycle asks for it
    assertSame(LatencyHistogram.key(4600), LatencyHistogram.key(LatencyHistogram.bucket(4595)));
  }

  @Test
  void shouldReadQuantilesOfABucketHistogramInOnePass() {
    Map<String, Long> h = new HashMap<>();
    assertArrayEquals(new Long[] {null, null}, LatencyHistogram.quantiles(h, 0.5, 0.99));
    // 98 writes at 10 ms, one at 500 ms, one at 4600 ms
    h.put("10", 98L);
    h.put("4600", 1L);
    h.put("500", 1L);
    assertArrayEquals(new Long[] {10L, 500L, 4600L},
        LatencyHistogram.quantiles(h, 0.5, 0.99, 1.0));
    assertEquals(10L, LatencyHistogram.quantile(h, 0.98));
    assertEquals(500L, LatencyHistogram.quantile(h, 0.985));
  }
}
