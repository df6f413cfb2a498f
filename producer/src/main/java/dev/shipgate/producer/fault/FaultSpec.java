package dev.shipgate.producer.fault;

import java.time.Duration;

/**
 * The immutable description of one fault class (Trogdor's {@code TaskSpec}): what it does and
 * with which settings. {@link #newWorker()} makes the {@link FaultWorker} that applies it.
 */
public interface FaultSpec {

  /** The class name used in events and artifacts, e.g. {@code partition_minority}. */
  String faultClass();

  /** How long the fault stays before it is healed (the seed's 500 ms); zero for kills. */
  Duration healDelay();

  FaultWorker newWorker();

  /**
   * How the fault acts (SIGKILL, iptables, SIGSTOP, libfaketime ...), as the driver's lease names
   * it before the worker has run; the fault events carry the worker's own word.
   */
  default String mechanismName() {
    return faultClass();
  }

  /** The node the fault will act on in {@code context} (the primary, unless a peer). */
  default String targetOf(FaultContext context) {
    return context.primary().name();
  }
}
