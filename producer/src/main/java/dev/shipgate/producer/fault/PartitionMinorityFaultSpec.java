package dev.shipgate.producer.fault;

import dev.shipgate.producer.settings.Settings;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@code partition_minority}: cuts the primary off from every peer with iptables DROP rules in
 * OUTPUT, matched by the owner of the packets (each node's process runs as its own OS user) and
 * their destination address, tagged with the comment {@code shipgate:<campaign>}; healed after
 * {@link #healDelay()} by deleting exactly those rules.
 *
 * <p>Settings: {@code heal_delay_ms} (default 500, the seed's).
 */
public record PartitionMinorityFaultSpec(Duration healDelay) implements FaultSpec {
  public static final String FAULT_CLASS = "partition_minority";
  public static final Duration DEFAULT_HEAL_DELAY = Duration.ofMillis(500);

  public PartitionMinorityFaultSpec {
    if (healDelay == null || healDelay.isNegative()) {
      throw new IllegalArgumentException("healDelay must be >= 0");
    }
  }

  public PartitionMinorityFaultSpec() {
    this(DEFAULT_HEAL_DELAY);
  }

  public static PartitionMinorityFaultSpec fromSettings(Map<String, String> settings) {
    Settings s = new Settings(FAULT_CLASS, settings).refuseUnknown( Set.of("heal_delay_ms"));
    return new PartitionMinorityFaultSpec(s.millis("heal_delay_ms", DEFAULT_HEAL_DELAY));
  }

  @Override
  public String faultClass() {
    return FAULT_CLASS;
  }

  @Override
  public String mechanismName() {
    return PartitionMinorityFaultWorker.MECHANISM;
  }

  @Override
  public FaultWorker newWorker() {
    return new PartitionMinorityFaultWorker();
  }
}
