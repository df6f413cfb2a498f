package dev.shipgate.producer.fault;

import dev.shipgate.events.FaultAction;
import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGKILLs the primary's process: {@code cat <pidFile>}, {@code kill -9 <pid>}, then
 * {@code ps -o stat= -p <pid>} until the process is gone or a zombie ({@code Z}: dead, waiting to
 * be reaped). A process still alive after that is NOT_APPLIED. Heal runs the node's start command
 * and reads the new PID back, alive.
 */
public final class KillPrimaryFaultWorker implements FaultWorker {
  private static final Logger log = LoggerFactory.getLogger(KillPrimaryFaultWorker.class);
  static final String MECHANISM = "SIGKILL";
  static final String RESTART = "restart";

  private final KillPrimaryFaultSpec spec;
  private Node killed;
  private long killedPid;

  KillPrimaryFaultWorker(KillPrimaryFaultSpec spec) {
    this.spec = spec;
  }

  @Override
  public FaultResult inject(FaultContext ctx) {
    Node node = ctx.primary();
    try {
      long pid = NodeProcess.readPid(ctx, node);
      String kill = "kill -9 " + pid;
      CommandResult r = NodeProcess.run(ctx, node, kill);
      if (!r.ok()) {
        return FaultResult.notApplied(node.name(), MECHANISM, kill, r.exitStatus(),
            "kill -9 " + pid + " failed on node " + node.name() + ": " + r.summary());
      }
      String state = NodeProcess.awaitDead(ctx, node, pid, spec.checkAttempts(),
          spec.checkInterval());
      if (!NodeProcess.dead(state)) {
        return FaultResult.notApplied(node.name(), MECHANISM, kill, r.exitStatus(),
            NodeProcess.describe(pid, state) + " still alive after SIGKILL ("
                + spec.checkAttempts() + " reads)");
      }
      killed = node;
      killedPid = pid;
      String evidence = NodeProcess.describe(pid, state) + " after SIGKILL";
      log.info("Fault {} on node {}: {}", KillPrimaryFaultSpec.FAULT_CLASS, node.name(), evidence);
      return new FaultResult(FaultAction.INJECTED, node.name(), MECHANISM, kill, r.exitStatus(),
          evidence, null);
    } catch (StepFailure e) {
      return FaultResult.notApplied(node.name(), MECHANISM, e.command(), e.exitStatus(),
          e.getMessage());
    }
  }

  @Override
  public FaultResult heal(FaultContext ctx) {
    if (killed == null) {
      return null;
    }
    Node node = killed;
    if (node.startCommand() == null || node.startCommand().isBlank()) {
      return FaultResult.notApplied(node.name(), RESTART, null, null,
          "node " + node.name() + " has no start command; it stays down");
    }
    try {
      NodeProcess.Started started = NodeProcess.start(ctx, node, node.startCommand(), killedPid,
          spec.checkAttempts(), spec.checkInterval());
      killed = null;
      String evidence = "restarted as pid " + started.pid() + " (state " + started.state() + ")";
      log.info("Healed {} on node {}: {}", KillPrimaryFaultSpec.FAULT_CLASS, node.name(), evidence);
      return new FaultResult(FaultAction.HEALED, node.name(), RESTART, started.command(),
          started.exitStatus(), evidence, null);
    } catch (StepFailure e) {
      return FaultResult.notApplied(node.name(), RESTART, e.command(), e.exitStatus(),
          e.getMessage());
    }
  }
}
