package dev.shipgate.producer.fault;

import dev.shipgate.producer.settings.Settings;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@code kill_primary_mid_write}: SIGKILL the primary's process while writes are in flight; heal
 * restarts it with the node's start command (the recovery between cycles).
 *
 * <p>Settings: {@code check_attempts} (default 10) and {@code check_interval_ms} (default 200):
 * how often the process state is read back after the kill, and the pid file after the restart.
 *
 * @param checkAttempts reads of the process state (or the pid file) before giving up
 * @param checkInterval pause between two reads
 */
public record KillPrimaryFaultSpec(int checkAttempts, Duration checkInterval) implements FaultSpec {
  public static final String FAULT_CLASS = "kill_primary_mid_write";

  public KillPrimaryFaultSpec {
    if (checkAttempts < 1) {
      throw new IllegalArgumentException("checkAttempts must be >= 1");
    }
    if (checkInterval == null || checkInterval.isNegative()) {
      throw new IllegalArgumentException("checkInterval must be >= 0");
    }
  }

  public KillPrimaryFaultSpec() {
    this(10, Duration.ofMillis(200));
  }

  /** From a campaign's settings for this class (see the class doc for the keys). */
  public static KillPrimaryFaultSpec fromSettings(Map<String, String> settings) {
    Settings s = new Settings(FAULT_CLASS, settings).refuseUnknown(
        Set.of("check_attempts", "check_interval_ms"));
    return new KillPrimaryFaultSpec(s.positiveInt("check_attempts", 10),
        s.millis("check_interval_ms", Duration.ofMillis(200)));
  }

  @Override
  public String faultClass() {
    return FAULT_CLASS;
  }

  @Override
  public String mechanismName() {
    return KillPrimaryFaultWorker.MECHANISM;
  }

  /** Zero: the kill is not undone after a delay; the node is restarted between cycles. */
  @Override
  public Duration healDelay() {
    return Duration.ZERO;
  }

  @Override
  public FaultWorker newWorker() {
    return new KillPrimaryFaultWorker(this);
  }
}
