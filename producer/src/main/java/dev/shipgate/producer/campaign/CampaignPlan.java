package dev.shipgate.producer.campaign;

import dev.shipgate.producer.fault.FaultContext;
import dev.shipgate.producer.fault.FaultResult;
import dev.shipgate.producer.fault.FaultSpec;
import dev.shipgate.producer.fault.FaultWorker;
import dev.shipgate.producer.remote.CapturingCommandRunner;
import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a campaign would do, for {@code shipgate run --dry-run}: the phases, per fault class and
 * cycle what happens, and every command that would be sent to a node. The fault workers are asked
 * with a {@link CapturingCommandRunner} that answers every command with exit 0 (and a stand-in PID
 * for commands reading a pid file, shown as {@code <pid of a>}): nothing is touched, no
 * connection is opened. Workers that read evidence back may report NOT_APPLIED on those answers;
 * only the commands matter here.
 */
public final class CampaignPlan {
  private static final int PID_BASE = 4_190_001;
  private static final int UID = 3_999_999;

  /** Cycles listed one by one; a class with more lists the first three and the last. */
  static final int CYCLES_LISTED = 10;

  private final List<String> lines;
  private final int commandCount;

  private CampaignPlan(List<String> lines, int commandCount) {
    this.lines = List.copyOf(lines);
    this.commandCount = commandCount;
  }

  public List<String> lines() {
    return lines;
  }

  /** How many commands the plan lists. */
  public int commandCount() {
    return commandCount;
  }

  public static CampaignPlan of(CampaignSpec spec, List<FaultSpec> faults) {
    List<String> lines = new ArrayList<>();
    int commands = write(spec, faults, lines::add);
    return new CampaignPlan(lines, commands);
  }

  /**
   * Writes the plan line by line to {@code out}, never holding it whole (its size does not grow
   * with the number of cycles: beyond {@link #CYCLES_LISTED} cycles a class lists the first
   * three and the last).
   *
   * @return how many commands it listed
   */
  public static int write(CampaignSpec spec, List<FaultSpec> faults, Consumer<String> out) {
    Builder b = new Builder(spec, out);
    b.build(faults);
    return b.commands;
  }

  private static final class Builder {
    final CampaignSpec spec;
    final List<Node> nodes;
    final Lines out;
    int commands;

    Builder(CampaignSpec spec, Consumer<String> sink) {
      this.spec = spec;
      this.nodes = spec.clusterNodes();
      this.out = new Lines(sink);
    }

    void build(List<FaultSpec> faults) {
      out.add("campaign " + spec.campaignId() + ": target " + spec.target().name()
          + (spec.target().version() == null ? "" : " " + spec.target().version())
          + " via adapter " + spec.target().adapter() + ", phases " + spec.phases());
      out.add("  lease: " + spec.lease().dir() + "/lease-<address>-<client port>.json on every"
          + " node, read first (a live driver's lease refuses the run; a dead one's faults are"
          + " healed and its campaign marked ABORTED), renewed every " + spec.lease().renewMs()
          + " ms, stale " + spec.lease().ttlMs() + " ms after its last renewal");
      out.add("  namespaces: " + spec.namespaces().phase2() + ", "
          + spec.namespaces().cycle("<fault>", 0).replace("/c0", "/c<cycle>")
          + "; each must be empty on every node before its writes (else not run, reported)");
      for (Node n : nodes) {
        out.add("  node " + n.name() + " (index " + n.index() + "): " + n.sshTarget()
            + " client port " + n.clientPort() + (n.pidFile() == null ? "" : ", pid file "
            + n.pidFile()) + (n.processUser() == null ? "" : ", runs as " + n.processUser())
            + (n.privateKey() == null ? " [local runner]" : ", key " + n.privateKey()));
      }
      out.add("  ssh: strict_host_key_checking " + spec.ssh().strictHostKeyChecking()
          + ", command timeout " + spec.ssh().commandTimeoutMs() + " ms, retries "
          + spec.ssh().retries() + "; over SSH each command also runs under the node's"
          + " coreutils timeout (its timeout + 1 s)");
      for (int phase : spec.phases()) {
        switch (phase) {
          case 1, 3 -> out.add("phase " + phase + ": check profile " + spec.checkProfile()
              + " (its commands are listed by `shipgate checks`)");
          case 2 -> phase2();
          case 4 -> phase4(faults);
          default -> { }
        }
      }
      out.add("then: FINISHED (or ABORTED on Ctrl-C, after healing every fault)");
    }

    void phase2() {
      CampaignSpec.Phase2Spec p2 = spec.phase2();
      List<Node> peers = nodes.subList(1, nodes.size());
      out.add("phase 2: " + p2.agents() + " agents x " + p2.writesPerAgent()
          + " writes (p2-a<agent>-w<seq>) to the primary under namespace "
          + spec.namespaces().phase2()
          + ", settle " + settle(p2.settle()));
      out.add("  probe 1: SIGSTOP " + peers.get(0).name() + ", write p2-probe1, SIGCONT");
      capture(r -> {
        ProcessControl pc = new ProcessControl(r, spec.ssh().commandTimeout());
        pc.stop(peers.get(0));
        pc.resume(peers.get(0));
      });
      out.add("  probe 2: SIGSTOP " + peers.get(0).name() + " and " + peers.get(1).name()
          + ", write p2-probe2, SIGCONT both");
      capture(r -> {
        ProcessControl pc = new ProcessControl(r, spec.ssh().commandTimeout());
        peers.forEach(pc::stop);
        peers.forEach(pc::resume);
      });
    }

    void phase4(List<FaultSpec> faults) {
      CampaignSpec.Phase4Spec p4 = spec.phase4();
      Node primary = nodes.get(0);
      List<Node> peers = nodes.subList(1, nodes.size());
      out.add("phase 4: " + faults.size() + " fault classes x " + p4.cycles() + " cycles x "
          + p4.writesPerCycle() + " writes, concurrency " + p4.concurrency() + ", fault after write "
          + p4.faultAfterWrite() + ", settle " + settle4(p4.settle()));
      out.add("  every cycle starts with cleanUp of every fault class:");
      capture(r -> faults.forEach(f -> f.newWorker().cleanUp(ctx(r, primary, peers, 1))));
      for (FaultSpec f : faults) {
        long heal = f.healDelay().toMillis();
        for (int cycle = 1; cycle <= p4.cycles(); cycle++) {
          if (p4.cycles() > CYCLES_LISTED && cycle == 4) {
            out.add("  " + f.faultClass() + " cycles 4 to " + (p4.cycles() - 1) + ": the same,"
                + " each under its own namespace");
            cycle = p4.cycles() - 1;
            continue;
          }
          out.add("  " + f.faultClass() + " cycle " + cycle + ": writes c" + cycle + "-w1..c"
              + cycle + "-w" + p4.writesPerCycle() + " under "
              + spec.namespaces().cycle(f.faultClass(), cycle)
              + " to the primary (adapter's leader, else " + primary.name() + "); after c" + cycle
              + "-w" + p4.faultAfterWrite() + " is answered: inject"
              + (heal > 0 ? ", heal after " + heal + " ms" : ", heal (restart) after the settle")
              + "; settle; recovery");
        }
        int cycle = 1;
        out.add("  " + f.faultClass() + " commands (each cycle, primary " + primary.name()
            + " assumed):");
        FaultWorker w = f.newWorker();
        out.add("    inject:");
        capture(r -> out.add("      → " + describe(w.inject(ctx(r, primary, peers, cycle)))));
        out.add("    heal:");
        capture(r -> out.add("      → " + describe(w.heal(ctx(r, primary, peers, cycle)))));

      }
      CampaignSpec.RecoverySpec rec = p4.recovery();
      out.add("  recovery after each cycle: cleanUp " + rec.flushPartitions() + ", SIGCONT "
          + rec.resumePaused() + ", restart dead processes " + rec.restartKilled() + ":");
      capture(r -> {
        ProcessControl pc = new ProcessControl(r, spec.ssh().commandTimeout());
        for (Node n : nodes) {
          if (rec.resumePaused()) {
            pc.resume(n);
          }
          if (rec.restartKilled()) {
            pc.restartIfDead(n);
          }
        }
      });
    }

    FaultContext ctx(CapturingCommandRunner r, Node primary, List<Node> peers, int cycle) {
      return new FaultContext(r, primary, peers, spec.campaignId(), cycle,
          spec.ssh().commandTimeout());
    }

    /** Runs {@code action} against a capturing runner and lists the commands it sent. */
    void capture(Consumer<CapturingCommandRunner> action) {
      CapturingCommandRunner r = new CapturingCommandRunner(this::answer);
      List<String> concluded = new ArrayList<>();
      out.hold(concluded);
      try {
        action.accept(r);
      } catch (RuntimeException e) {
        out.add("      (stopped on the dry-run answers: " + CampaignRunner.describe(e) + ")");
      } finally {
        out.hold(null);
      }
      List<String> listed = new ArrayList<>();
      for (CapturingCommandRunner.Call c : r.calls()) {
        listed.add("      RUN on " + c.node() + ": " + placeholders(c.command()));
      }
      commands += listed.size();
      // the commands first, then what the worker concluded from the dry-run answers
      (listed.isEmpty() ? List.of("      (no commands)") : listed).forEach(out::add);
      concluded.forEach(out::add);
    }

    /** Nodes whose start_command has been sent: their pid file now names a new PID. */
    final java.util.Set<String> restarted = new java.util.HashSet<>();

    CommandResult answer(CapturingCommandRunner.Call c) {
      String stdout = "";
      for (Node n : nodes) {
        if (!n.name().equals(c.node())) {
          continue;
        }
        if (n.startCommand() != null && c.command().contains(n.startCommand())) {
          restarted.add(n.name());
        } else if (c.command().startsWith("kill -STOP")) {
          stdout = "T\n"; // the probes' stop, as it reads when it works
        } else if (n.pidFile() != null && c.command().contains(n.pidFile())) {
          stdout = pid(n, restarted.contains(n.name())) + "\n";
        } else if (c.command().startsWith("id -u")) {
          stdout = UID + "\n";
        }
      }
      return new CommandResult(c.node(), c.command(), 0, stdout, "", 0);
    }

    String placeholders(String command) {
      String s = command;
      for (Node n : nodes) {
        s = s.replace(String.valueOf(pid(n, true)), "<new pid of " + n.name() + ">");
        s = s.replace(String.valueOf(pid(n, false)), "<pid of " + n.name() + ">");
      }
      return s.replace(String.valueOf(UID), "<uid>");
    }

    static int pid(Node n, boolean restarted) {
      return PID_BASE + n.index() + (restarted ? 100 : 0);
    }

    String describe(FaultResult r) {
      if (r == null) {
        return "nothing to do";
      }
      return r.action() + " on " + r.targetNode() + " (" + r.mechanism() + ")"
          + (r.reason() == null ? "" : ": " + r.reason());
    }
  }

  /** The plan's output: lines go straight out, except while a capture holds them back. */
  private static final class Lines {
    private final Consumer<String> sink;
    private List<String> held;

    Lines(Consumer<String> sink) {
      this.sink = sink;
    }

    void hold(List<String> into) {
      held = into;
    }

    void add(String line) {
      if (held != null) {
        held.add(line);
      } else {
        sink.accept(line);
      }
    }
  }

  static String settle(CampaignSpec.SettleSpec s) {
    return s.mode().text() + " (poll every " + s.pollIntervalMs() + " ms, max "
        + s.maxSettleMs() + " ms)";
  }

  /** Phase 4's settle: also the polls during the writes, the backoff and the seed point. */
  static String settle4(CampaignSpec.SettleSpec s) {
    if (s.mode() == CampaignSpec.SettleMode.FIXED) {
      return "fixed (one poll after " + s.maxSettleMs() + " ms)";
    }
    return "adaptive (poll every " + s.pollIntervalMs() + " ms" + (s.duringWrites()
        ? " from the first write" : "") + ", every " + s.backoffIntervalMs() + " ms after "
        + s.backoffAfterMs() + " ms; the bound counts the poll " + s.seedSettleMs()
        + " ms after the last answer; max " + s.maxSettleMs() + " ms)";
  }
}
