package dev.shipgate.producer.campaign;

import dev.shipgate.events.CheckResult;
import dev.shipgate.producer.check.CheckProfiles;
import dev.shipgate.producer.check.CheckProfile;
import dev.shipgate.producer.fault.FaultCatalog;
import dev.shipgate.producer.fault.FaultSpec;
import dev.shipgate.producer.remote.CommandRunner;
import dev.shipgate.producer.remote.CommandRunners;
import dev.shipgate.producer.remote.JschCommandRunner;
import dev.shipgate.producer.remote.LocalCommandRunner;
import dev.shipgate.producer.remote.RetryingCommandRunner;
import dev.shipgate.producer.target.TargetAdapter;
import dev.shipgate.producer.target.TargetAdapters;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place where a campaign's concrete implementations are chosen: the command runner from
 * the ssh settings, the target adapter by name, the fault specs by class name, the phase 1/3
 * check profile by name. Everything else codes against the interfaces.
 */
public final class DriverFactory {
  private DriverFactory() {}

  /** Fault classes that take the campaign's phase4.heal_delay_ms as their heal_delay_ms. */
  private static final Set<String> TIMED_FAULTS =
      Set.of("partition_minority", "drop_random_acks", "clock_skew_peer");

  /** The fault classes a campaign may name, in the seed's run order. */
  public static List<String> knownFaultClasses() {
    return List.copyOf(FaultCatalog.builtIn().faultClasses());
  }

  /**
   * Problems that only the concrete implementations can find (a fault setting, a check profile
   * or an adapter setting they refuse), one line each naming the key; empty when all is well.
   * Touches nothing (no connection is opened).
   */
  public static List<String> problems(CampaignSpec spec) {
    List<String> out = new ArrayList<>();
    if (spec.phaseEnabled(4)) {
      for (String fault : spec.phase4().faults()) {
        try {
          faultSpec(spec, fault);
        } catch (IllegalArgumentException e) {
          out.add("phase4.fault_settings." + fault + ": " + e.getMessage());
        }
      }
    }
    if (spec.phaseEnabled(1) || spec.phaseEnabled(3)) {
      try {
        checkProfile(spec);
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        out.add("check_profile: " + e.getMessage());
      }
    }
    return out;
  }

  /**
   * The runner: SSH (JSch; host keys checked against each node's known_hosts unless
   * ssh.strict_host_key_checking is false) for nodes with a private key, this machine for nodes
   * without one; transient failures retried ssh.retries times with backoff.
   */
  public static CommandRunner commandRunner(CampaignSpec spec) {
    CampaignSpec.SshSpec ssh = spec.ssh();
    JschCommandRunner jsch = JschCommandRunner.builder()
        .strictHostKeyChecking(ssh.strictHostKeyChecking())
        .connectTimeout(Duration.ofMillis(ssh.connectTimeoutMs()))
        .build();
    return new RetryingCommandRunner(CommandRunners.byNode(jsch, new LocalCommandRunner()),
        ssh.retries() + 1, Duration.ofMillis(200), Duration.ofSeconds(2));
  }

  /** The adapter named by target.adapter, with target.settings. */
  public static TargetAdapter targetAdapter(CampaignSpec spec) {
    return TargetAdapters.create(spec.target().adapter(), spec.target().settings());
  }

  /** The fault specs of phase4.faults, in run order. */
  public static List<FaultSpec> faultSpecs(CampaignSpec spec) {
    if (!spec.phaseEnabled(4)) {
      return List.of();
    }
    List<FaultSpec> out = new ArrayList<>();
    for (String fault : spec.phase4().faults()) {
      out.add(faultSpec(spec, fault));
    }
    return out;
  }

  /**
   * One fault class's spec: its phase4.fault_settings, plus phase4.heal_delay_ms as heal_delay_ms
   * for the timed classes, and target = the adapter name for clock_skew_peer (so that a target
   * known to ignore libfaketime is reported NOT_APPLIED with the reason), unless given.
   */
  static FaultSpec faultSpec(CampaignSpec spec, String fault) {
    Map<String, String> settings =
        new LinkedHashMap<>(spec.phase4().faultSettings().getOrDefault(fault, Map.of()));
    if (TIMED_FAULTS.contains(fault)) {
      settings.putIfAbsent("heal_delay_ms", String.valueOf(spec.phase4().healDelayMs()));
    }
    if (fault.equals("clock_skew_peer")) {
      settings.putIfAbsent("target", spec.target().adapter());
    }
    return FaultCatalog.builtIn().create(fault, settings);
  }

  /** Phase 1 and 3 checks of check_profile; null when neither phase is enabled. */
  public static PhaseChecks phaseChecks(CampaignSpec spec) {
    if (!spec.phaseEnabled(1) && !spec.phaseEnabled(3)) {
      return null;
    }
    CheckProfile profile = checkProfile(spec);
    return (phase, context) -> phase == 1
        ? profile.runPhase1(context.runner(), context.nodes(), context.campaignId())
        : List.<CheckResult>of(profile.runPhase3(context.runner(), context.nodes(),
            context.campaignId()));
  }

  static CheckProfile checkProfile(CampaignSpec spec) {
    return CheckProfiles.forTarget(spec.checkProfile(), spec.checkSettings(), Clock.systemUTC());
  }
}
