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
}
