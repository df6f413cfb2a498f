package dev.shipgate.producer.fault;

import dev.shipgate.producer.settings.Settings;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@code drop_random_acks}: freezes one peer with SIGSTOP for {@link #healDelay()}, then SIGCONT —
 * its acknowledgements stop arriving meanwhile. The peer is {@code peers[cycle % peers.size()]},
 * so a run is reproducible and every peer takes its turn.
 *
 * <p>Settings: {@code heal_delay_ms} (default 500), {@code check_attempts} (default 10),
 * {@code check_interval_ms} (default 100): reads of the process state after each signal.
 */
public record PausePeerFaultSpec(Duration healDelay, int checkAttempts, Duration checkInterval)
    implements FaultSpec {
  public static final String FAULT_CLASS = "drop_random_acks";
  public static final Duration DEFAULT_HEAL_DELAY = Duration.ofMillis(500);

  public PausePeerFaultSpec {
    if (healDelay == null || healDelay.isNegative()) {
      throw new IllegalArgumentException("healDelay must be >= 0");
    }
    if (checkAttempts < 1) {
      throw new IllegalArgumentException("checkAttempts must be >= 1");
    }
    if (checkInterval == null || checkInterval.isNegative()) {
      throw new IllegalArgumentException("checkInterval must be >= 0");
    }
  }

  public PausePeerFaultSpec() {
    this(DEFAULT_HEAL_DELAY, 10, Duration.ofMillis(100));
  }

  public static PausePeerFaultSpec fromSettings(Map<String, String> settings) {
    Settings s = new Settings(FAULT_CLASS, settings).refuseUnknown(
        Set.of("heal_delay_ms", "check_attempts", "check_interval_ms"));
    return new PausePeerFaultSpec(s.millis("heal_delay_ms", DEFAULT_HEAL_DELAY),
        s.positiveInt("check_attempts", 10), s.millis("check_interval_ms", Duration.ofMillis(100)));
  }

  @Override
  public String faultClass() {
    return FAULT_CLASS;
  }

  @Override
  public String mechanismName() {
    return PausePeerFaultWorker.STOP;
  }

  @Override
  public String targetOf(FaultContext context) {
    return context.peers().isEmpty() ? context.primary().name()
        : PausePeerFaultWorker.target(context).name();
  }

  @Override
  public FaultWorker newWorker() {
    return new PausePeerFaultWorker(this);
  }
}
