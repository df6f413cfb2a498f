package dev.shipgate.producer.campaign;

import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.EventSource;
import dev.shipgate.events.FaultAction;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.producer.fault.TaggedRules;
import dev.shipgate.producer.lease.Lease;
import dev.shipgate.producer.lease.LeasedFault;
import dev.shipgate.producer.publish.EventPublisher;
import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.CommandRunner;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.remote.RemoteException;
import dev.shipgate.producer.remote.Shell;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heals what a dead driver left on the nodes. Its lease says which campaign it ran and which
 * faults it had applied; recovery does not trust that list to be complete (the driver may have
 * died between two writes of it) and restores every node defensively:
 * <ol>
 *   <li>removes every iptables rule tagged with the dead campaign ({@link TaggedRules});
 *   <li>sends SIGCONT to a node whose process is stopped ({@code T});
 *   <li>restarts, without its libfaketime preload, a process the lease lists as clock-skewed;
 *   <li>restarts a node whose process is gone or a zombie (its start_command).
 * </ol>
 * Each action is printed and published as a HEALED {@link FaultEvent} of the dead campaign with
 * {@code healed_by_recovery} and its evidence, then an ABORTED event for it ("driver died; healed
 * by recovery at ..."), so its verdict is INCOMPLETE instead of RUNNING forever.
 */
public final class Recovery {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);

  private final CommandRunner runner;
  private final List<Node> nodes;
  private final Duration timeout;
  private final EventPublisher publisher;
  private final Clock clock;
  private final Consumer<String> out;
  private final ProcessControl processes;

  /**
   * @param publisher where the dead campaign's events go; null to heal without publishing
   *     ({@code shipgate cluster heal} with no broker)
   * @param out where each action is printed, one line each
   */
  public Recovery(CommandRunner runner, List<Node> nodes, Duration timeout,
      EventPublisher publisher, Clock clock, Consumer<String> out) {
    this.runner = runner;
    this.nodes = List.copyOf(nodes);
    this.timeout = timeout;
    this.publisher = publisher;
    this.clock = clock;
    this.out = out;
    this.processes = new ProcessControl(runner, timeout);
  }

  /** One thing recovery did, with what was read back. */
  public record Action(String node, String mechanism, String command, String evidence) {}

  /**
   * Heals what {@code dead}'s driver left, publishes the actions and the ABORTED event of its
   * campaign, and returns the actions.
   *
   * @param by who heals (the campaign taking over, or "shipgate cluster heal")
   */
  public List<Action> heal(Lease dead, String by) {
    Instant now = clock.instant();
    out.accept("recovery: " + dead.describe(now) + " is gone; healing what it left ("
        + (dead.faults().isEmpty() ? "its lease lists no fault"
            : "its lease lists " + dead.faults().size() + " fault(s)") + ")");
    List<Action> actions = restore(TaggedRules.ofCampaign(dead.campaignId()), dead.faults());
    for (Action a : actions) {
      LeasedFault f = entryFor(dead, a);
      publish(FaultEvent.newBuilder()
          .setCampaignId(dead.campaignId())
          .setEventId(UUID.randomUUID().toString())
          .setEventTime(clock.instant())
          .setPhase(f == null ? 4 : f.phase())
          .setFault(f == null ? "recovery" : f.fault())
          .setCycle(f == null ? null : f.cycle())
          .setTargetNode(a.node())
          .setAction(FaultAction.HEALED)
          .setMechanism(a.mechanism())
          .setCommand(a.command())
          .setEvidence(a.evidence())
          .setHealedByRecovery(true)
          .build());
    }
    String reason = "driver died (pid " + dead.driver().pid() + " on host " + dead.driver().host()
        + ", last renewed " + dead.renewedAt() + "); healed by recovery at " + clock.instant()
        + " (" + by + "): " + (actions.isEmpty() ? "nothing was left applied"
            : actions.size() + " action(s)");
    if (publisher != null) {
      publisher.publish(CampaignEvent.newBuilder()
          .setCampaignId(dead.campaignId())
          .setEventId(UUID.randomUUID().toString())
          .setEventTime(clock.instant())
          .setType(CampaignEventType.ABORTED)
          .setSource(EventSource.LIVE)
          .setReason(reason)
          .build());
      publisher.flush();
      out.accept("recovery: published ABORTED for campaign " + dead.campaignId() + ": " + reason);
    } else {
      out.accept("recovery: campaign " + dead.campaignId() + " not marked ABORTED (no broker): "
          + reason);
    }
    return actions;
  }

  /**
   * Restores the nodes with no lease to go by: removes every shipgate-tagged rule whose packet
   * owner is one of the nodes' process users, SIGCONTs stopped processes, restarts dead ones.
   */
  public List<Action> healUnclaimed() {
    List<String> uids = new ArrayList<>();
    for (Node n : nodes) {
      if (n.processUser() == null) {
        continue;
      }
      try {
        CommandResult r = runner.run(n, "id -u " + Shell.quote(n.processUser()), timeout);
        if (r.ok() && r.stdout().strip().matches("[0-9]+")) {
          uids.add(r.stdout().strip());
        }
      } catch (RemoteException e) {
        out.accept("recovery: node " + n.name() + ": " + e.getMessage());
      }
    }
    return restore(TaggedRules.anyCampaignOwnedBy(uids), List.of());
  }

  private List<Action> restore(Predicate<List<String>> rules, List<LeasedFault> faults) {
    List<Action> actions = new ArrayList<>();
    for (Node n : nodes) {
      TaggedRules.Removal removal = TaggedRules.remove(runner, n, timeout, rules);
      if (!removal.removed().isEmpty() || removal.error() != null) {
        actions.add(act(new Action(n.name(), "iptables", removal.command(),
            removal.evidence())));
      }
    }
    for (Node n : nodes) {
      String state = processes.state(n);
      if (state == null) {
        continue;
      }
      if (state.startsWith("T")) {
        var healed = processes.resume(n);
        actions.add(act(new Action(n.name(), "SIGCONT", healed == null ? null : healed.command(),
            healed == null ? "SIGCONT failed" : healed.evidence())));
        state = processes.state(n);
      }
      boolean skewed = faults.stream().anyMatch(f -> f.node().equals(n.name())
          && "clock_skew_peer".equals(f.fault()));
      if (skewed && n.startCommand() != null) {
        String command = unskewCommand(n);
        try {
          CommandResult r = runner.run(n, command, timeout);
          if (r.stdout().contains("restarted")) {
            actions.add(act(new Action(n.name(), "restart without libfaketime", command,
                "libfaketime was mapped; restarted: " + processes.describe(n))));
            state = processes.state(n);
          }
        } catch (RemoteException e) {
          actions.add(act(new Action(n.name(), "restart without libfaketime", command,
              "failed: " + e.getMessage())));
        }
      }
      if ((state == null || state.isEmpty() || state.startsWith("Z")) && n.startCommand() != null) {
        CommandResult r = processes.restartIfDead(n);
        if (r != null && r.stdout().contains("restarted")) {
          actions.add(act(new Action(n.name(), "restart", r.command(),
              "process was " + (state == null || state.isEmpty() ? "gone" : "a zombie")
                  + "; restarted: " + awaitRunning(n))));
        }
      }
    }
    return actions;
  }

  /** The process after a restart, once its pid file names a live one (up to 5 s). */
  private String awaitRunning(Node n) {
    String seen = processes.describe(n);
    for (int i = 0; i < 25 && (seen.endsWith("gone") || seen.startsWith("no pid")); i++) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      seen = processes.describe(n);
    }
    return seen;
  }

  private Action act(Action a) {
    log.info("recovery on node {}: {} {}", a.node(), a.mechanism(), a.evidence());
    out.accept("recovery: node " + a.node() + ": " + a.mechanism() + ": " + a.evidence());
    return a;
  }

  private void publish(FaultEvent e) {
    if (publisher != null) {
      publisher.publish(e);
    }
  }

  /** The lease entry an action undoes, by node and mechanism; null when the lease named none. */
  private static LeasedFault entryFor(Lease dead, Action a) {
    for (LeasedFault f : dead.faults()) {
      boolean iptables = a.mechanism().equals("iptables") && f.mechanism().equals("iptables");
      if (iptables || f.node().equals(a.node()) && (f.mechanism().equals(a.mechanism())
          || a.mechanism().startsWith("restart") && !f.mechanism().equals("iptables")
          || a.mechanism().equals("SIGCONT") && f.mechanism().equals("SIGSTOP"))) {
        return f;
      }
    }
    return null;
  }

  static String unskewCommand(Node n) {
    String file = Shell.singleQuoted(n.pidFile());
    return "pid=$(cat " + file + " 2>/dev/null); if [ -n \"$pid\" ] && grep -q libfaketime"
        + " /proc/$pid/maps 2>/dev/null; then kill $pid; i=0; while kill -0 $pid 2>/dev/null"
        + " && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; " + n.startCommand()
        + "; echo restarted; else echo clean; fi";
  }
}
