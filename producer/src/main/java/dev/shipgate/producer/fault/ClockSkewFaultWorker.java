package dev.shipgate.producer.fault;

import dev.shipgate.events.FaultAction;
import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.remote.Shell;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Skews one peer's clock ({@code peers[cycle % peers.size()]}).
 *
 * <p>With libfaketime: stops the peer's process ({@code kill <pid>}), restarts it with
 * {@code env FAKETIME=<offset> FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD=<lib> sh -c '<start>'},
 * then proves the effect twice: the library is mapped into the new process
 * ({@code grep -c libfaketime /proc/<pid>/maps}), and an offset is measured — the target's own
 * time ({@code measure_command}) or {@code date +%s.%N} under the same preload — against the
 * node's real clock, within the tolerance of the requested offset. Anything short of that restarts
 * the process without the preload and is NOT_APPLIED. Heal restarts it without the preload and
 * checks that the library is no longer mapped.
 *
 * <p>Unsupported: NOT_APPLIED with the reason; no command is run.
 */
public final class ClockSkewFaultWorker implements FaultWorker {
  private static final Logger log = LoggerFactory.getLogger(ClockSkewFaultWorker.class);
  static final String MECHANISM = "libfaketime";
  static final String UNSUPPORTED = "unsupported";
  static final String REAL_TIME = "date +%s.%N";

  private final ClockSkewFaultSpec spec;
  private Node skewed;
  private long skewedPid;

  ClockSkewFaultWorker(ClockSkewFaultSpec spec) {
    this.spec = spec;
  }

  static String mappedCommand(long pid) {
    return "grep -c libfaketime /proc/" + pid + "/maps";
  }

  String startCommand(Node node) {
    return spec.preloadPrefix() + " sh -c " + Shell.quote(node.startCommand());
  }

  String measureCommand() {
    String target = spec.measureCommand() != null ? spec.measureCommand()
        : spec.preloadPrefix() + " " + REAL_TIME;
    return REAL_TIME + " && " + target;
  }

  @Override
  public FaultResult inject(FaultContext ctx) {
    String targetName = ctx.peers().isEmpty() ? ctx.primary().name()
        : PausePeerFaultWorker.target(ctx).name();
    if (spec.mechanism() == ClockSkewFaultSpec.Mechanism.UNSUPPORTED) {
      log.info("Fault {} on node {} not applied: {}", ClockSkewFaultSpec.FAULT_CLASS, targetName,
          spec.unsupportedReason());
      return FaultResult.notApplied(targetName, UNSUPPORTED, null, null,
          spec.unsupportedReason());
    }
    if (ctx.peers().isEmpty()) {
      return FaultResult.notApplied(targetName, MECHANISM, null, null, "no peer to skew");
    }
    Node node = PausePeerFaultWorker.target(ctx);
    if (node.startCommand() == null || node.startCommand().isBlank()) {
      return FaultResult.notApplied(node.name(), MECHANISM, null, null, "node " + node.name()
          + " has no start command; libfaketime needs to restart the process");
    }
    long pid;
    try {
      long oldPid = NodeProcess.readPid(ctx, node);
      stop(ctx, node, oldPid);
      NodeProcess.Started started = NodeProcess.start(ctx, node, startCommand(node), oldPid,
          spec.checkAttempts(), spec.checkInterval());
      pid = started.pid();
    } catch (StepFailure e) {
      return FaultResult.notApplied(node.name(), MECHANISM, e.command(), e.exitStatus(),
          e.getMessage());
    }
    String start = startCommand(node);
    try {
      long mapped = mappedCount(ctx, node, pid);
      if (mapped == 0) {
        return rollBack(ctx, node, pid, start, "libfaketime is not mapped into pid " + pid
            + " (the program does not load it, e.g. a static or Go binary)");
      }
      BigDecimal measured = measure(ctx, node);
      BigDecimal requested = seconds(spec.offset().toMillis());
      BigDecimal tolerance = seconds(spec.tolerance().toMillis());
      String how = spec.measureCommand() != null ? "the target's own time ('"
          + spec.measureCommand() + "')" : "date under the same preload";
      if (measured.subtract(requested).abs().compareTo(tolerance) > 0) {
        return rollBack(ctx, node, pid, start, "measured offset " + signed(measured)
            + " s by " + how + " is not within " + tolerance.toPlainString()
            + " s of the requested " + signed(requested) + " s");
      }
      skewed = node;
      skewedPid = pid;
      String evidence = "pid " + pid + " restarted with FAKETIME=" + spec.faketimeValue()
          + " (libfaketime mapped in /proc/" + pid + "/maps); measured offset "
          + signed(measured) + " s by " + how + " (requested " + signed(requested) + " s)";
      log.info("Fault {} on node {}: {}", ClockSkewFaultSpec.FAULT_CLASS, node.name(), evidence);
      return new FaultResult(FaultAction.INJECTED, node.name(), MECHANISM, start, 0, evidence,
          null);
    } catch (StepFailure e) {
      return rollBack(ctx, node, pid, start, e.getMessage());
    }
  }

  @Override
  public FaultResult heal(FaultContext ctx) {
    if (skewed == null) {
      return null;
    }
    Node node = skewed;
    try {
      long pid = restartPlain(ctx, node, skewedPid);
      skewed = null;
      String evidence = "restarted as pid " + pid + " without libfaketime (not mapped in /proc/"
          + pid + "/maps)";
      log.info("Healed {} on node {}: {}", ClockSkewFaultSpec.FAULT_CLASS, node.name(), evidence);
      return new FaultResult(FaultAction.HEALED, node.name(), MECHANISM, node.startCommand(), 0,
          evidence, null);
    } catch (StepFailure e) {
      return FaultResult.notApplied(node.name(), MECHANISM, e.command(), e.exitStatus(),
          e.getMessage());
    }
  }

  private FaultResult rollBack(FaultContext ctx, Node node, long pid, String command,
      String reason) {
    String restored;
    try {
      restored = "restarted without libfaketime as pid " + restartPlain(ctx, node, pid);
    } catch (StepFailure e) {
      restored = "restart without libfaketime failed: " + e.getMessage();
    }
    return FaultResult.notApplied(node.name(), MECHANISM, command, 0, reason + "; " + restored);
  }

  /** Stops {@code pid}, starts the node's plain start command, checks libfaketime is not mapped. */
  private long restartPlain(FaultContext ctx, Node node, long pid) {
    stop(ctx, node, pid);
    NodeProcess.Started started = NodeProcess.start(ctx, node, node.startCommand(), pid,
        spec.checkAttempts(), spec.checkInterval());
    long mapped = mappedCount(ctx, node, started.pid());
    if (mapped != 0) {
      throw new StepFailure("libfaketime still mapped into pid " + started.pid()
          + " after a plain restart", mappedCommand(started.pid()), 0);
    }
    return started.pid();
  }

  /** SIGTERM, then reads the state until the process is gone or a zombie. */
  private void stop(FaultContext ctx, Node node, long pid) {
    String kill = "kill " + pid;
    CommandResult r = NodeProcess.run(ctx, node, kill);
    String state = NodeProcess.awaitDead(ctx, node, pid, spec.checkAttempts(),
        spec.checkInterval());
    if (!NodeProcess.dead(state)) {
      throw new StepFailure(NodeProcess.describe(pid, state) + " still alive after '" + kill
          + "' (" + r.summary() + ")", kill, r.exitStatus());
    }
  }

  private static long mappedCount(FaultContext ctx, Node node, long pid) {
    String command = mappedCommand(pid);
    CommandResult r = NodeProcess.run(ctx, node, command);
    String out = r.stdout().strip();
    // grep -c prints 0 and exits 1 when nothing matches; 2 means /proc/<pid>/maps was unreadable
    if (!out.matches("[0-9]+") || r.exitStatus() > 1) {
      throw new StepFailure("cannot read /proc/" + pid + "/maps on node " + node.name() + " ("
          + r.summary() + ")", command, r.exitStatus());
    }
    return Long.parseLong(out);
  }

  /** Target time minus real time, in seconds, from two lines of epoch seconds. */
  private BigDecimal measure(FaultContext ctx, Node node) {
    String command = measureCommand();
    CommandResult r = NodeProcess.run(ctx, node, command);
    String[] lines = r.stdout().strip().split("\\s*\n\\s*");
    if (!r.ok() || lines.length != 2 || !lines[0].matches("[0-9]+(\\.[0-9]+)?")
        || !lines[1].matches("[0-9]+(\\.[0-9]+)?")) {
      throw new StepFailure("cannot measure the offset on node " + node.name() + ": expected two "
          + "lines of epoch seconds from '" + command + "' (" + r.summary() + ")", command,
          r.exitStatus());
    }
    return new BigDecimal(lines[1]).subtract(new BigDecimal(lines[0]))
        .setScale(3, RoundingMode.HALF_UP);
  }

  private static BigDecimal seconds(long millis) {
    return BigDecimal.valueOf(millis, 3);
  }

  private static String signed(BigDecimal seconds) {
    return (seconds.signum() >= 0 ? "+" : "") + seconds.setScale(3, RoundingMode.HALF_UP)
        .toPlainString();
  }
}
