package dev.shipgate.cli.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The retry schedule: 200 ms doubling, capped, equal jitter, Retry-After honoured up to the cap. */
class BackoffTest {

  private static long ms(Duration d) {
    return d.toMillis();
  }

  @Test
  void shouldDoubleFrom200MillisUpToTheCap() {
    Backoff b = new Backoff(Duration.ofSeconds(30), new SplittableRandom(1));
    List<Long> nominal = new ArrayList<>();
    for (int n = 1; n <= 12; n++) {
      nominal.add(ms(b.nominal(n)));
    }
    assertEquals(List.of(200L, 400L, 800L, 1600L, 3200L, 6400L, 12800L, 25600L, 30000L, 30000L,
        30000L, 30000L), nominal);
    assertEquals(30000L, ms(b.nominal(1000)), "no overflow after many retries");
    assertEquals(30000L, ms(b.nominal(Integer.MAX_VALUE)));
    assertThrows(IllegalArgumentException.class, () -> b.nominal(0));
  }

  @Test
  void shouldJitterEachWaitBetweenHalfTheNominalAndTheNominal() {
    for (long seed = 0; seed < 200; seed++) {
      Backoff b = new Backoff(Duration.ofSeconds(5), new SplittableRandom(seed));
      for (int n = 1; n <= 10; n++) {
        long wait = ms(b.next(null));
        long nominal = ms(b.nominal(n));
        assertTrue(wait >= nominal / 2 && wait <= nominal,
            "retry " + n + " seed " + seed + ": " + wait + " not in [" + nominal / 2 + ", "
                + nominal + "]");
      }
      assertEquals(10, b.retries());
    }
  }

  @Test
  void shouldNotRetryInLockStep() {
    List<Long> firstWaits = new ArrayList<>();
    for (long seed = 0; seed < 20; seed++) {
      firstWaits.add(ms(new Backoff(Duration.ofSeconds(30), new SplittableRandom(seed)).next(null)));
    }
    assertTrue(firstWaits.stream().distinct().count() > 10, "jittered: " + firstWaits);
    assertNotEquals(firstWaits.get(0), firstWaits.get(1));
  }

  @Test
  void shouldHonourRetryAfterUpToTheCap() {
    Backoff b = new Backoff(Duration.ofSeconds(30), new SplittableRandom(7));
    assertEquals(5000L, ms(b.next(Duration.ofSeconds(5))), "a longer Retry-After is waited for");
    assertEquals(30000L, ms(new Backoff(Duration.ofSeconds(30), new SplittableRandom(7))
        .next(Duration.ofHours(1))), "but never longer than the cap");
    long wait = ms(new Backoff(Duration.ofSeconds(30), new SplittableRandom(7))
        .next(Duration.ZERO));
    assertTrue(wait >= 100 && wait <= 200, "a shorter Retry-After does not shorten it: " + wait);
  }

  @Test
  void shouldKeepACapBelowTheFirstStep() {
    Backoff b = new Backoff(Duration.ofMillis(50), new SplittableRandom(3));
    for (int n = 1; n <= 5; n++) {
      long wait = ms(b.next(null));
      assertTrue(wait >= 25 && wait <= 50, "capped at 50 ms: " + wait);
    }
    assertThrows(IllegalArgumentException.class,
        () -> new Backoff(Duration.ZERO, new SplittableRandom(3)));
  }
}
