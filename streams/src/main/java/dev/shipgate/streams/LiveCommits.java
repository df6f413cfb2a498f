package dev.shipgate.streams;

import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * When a judgement asks Streams to commit at once instead of at the next commit interval: a
 * fault bound, a campaign verdict or a soak verdict computed from evidence published less than
 * {@value #LIVE_MS} ms ago. Under exactly once an output is visible only once its transaction
 * commits, so on a caught-up instance this takes the wait for the next commit (up to
 * {@code commit.interval.ms}) out of the latency from a cycle's last event to its bound and from
 * the end event to the verdict.
 *
 * <p>A backlog being read (an import, a restart, a replay) is older than that, so it keeps the
 * commit interval and its throughput; and an instance falling behind a busy live campaign soon
 * reads evidence older than that too, so early commits cannot take over its time.
 */
final class LiveCommits {
  /** Evidence younger than this (wall clock minus record time) is live. */
  static final long LIVE_MS = 1_000;

  private final ProcessorContext<?, ?> context;

  LiveCommits(ProcessorContext<?, ?> context) {
    this.context = context;
  }

  /** An output judged from evidence stamped {@code recordTimeMs} was just forwarded. */
  void judged(long recordTimeMs) {
    if (isLive(recordTimeMs)) {
      context.commit();
    }
  }

  /** Whether evidence stamped {@code recordTimeMs} is live. */
  boolean isLive(long recordTimeMs) {
    // a driver's clock ahead of this host's makes its evidence look younger, never older
    return context.currentSystemTimeMs() - recordTimeMs < LIVE_MS;
  }
}
