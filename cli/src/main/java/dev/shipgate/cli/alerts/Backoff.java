package dev.shipgate.cli.alerts;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The wait before each retry of one alert: 200 ms, doubling, capped at the maximum, each with
 * "equal jitter" (a uniformly random wait between half the nominal and the nominal), so webhooks
 * restarted together do not retry in lock step. A server's {@code Retry-After} is honoured up to
 * the maximum. A new {@link Backoff} starts over (one per alert).
 */
public final class Backoff {
  public static final Duration INITIAL = Duration.ofMillis(200);

  private final Duration max;
  private final RandomGenerator random;
  private int retries;

  public Backoff(Duration max, RandomGenerator random) {
    if (max.isNegative() || max.isZero()) {
      throw new IllegalArgumentException("the maximum backoff must be positive, got " + max);
    }
    this.max = max;
    this.random = Objects.requireNonNull(random);
  }

  /**
   * The nominal wait before retry {@code n} (1-based): {@code min(max, 200 ms x 2^(n-1))}.
   */
  public Duration nominal(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("retries count from 1, got " + n);
    }
    long initial = INITIAL.toMillis();
    long cap = max.toMillis();
    // 200 ms x 2^(n-1) passes any cap long before it would overflow
    long millis = n > 40 ? cap : Math.min(cap, initial << (n - 1));
    return Duration.ofMillis(millis);
  }

  /** The wait before the next retry, jittered; {@code retryAfter} (or null) a floor. */
  public Duration next(Duration retryAfter) {
    retries++;
    long nominal = nominal(retries).toMillis();
    long half = nominal / 2;
    long wait = half + (nominal - half == 0 ? 0 : random.nextLong(nominal - half + 1));
    if (retryAfter != null && !retryAfter.isNegative()) {
      wait = Math.max(wait, Math.min(retryAfter.toMillis(), max.toMillis()));
    }
    return Duration.ofMillis(wait);
  }

  /** Retries so far. */
  public int retries() {
    return retries;
  }

  public Duration max() {
    return max;
  }
}
