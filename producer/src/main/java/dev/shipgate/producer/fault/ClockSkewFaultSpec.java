package dev.shipgate.producer.fault;

import dev.shipgate.producer.remote.Shell;
import dev.shipgate.producer.settings.Settings;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code clock_skew_peer}: shifts one peer's clock by {@link #offset()} — only where the target
 * honours the mechanism, and never without a measured offset as evidence.
 *
 * <p>There is no per-process clock on a shared host except an interposed time library:
 * {@link Mechanism#LIBFAKETIME} restarts the peer's process with {@code FAKETIME=<offset>} and
 * {@code LD_PRELOAD=<libfaketime>}. That only works for programs that read the time through libc;
 * Go programs (etcd) read it without libc and ignore it, and it hangs redis-server 7. For those the
 * mechanism is {@link Mechanism#UNSUPPORTED} with a reason, and every cycle is NOT_APPLIED.
 *
 * <p>Settings: {@code target} (the target's name; {@code etcd} and {@code redis} are unsupported),
 * {@code mechanism} ({@code libfaketime} | {@code unsupported}; default unsupported),
 * {@code reason} (for unsupported), {@code offset_ms} (default 5000; may be negative),
 * {@code libfaketime_path} (default Debian's), {@code measure_command} (optional: prints the
 * target's own current time as epoch seconds; default: {@code date +%s.%N} run under the same
 * preload), {@code tolerance_ms} (default 1000: the measured offset must be this close to the
 * requested one), {@code heal_delay_ms} (default 500), {@code check_attempts} (default 20),
 * {@code check_interval_ms} (default 250).
 *
 * @param offset requested clock offset of the peer
 * @param mechanism how it is applied
 * @param unsupportedReason for {@link Mechanism#UNSUPPORTED}: the NOT_APPLIED reason
 * @param libfaketimePath the libfaketime shared object on the nodes
 * @param measureCommand command printing the target's current time (epoch seconds), or null
 * @param tolerance maximum difference between measured and requested offset
 * @param healDelay how long the skew stays
 * @param checkAttempts reads of the process state / pid file after a stop or start
 * @param checkInterval pause between two reads
 */
public record ClockSkewFaultSpec(Duration offset, Mechanism mechanism, String unsupportedReason,
    String libfaketimePath, String measureCommand, Duration tolerance, Duration healDelay,
    int checkAttempts, Duration checkInterval) implements FaultSpec {

  public static final String FAULT_CLASS = "clock_skew_peer";
  public static final Duration DEFAULT_OFFSET = Duration.ofSeconds(5);
  public static final Duration DEFAULT_HEAL_DELAY = Duration.ofMillis(500);
  public static final String DEBIAN_LIBFAKETIME =
      "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
  public static final String ETCD_REASON = "etcd is a Go program and ignores libfaketime; no "
      + "per-process clock offset can be applied on a shared host";
  public static final String REDIS_REASON = "libfaketime hangs redis-server; no per-process "
      + "clock offset can be applied on a shared host";

  /** How the offset is applied. */
  public enum Mechanism {
    /** Restart the process under libfaketime; only for programs reading time through libc. */
    LIBFAKETIME,
    /** No mechanism: every cycle is NOT_APPLIED with the reason. */
    UNSUPPORTED
  }

  public ClockSkewFaultSpec {
    if (offset == null || offset.isZero()) {
      throw new IllegalArgumentException(FAULT_CLASS + ": offset must be non-zero");
    }
    if (mechanism == null) {
      throw new IllegalArgumentException(FAULT_CLASS + ": mechanism is required");
    }
    if (mechanism == Mechanism.UNSUPPORTED
        && (unsupportedReason == null || unsupportedReason.isBlank())) {
      throw new IllegalArgumentException(FAULT_CLASS + ": an unsupported mechanism needs a reason");
    }
    if (mechanism == Mechanism.LIBFAKETIME
        && (libfaketimePath == null || libfaketimePath.isBlank())) {
      throw new IllegalArgumentException(FAULT_CLASS + ": libfaketime needs libfaketime_path");
    }
    if (tolerance == null || tolerance.isNegative() || healDelay == null || healDelay.isNegative()
        || checkInterval == null || checkInterval.isNegative() || checkAttempts < 1) {
      throw new IllegalArgumentException(FAULT_CLASS
          + ": tolerance, heal delay and check interval must be >= 0, check attempts >= 1");
    }
  }

  /** The fault for etcd: NOT_APPLIED every cycle with {@link #ETCD_REASON}. */
  public static ClockSkewFaultSpec unsupported(String reason) {
    return new ClockSkewFaultSpec(DEFAULT_OFFSET, Mechanism.UNSUPPORTED, reason, null, null,
        Duration.ofSeconds(1), DEFAULT_HEAL_DELAY, 20, Duration.ofMillis(250));
  }

  /** libfaketime with Debian's library, {@code date} under the preload as the measurement. */
  public static ClockSkewFaultSpec libfaketime(Duration offset) {
    return new ClockSkewFaultSpec(offset, Mechanism.LIBFAKETIME, null, DEBIAN_LIBFAKETIME, null,
        Duration.ofSeconds(1), DEFAULT_HEAL_DELAY, 20, Duration.ofMillis(250));
  }

  /** From a campaign's settings for this class (see the class doc for the keys). */
  public static ClockSkewFaultSpec fromSettings(Map<String, String> settings) {
    Settings s = new Settings(FAULT_CLASS, settings).refuseUnknown( Set.of("target", "mechanism",
        "reason", "offset_ms", "libfaketime_path", "measure_command", "tolerance_ms",
        "heal_delay_ms", "check_attempts", "check_interval_ms"));
    String target = s.string("target", "").toLowerCase(Locale.ROOT);
    String mech = s.string("mechanism", null);
    String targetReason = switch (target) {
      case "etcd" -> ETCD_REASON;
      case "redis" -> REDIS_REASON;
      default -> null;
    };
    Mechanism mechanism;
    String reason = s.string("reason", null);
    if (mech == null) {
      mechanism = Mechanism.UNSUPPORTED;
      if (reason == null) {
        reason = targetReason != null ? targetReason : "no clock-skew mechanism configured"
            + (target.isEmpty() ? "" : " for target " + target)
            + "; set mechanism: libfaketime only for a program that reads time through libc";
      }
    } else if ("libfaketime".equalsIgnoreCase(mech)) {
      if (targetReason != null) {
        throw new IllegalArgumentException(FAULT_CLASS + ": mechanism libfaketime cannot work for "
            + "target " + target + ": " + targetReason);
      }
      mechanism = Mechanism.LIBFAKETIME;
    } else if ("unsupported".equalsIgnoreCase(mech)) {
      mechanism = Mechanism.UNSUPPORTED;
      if (reason == null) {
        reason = targetReason != null ? targetReason
            : "clock skew declared unsupported for target " + (target.isEmpty() ? "?" : target);
      }
    } else {
      throw new IllegalArgumentException(FAULT_CLASS + ": unknown mechanism '" + mech
          + "'; known: libfaketime, unsupported");
    }
    Duration offset;
    String off = s.string("offset_ms", null);
    try {
      offset = off == null ? DEFAULT_OFFSET : Duration.ofMillis(Long.parseLong(off));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(FAULT_CLASS + ": offset_ms must be an integer number of "
          + "milliseconds, got '" + off + "'");
    }
    return new ClockSkewFaultSpec(offset, mechanism,
        mechanism == Mechanism.UNSUPPORTED ? reason : null,
        s.string("libfaketime_path", DEBIAN_LIBFAKETIME), s.string("measure_command", null),
        s.millis("tolerance_ms", Duration.ofSeconds(1)),
        s.millis("heal_delay_ms", DEFAULT_HEAL_DELAY), s.positiveInt("check_attempts", 20),
        s.millis("check_interval_ms", Duration.ofMillis(250)));
  }

  /** The offset as libfaketime's {@code FAKETIME} wants it: {@code +5}, {@code -2.5}. */
  public String faketimeValue() {
    long ms = offset.toMillis();
    String abs = Math.abs(ms) % 1000 == 0 ? Long.toString(Math.abs(ms) / 1000)
        : String.format(Locale.ROOT, "%d.%03d", Math.abs(ms) / 1000, Math.abs(ms) % 1000);
    return (ms < 0 ? "-" : "+") + abs;
  }

  /**
   * The environment prefix a command runs under: {@code FAKETIME_DONT_FAKE_MONOTONIC=1} keeps
   * monotonic clocks real (faked monotonic clocks hang some runtimes, e.g. Java).
   */
  public String preloadPrefix() {
    return "env FAKETIME=" + Shell.quote(faketimeValue()) + " FAKETIME_DONT_FAKE_MONOTONIC=1"
        + " LD_PRELOAD=" + Shell.quote(libfaketimePath);
  }

  @Override
  public String faultClass() {
    return FAULT_CLASS;
  }

  @Override
  public String mechanismName() {
    return ClockSkewFaultWorker.MECHANISM;
  }

  @Override
  public String targetOf(FaultContext context) {
    return context.peers().isEmpty() ? context.primary().name()
        : PausePeerFaultWorker.target(context).name();
  }

  @Override
  public FaultWorker newWorker() {
    return new ClockSkewFaultWorker(this);
  }
}
