package dev.shipgate.sink;

import dev.shipgate.events.FaultAction;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.results.BoundSource;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.PhaseSummary;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hand-built result records, shaped like Streams' output for the reference campaigns. */
final class Fixtures {
  private Fixtures() {}

  static final String R24 = "v0.6.0.0-final-r24";
  static final String R20 = "v0.6.0.0-final-r20";
  static final Instant R24_DONE = Instant.parse("2026-04-20T17:48:31Z");
  static final Instant R20_DONE = Instant.parse("2026-04-20T14:06:38Z");

  /** A reference artifact of the original tool, verbatim. */
  static String reference(String run, String file) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/reference/" + run + "/" + file)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + run + "/" + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static PhaseVerdict phase(String id, int phase, String node, Verdict verdict,
      List<String> reasons, String details) {
    return PhaseVerdict.newBuilder().setCampaignId(id).setPhase(phase).setNode(node)
        .setVerdict(verdict).setReasons(reasons).setDetailsJson(details).setUpdatedAt(R24_DONE)
        .build();
  }

  static PhaseSummary summary(int phase, String node, Verdict verdict, List<String> reasons) {
    return PhaseSummary.newBuilder().setPhase(phase).setNode(node).setVerdict(verdict)
        .setReasons(reasons).build();
  }

  static CampaignVerdict verdict(String id, Verdict verdict, CampaignState state, String ref,
      String completedAt, List<PhaseSummary> phases, List<String> reasons, String summaryJson,
      Instant updatedAt) {
    return CampaignVerdict.newBuilder().setCampaignId(id).setState(state).setVerdict(verdict)
        .setOverallPass(verdict == Verdict.PASS).setTargetRef(ref).setCompletedAt(completedAt)
        .setPhases(phases).setReasons(reasons).setSummaryJson(summaryJson)
        .setUpdatedAt(updatedAt).build();
  }

  static CycleConvergence cycle(String id, String fault, int cycle, long ok, long fail,
      long indeterminate, List<String> counts, long minPeer, Map<String, List<String>> lost) {
    return CycleConvergence.newBuilder().setCampaignId(id).setFault(fault).setCycle(cycle)
        .setWrites(100).setOk(ok).setQuorumNotMet(100 - ok - fail - indeterminate).setFail(fail)
        .setIndeterminate(indeterminate).setNodeCounts(counts).setMinPeer(minPeer)
        .setLostIds(lost).setObserved(true).setUpdatedAt(R24_DONE).build();
  }

  static FaultBound bound(String id, String fault, BoundSource source, int cycles, Long sumOk,
      Long sumMin, String bound, long thousandths, Double wilson, long lost, Verdict verdict,
      String reason) {
    return FaultBound.newBuilder().setCampaignId(id).setFault(fault).setSource(source)
        .setCycles(cycles).setWritesPerCycle(100).setSumOk(sumOk).setSumMinPeer(sumMin)
        .setBound(bound).setBoundThousandths(thousandths).setThreshold("0.995")
        .setWilsonLower(wilson).setLostWrites(lost).setSeedPass(thousandths >= 995)
        .setVerdict(verdict).setReason(reason).setUpdatedAt(R24_DONE).build();
  }

  /**
   * v0.6.0.0-final-r24 as Streams would publish it: phase 1 PASS on a, b, c, phases 2 and 3 PASS,
   * phase 4 FAIL (partition_minority 0.2, kill_primary_mid_write 1), campaign FAIL. The
   * seed-shaped JSON is the reference files' content; the per-cycle records are made up to give
   * those bounds (the reference run kept no per-cycle data).
   */
  static RunRecords r24() {
    String id = R24;
    List<String> p4 = List.of("partition_minority: 0.2 < 0.995");
    List<PhaseVerdict> phases = new ArrayList<>();
    for (String node : List.of("a", "b", "c")) {
      phases.add(phase(id, 1, node, Verdict.PASS, List.of(),
          reference(id, "phase1-node-" + node + ".json")));
    }
    phases.add(phase(id, 1, null, Verdict.PASS, List.of(), null));
    phases.add(phase(id, 2, null, Verdict.PASS, List.of(), reference(id, "phase2.json")));
    phases.add(phase(id, 3, null, Verdict.PASS, List.of(), reference(id, "phase3.json")));
    phases.add(phase(id, 4, null, Verdict.FAIL, p4, reference(id, "phase4.json")));
    List<CycleConvergence> cycles = new ArrayList<>();
    for (int c = 1; c <= 50; c++) {
      boolean err = c == 17;
      List<String> counts = err ? List.of("100", "ERR", "60") : List.of("100", "20", "20");
      Map<String, List<String>> lost = c <= 2
          ? Map.of("b", List.of("c" + c + "-w21", "c" + c + "-w22"), "c", List.of("c" + c + "-w21"))
          : Map.of();
      cycles.add(cycle(id, "partition_minority", c, 100, 0, 0, counts, err ? 0 : 20, lost));
      cycles.add(cycle(id, "kill_primary_mid_write", c, 99, 1, 0, List.of("99", "99", "99"), 99,
          Map.of()));
    }
    // Σmin = 40 (cycle 1) + 0 (cycle 17, a peer read "ERR") + 48 × 20 = 1000 of Σok 5000: 0.2.
    cycles.set(0, cycle(id, "partition_minority", 1, 100, 0, 0, List.of("100", "40", "40"), 40,
        Map.of("b", List.of("c1-w21", "c1-w22"), "c", List.of("c1-w21"))));
    List<FaultBound> bounds = List.of(
        bound(id, "partition_minority", BoundSource.MEASURED, 50, 5000L, 1000L, "0.2", 200,
            0.18915, 4, Verdict.FAIL, "partition_minority: 0.2 < 0.995"),
        bound(id, "kill_primary_mid_write", BoundSource.MEASURED, 50, 4950L, 4950L, "1", 1000,
            0.99922, 0, Verdict.PASS, null));
    List<PhaseSummary> summaries = new ArrayList<>();
    for (String node : List.of("a", "b", "c")) {
      summaries.add(summary(1, node, Verdict.PASS, List.of()));
    }
    summaries.add(summary(2, null, Verdict.PASS, List.of()));
    summaries.add(summary(3, null, Verdict.PASS, List.of()));
    summaries.add(summary(4, null, Verdict.FAIL, p4));
    CampaignVerdict verdict = verdict(id, Verdict.FAIL, CampaignState.FINISHED, "release/v0.6.0",
        "2026-04-20T17:48:31Z", summaries, List.of("phase 4: partition_minority: 0.2 < 0.995"),
        reference(id, "campaign-summary.json"), R24_DONE);
    return new RunRecords(id, verdict, phases, bounds, cycles);
  }

  /**
   * v0.6.0.0-final-r20: phase 1 NOT_RUN (no artifact), phases 2 and 3 PASS, phase 4 FAIL with
   * imported bounds only, campaign FAIL.
   */
  static RunRecords r20() {
    String id = R20;
    List<String> p4 = List.of("partition_minority: 0.2 < 0.995");
    List<PhaseVerdict> phases = List.of(
        phase(id, 1, null, Verdict.NOT_RUN, List.of("phase 1: no evidence"), null),
        phase(id, 2, null, Verdict.PASS, List.of(), reference(id, "phase2.json")),
        phase(id, 3, null, Verdict.PASS, List.of(), reference(id, "phase3.json")),
        phase(id, 4, null, Verdict.FAIL, p4, reference(id, "phase4.json")));
    List<FaultBound> bounds = List.of(
        bound(id, "kill_primary_mid_write", BoundSource.IMPORTED, 50, null, null, "1.0", 1000,
            null, 0, Verdict.PASS, null),
        bound(id, "partition_minority", BoundSource.IMPORTED, 50, null, null, "0.2", 200, null,
            0, Verdict.FAIL, "partition_minority: 0.2 < 0.995"));
    List<PhaseSummary> summaries = List.of(
        summary(1, null, Verdict.NOT_RUN, List.of("phase 1: no evidence")),
        summary(2, null, Verdict.PASS, List.of()),
        summary(3, null, Verdict.PASS, List.of()),
        summary(4, null, Verdict.FAIL, p4));
    CampaignVerdict verdict = verdict(id, Verdict.FAIL, CampaignState.FINISHED, "release/v0.6.0",
        "2026-04-20T14:06:38Z", summaries,
        List.of("phase 1: NOT_RUN", "phase 4: partition_minority: 0.2 < 0.995"),
        reference(id, "campaign-summary.json"), R20_DONE);
    return new RunRecords(id, verdict, phases, bounds, List.of());
  }

  /**
   * A fault event as the driver publishes it; node, mechanism and command follow the fault
   * class, the event id is derived from the other fields, the time from the cycle.
   */
  static FaultEvent fault(String id, int phase, String fault, Integer cycle, FaultAction action,
      String evidence, String reason) {
    String node = fault.startsWith("kill_primary") ? "a" : fault.startsWith("probe1") ? "b" : "c";
    String mechanism = switch (fault) {
      case "kill_primary_mid_write" -> "SIGKILL";
      case "partition_minority" -> "iptables";
      case "clock_skew_peer" -> "libfaketime";
      default -> action == FaultAction.HEALED ? "SIGCONT" : "SIGSTOP";
    };
    String command = switch (fault) {
      case "kill_primary_mid_write" -> "kill -KILL $(cat /run/sg-node-a.pid)";
      case "partition_minority" -> action == FaultAction.HEALED
          ? "iptables -D OUTPUT -m owner --uid-owner sg-node-a -d 127.0.0.12 -m comment"
              + " --comment shipgate:" + id + " -j DROP"
          : "iptables -I OUTPUT -m owner --uid-owner sg-node-a -d 127.0.0.12 -m comment"
              + " --comment shipgate:" + id + " -j DROP";
      case "clock_skew_peer" -> null;
      default -> "kill -" + mechanism.substring(3) + " $(cat /run/sg-node-" + node + ".pid)";
    };
    int c = cycle == null ? (fault.startsWith("probe2") ? -1 : -2) : cycle;
    return FaultEvent.newBuilder().setCampaignId(id)
        .setEventId(id + "/" + phase + "/" + fault + "/" + c + "/" + action)
        .setEventTime(R24_DONE.minusSeconds(3600).plusSeconds(c * 20L
            + (action == FaultAction.HEALED ? 9 : 0)).plusMillis(137))
        .setPhase(phase).setFault(fault).setCycle(cycle).setTargetNode(node).setAction(action)
        .setMechanism(mechanism).setCommand(command)
        .setExitStatus(command == null ? null : 0).setEvidence(evidence).setReason(reason)
        .build();
  }

  /**
   * r24 with the fault events a live run would have published: every cycle of both classes
   * injected and healed with evidence, phase 2's probes, and a clock_skew_peer class that could
   * not be applied (etcd ignores libfaketime).
   */
  static RunRecords r24WithFaults() {
    RunRecords r = r24();
    String id = r.campaignId();
    List<FaultEvent> events = new ArrayList<>();
    events.add(fault(id, 2, "probe1_single_peer_down", null, FaultAction.INJECTED,
        "ps -o stat= -p 4242: T", null));
    events.add(fault(id, 2, "probe1_single_peer_down", null, FaultAction.HEALED,
        "ps -o stat= -p 4242: S", null));
    events.add(fault(id, 2, "probe2_both_peers_down", null, FaultAction.INJECTED,
        "ps -o stat= -p 4243: T\nps -o stat= -p 4244: T", null));
    events.add(fault(id, 2, "probe2_both_peers_down", null, FaultAction.HEALED,
        "ps -o stat= -p 4243: S\nps -o stat= -p 4244: S", null));
    for (int c = 1; c <= 50; c++) {
      events.add(fault(id, 4, "kill_primary_mid_write", c, FaultAction.INJECTED,
          "ps -o stat= -p " + (5000 + c) + ": Z (zombie after SIGKILL)", null));
      events.add(fault(id, 4, "kill_primary_mid_write", c, FaultAction.HEALED,
          "restarted: pid " + (6000 + c) + ", /health 200", null));
      events.add(fault(id, 4, "partition_minority", c, FaultAction.INJECTED,
          "-A OUTPUT -d 127.0.0.12/32 -m owner --uid-owner 1001 -m comment --comment"
              + " \"shipgate:" + id + "\" -j DROP\n-A OUTPUT -d 127.0.0.13/32 -m owner"
              + " --uid-owner 1001 -m comment --comment \"shipgate:" + id + "\" -j DROP\n"
              + "-A OUTPUT -d 127.0.0.11/32 -m owner --uid-owner 1002 -m comment --comment"
              + " \"shipgate:" + id + "\" -j DROP", null));
      // Cycle 7's heal read nothing back: a HEALED event without evidence proves nothing.
      events.add(fault(id, 4, "partition_minority", c, FaultAction.HEALED,
          c == 7 ? null : "iptables -S OUTPUT: no shipgate:" + id + " rule left", null));
    }
    for (int c = 1; c <= 3; c++) {
      events.add(fault(id, 4, "clock_skew_peer", c, FaultAction.NOT_APPLIED, null,
          "etcd is a Go binary and ignores libfaketime: measured offset 0 s <b>not 120 s</b>"));
    }
    return new RunRecords(id, r.verdict(), r.phases(), r.bounds(), r.cycles(), events);
  }
}
