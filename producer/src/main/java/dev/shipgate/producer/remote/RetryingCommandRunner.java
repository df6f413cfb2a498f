package dev.shipgate.producer.remote;

import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a delegate's <em>transient</em> failures ({@link RemoteException#transientFailure()})
 * with bounded exponential backoff, in the manner of Jepsen's {@code control/retry}. Permanent
 * failures (authentication, unknown or changed host key) are thrown at once, and a non-zero exit
 * status is a result, never retried.
 *
 * <p>A command that timed out is transient and is run again: commands sent through this runner
 * should be idempotent (kill by PID, {@code iptables -D} of a listed rule...).
 */
public final class RetryingCommandRunner implements CommandRunner {
  private static final Logger log = LoggerFactory.getLogger(RetryingCommandRunner.class);

  /** How the runner waits between attempts (replaceable in tests). */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final CommandRunner delegate;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Sleeper sleeper;

  /**
   * @param delegate the runner whose failures are retried (closed by {@link #close()})
   * @param maxAttempts total attempts, the first included (1 = never retry)
   * @param initialBackoff wait before the second attempt; doubled after each further failure
   * @param maxBackoff cap on a single wait
   */
  public RetryingCommandRunner(CommandRunner delegate, int maxAttempts, Duration initialBackoff,
      Duration maxBackoff) {
    this(delegate, maxAttempts, initialBackoff, maxBackoff, d -> Thread.sleep(d.toMillis()));
  }

  RetryingCommandRunner(CommandRunner delegate, int maxAttempts, Duration initialBackoff,
      Duration maxBackoff, Sleeper sleeper) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff: "
          + initialBackoff + ", " + maxBackoff);
    }
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.sleeper = sleeper;
  }

  @Override
  public CommandResult run(Node node, String command, Duration timeout) {
    Duration backoff = initialBackoff;
    for (int attempt = 1; ; attempt++) {
      try {
        return delegate.run(node, command, timeout);
      } catch (RemoteException e) {
        if (!e.transientFailure()) {
          throw e;
        }
        if (attempt >= maxAttempts) {
          log.warn("RETRY: {} {} giving up after {} attempts: {}", node.name(), command,
              attempt, e.getMessage());
          throw e;
        }
        log.warn("RETRY: {} {} attempt {}/{} failed, retrying in {} ms: {}", node.name(),
            command, attempt, maxAttempts, backoff.toMillis(), e.getMessage());
        try {
          sleeper.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          e.addSuppressed(ie);
          throw e;
        }
        backoff = backoff.multipliedBy(2);
        if (backoff.compareTo(maxBackoff) > 0) {
          backoff = maxBackoff;
        }
      }
    }
  }

  @Override
  public void close() {
    delegate.close();
  }
}
