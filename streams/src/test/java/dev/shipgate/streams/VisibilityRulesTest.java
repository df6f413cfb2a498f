package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VisibilityRulesTest {
  @Test
  void shouldRoundLatenciesUpToTwoSignificantDigits() {
    assertEquals(0, VisibilityRules.bucket(0));
    assertEquals(99, VisibilityRules.bucket(99));
    assertEquals(100, VisibilityRules.bucket(100));
    assertEquals(110, VisibilityRules.bucket(101));
    assertEquals(4600, VisibilityRules.bucket(4595));
    assertEquals(5000, VisibilityRules.bucket(4995));
    assertEquals(91_000, VisibilityRules.bucket(90_001));
  }

  @Test
  void shouldReadQuantilesOfABucketHistogramInOnePass() {
    Map<String, Long> h = new HashMap<>();
    assertArrayEquals(new Long[] {null, null}, VisibilityRules.quantiles(h, 0.5, 0.99));
    // 98 writes at 10 ms, one at 500 ms, one at 4600 ms
    h.put("10", 98L);
    h.put("4600", 1L);
    h.put("500", 1L);
    assertArrayEquals(new Long[] {10L, 500L, 4600L},
        VisibilityRules.quantiles(h, 0.5, 0.99, 1.0));
    assertEquals(10L, VisibilityRules.quantile(h, 0.98));
    assertEquals(500L, VisibilityRules.quantile(h, 0.985));
  }
}
