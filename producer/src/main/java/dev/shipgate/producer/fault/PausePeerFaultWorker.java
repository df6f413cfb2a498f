package dev.shipgate.producer.fault;

import dev.shipgate.events.FaultAction;
import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.Node;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGSTOPs one peer's process ({@code kill -STOP <pid>}); evidence is its state read back as
 * {@code T}. Heal sends SIGCONT; evidence is a state other than {@code T}. Clean-up sends SIGCONT
 * to every node's process, so that no node stays frozen after an abort.
 */
public final class PausePeerFaultWorker implements FaultWorker {
  private static final Logger log = LoggerFactory.getLogger(PausePeerFaultWorker.class);
  static final String STOP = "SIGSTOP";
  static final String CONT = "SIGCONT";

  private final PausePeerFaultSpec spec;
  private Node paused;
  private long pausedPid;

  PausePeerFaultWorker(PausePeerFaultSpec spec) {
    this.spec = spec;
  }

  /** The peer a cycle pauses: {@code peers[cycle % peers.size()]}. */
  static Node target(FaultContext ctx) {
    return ctx.peers().get(Math.floorMod(ctx.cycle(), ctx.peers().size()));
  }

  @Override
  public FaultResult inject(FaultContext ctx) {
    if (ctx.peers().isEmpty()) {
      return FaultResult.notApplied(ctx.primary().name(), STOP, null, null, "no peer to pause");
    }
    Node node = target(ctx);
    try {
      long pid = NodeProcess.readPid(ctx, node);
      String stop = "kill -STOP " + pid;
      CommandResult r = NodeProcess.run(ctx, node, stop);
      if (!r.ok()) {
        return FaultResult.notApplied(node.name(), STOP, stop, r.exitStatus(),
            stop + " failed on node " + node.name() + ": " + r.summary());
      }
      String state = NodeProcess.state(ctx, node, pid);
      for (int i = 1; i < spec.checkAttempts() && !NodeProcess.stopped(state)
          && !NodeProcess.dead(state); i++) {
        NodeProcess.pause(spec.checkInterval());
        state = NodeProcess.state(ctx, node, pid);
      }
      if (!NodeProcess.stopped(state)) {
        if (!NodeProcess.dead(state)) {
          // never leave a half-applied pause behind
          NodeProcess.run(ctx, node, "kill -CONT " + pid);
        }
        return FaultResult.notApplied(node.name(), STOP, stop, r.exitStatus(),
            NodeProcess.describe(pid, state) + " after SIGSTOP, not stopped (T)");
      }
      paused = node;
      pausedPid = pid;
      String evidence = NodeProcess.describe(pid, state) + " after SIGSTOP";
      log.info("Fault {} on node {}: {}", PausePeerFaultSpec.FAULT_CLASS, node.name(), evidence);
      return new FaultResult(FaultAction.INJECTED, node.name(), STOP, stop, r.exitStatus(),
          evidence, null);
    } catch (StepFailure e) {
      return FaultResult.notApplied(node.name(), STOP, e.command(), e.exitStatus(),
          e.getMessage());
    }
  }

  @Override
  public FaultResult heal(FaultContext ctx) {
    if (paused == null) {
      return null;
    }
    Node node = paused;
    long pid = pausedPid;
    String cont = "kill -CONT " + pid;
    try {
      CommandResult r = NodeProcess.run(ctx, node, cont);
      if (!r.ok()) {
        return FaultResult.notApplied(node.name(), CONT, cont, r.exitStatus(),
            cont + " failed on node " + node.name() + ": " + r.summary());
      }
      String state = NodeProcess.state(ctx, node, pid);
      for (int i = 1; i < spec.checkAttempts() && NodeProcess.stopped(state); i++) {
        NodeProcess.pause(spec.checkInterval());
        state = NodeProcess.state(ctx, node, pid);
      }
      if (NodeProcess.stopped(state) || NodeProcess.dead(state)) {
        return FaultResult.notApplied(node.name(), CONT, cont, r.exitStatus(),
            NodeProcess.describe(pid, state) + " after SIGCONT");
      }
      paused = null;
      String evidence = NodeProcess.describe(pid, state) + " after SIGCONT";
      log.info("Healed {} on node {}: {}", PausePeerFaultSpec.FAULT_CLASS, node.name(), evidence);
      return new FaultResult(FaultAction.HEALED, node.name(), CONT, cont, r.exitStatus(),
          evidence, null);
    } catch (StepFailure e) {
      return FaultResult.notApplied(node.name(), CONT, e.command(), e.exitStatus(),
          e.getMessage());
    }
  }

  /** SIGCONT to every node's process (primary first, then peers). Never throws. */
  @Override
  public void cleanUp(FaultContext ctx) {
    List<Node> nodes = new ArrayList<>();
    nodes.add(ctx.primary());
    nodes.addAll(ctx.peers());
    for (Node node : nodes) {
      try {
        long pid = NodeProcess.readPid(ctx, node);
        CommandResult r = NodeProcess.run(ctx, node, "kill -CONT " + pid);
        if (!r.ok()) {
          log.warn("Clean-up of {} on node {}: kill -CONT {} failed: {}",
              PausePeerFaultSpec.FAULT_CLASS, node.name(), pid, r.summary());
        }
      } catch (RuntimeException e) {
        log.warn("Clean-up of {} on node {} failed: {}", PausePeerFaultSpec.FAULT_CLASS,
            node.name(), e.getMessage());
      }
    }
    paused = null;
  }
}
