package dev.shipgate.producer.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.FaultAction;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.events.WriteResult;
import dev.shipgate.producer.campaign.Fakes.FakeAdapter;
import dev.shipgate.producer.campaign.Fakes.FakeFault;
import dev.shipgate.producer.campaign.Fakes.FakeTicker;
import dev.shipgate.producer.progress.CycleReport;
import dev.shipgate.producer.publish.CapturingEventPublisher;
import dev.shipgate.producer.remote.CapturingCommandRunner;
import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.schemas.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class CampaignRunnerTest {

  static final String CAMPAIGN = """
      campaign_id: unit-1
      target: {name: fake, adapter: etcd}
      nodes:
        - {name: a, address: 127.0.0.11, client_port: 2379, pid_file: /run/a.pid, start_command: start-a}
        - {name: b, address: 127.0.0.12, client_port: 2379, pid_file: /run/b.pid, start_command: start-b}
        - {name: c, address: 127.0.0.13, client_port: 2379, pid_file: /run/c.pid, start_command: start-c}
      phases: [4]
      phase2: {agents: 2, writes_per_agent: 3}
      phase4:
        faults: [fake_fault]
        cycles: 1
        writes_per_cycle: 5
        fault_after_write: 2
        settle: {poll_interval_ms: 100, max_settle_ms: 1000, mode: %s, during_writes: false}
      """;

  final FakeTicker ticker = new FakeTicker();
  final FakeAdapter adapter = new FakeAdapter(ticker);
  final CapturingEventPublisher events = new CapturingEventPublisher();
  final Set<String> stopped = ConcurrentHashMap.newKeySet();
  final CapturingCommandRunner commands = new CapturingCommandRunner(this::answer);

  CommandResult answer(CapturingCommandRunner.Call c) {
    String out = "";
    if (c.command().startsWith("kill -STOP")) {
      stopped.add(c.node());
      out = "T\n";
    } else if (c.command().startsWith("kill -CONT")) {
      stopped.remove(c.node());
      out = "S\n";
    }
    return new CommandResult(c.node(), c.command(), 0, out, "", 1);
  }

  static CampaignSpec spec(String mode, String phases) {
    return new CampaignLoader(Path.of("."), List.of("fake_fault"), Clock.systemUTC())
        .parse(CAMPAIGN.formatted(mode).replace("phases: [4]", "phases: " + phases), "t", "t",
            CampaignOverrides.none());
  }

  CampaignRunner runner(CampaignSpec spec, FakeFault fault) {
    return new CampaignRunner(spec, adapter, commands, fault == null ? List.of() : List.of(fault),
        null, events, ticker, null);
  }

  /** Each event as a short line, in publish order. */
  List<String> timeline() {
    List<String> out = new ArrayList<>();
    for (CapturingEventPublisher.Captured c : events.all()) {
      SpecificRecord v = c.value();
      if (v instanceof CampaignEvent e) {
        out.add(e.getType().name());
      } else if (v instanceof WriteResult w) {
        out.add("write " + w.getWriteId() + " " + w.getOutcome());
      } else if (v instanceof FaultEvent f) {
        out.add("fault " + f.getAction());
      } else if (v instanceof Observation o) {
        out.add("observation " + o.getPollSeq() + (o.getFinal$() ? " final" : ""));
      } else if (v instanceof CheckResult r) {
        out.add("check " + r.getCheck());
      }
    }
    return out;
  }

  @Test
  void shouldPublishOneCycleInOrderAndStopSettlingOnceEveryNodeHoldsEveryAckedWrite() {
    adapter.lagPolls = 2;
    FakeFault fault = new FakeFault(Duration.ofMillis(50), true);
    CampaignOutcome outcome = runner(spec("adaptive", "[4]"), fault).run();

    List<String> timeline = timeline();
    int healed = timeline.indexOf("fault HEALED");
    assertTrue(healed > timeline.indexOf("fault INJECTED"), timeline.toString());
    assertTrue(healed < timeline.indexOf("observation 0"), timeline.toString());
    timeline.remove(healed);
    assertEquals(List.of("STARTED", "write c1-w1 OK", "write c1-w2 OK", "fault INJECTED",
        "write c1-w3 OK", "write c1-w4 OK", "write c1-w5 OK", "observation 0", "observation 1",
        "observation 2 final", "FINISHED"), timeline);

    assertTrue(outcome.completed());
    CycleReport cycle = outcome.cycles().get(0);
    assertEquals(3, cycle.polls());
    assertTrue(cycle.converged());
    assertEquals(5, cycle.ok());

    WriteResult w3 = events.values(Topics.WRITES).get(2);
    assertEquals("c1-w3", w3.getWriteId());
    assertEquals(4, w3.getPhase());
    assertEquals("fake_fault", w3.getFault());
    assertEquals(1, w3.getCycle());
    assertEquals(3, w3.getSeq());
    assertEquals("a", w3.getNode());
    assertEquals(201, w3.getStatus());
    assertTrue(w3.getAckTime() != null);

    Observation last = events.values(Topics.OBSERVATIONS).get(2);
    NodeObservation c = last.getNodes().get(2);
    assertEquals("c", c.getNode());
    assertEquals(2, c.getNodeIndex());
    assertEquals(5L, c.getCount());
    assertEquals("5", c.getRawCount());
    assertEquals(List.of("c1-w1", "c1-w2", "c1-w3", "c1-w4", "c1-w5"), c.getIds());
    assertEquals(3, adapter.observeCalls.get("c/shipgate/unit-1/phase4/fake_fault/c1"),
        "cycle 1 writes under the campaign's own namespace");

    FaultEvent injected = events.values(Topics.FAULTS).get(0);
    assertEquals("fake_fault", injected.getFault());
    assertEquals("a", injected.getTargetNode());
    assertEquals("process gone", injected.getEvidence());
    assertEquals("pid=$(cat /run/a.pid) && kill -9 $pid", injected.getCommand());
    assertEquals(List.of("cleanUp", "inject a cycle 1", "heal a", "cleanUp"), fault.actions);
    assertTrue(events.flushes() >= 2, "flushed at the end of the cycle");
  }

  @Test
  void shouldPublishTheFullConfigInStarted() {
    runner(spec("adaptive", "[4]"), new FakeFault(Duration.ofMillis(50), true)).run();
    CampaignEvent started = events.values(Topics.CAMPAIGNS).get(0);
    assertEquals("unit-1", started.getCampaignId());
    assertEquals(List.of("fake_fault"), started.getConfig().getFaults());
    assertEquals(5, started.getConfig().getWritesPerCycle());
    assertEquals("100", started.getConfig().getSettings().get("phase4.settle.poll_interval_ms"));
    assertEquals("unit-1", events.all().get(0).key());
  }

  @Test
  void shouldPollAtTheIntervalInAdaptiveModeAndWaitTheFullSettleInFixedMode() {
    adapter.lagPolls = 2;
    runner(spec("adaptive", "[4]"), new FakeFault(Duration.ZERO, true)).run();
    List<Long> adaptive = List.copyOf(adapter.observeTimes);
    assertEquals(3, adaptive.size());
    assertEquals(200, adaptive.get(2) - adaptive.get(0));

    FakeTicker t2 = new FakeTicker();
    FakeAdapter a2 = new FakeAdapter(t2);
    CapturingEventPublisher e2 = new CapturingEventPublisher();
    new CampaignRunner(spec("fixed", "[4]"), a2, commands,
        List.of(new FakeFault(Duration.ZERO, true)), null, e2, t2, null).run();
    assertEquals(1, a2.observeTimes.size(), "fixed settle observes once");
    assertEquals(1000, a2.observeTimes.get(0) - a2.lastWriteTime);
    List<Observation> obs = e2.values(Topics.OBSERVATIONS);
    assertEquals(1, obs.size());
    assertTrue(obs.get(0).getFinal$());
  }

  @Test
  void shouldStopAtMaxSettleAndListWhatANodeNeverReceived() {
    adapter.lost = Set.of("c1-w3");
    CampaignOutcome outcome = runner(spec("adaptive", "[4]"),
        new FakeFault(Duration.ZERO, true)).run();
    List<Observation> obs = events.values(Topics.OBSERVATIONS);
    assertEquals(11, obs.size(), "polls at 0, 100, ..., 1000 ms");
    assertTrue(obs.get(10).getFinal$());
    assertFalse(obs.get(9).getFinal$());
    NodeObservation c = obs.get(10).getNodes().get(2);
    assertEquals(4L, c.getCount());
    assertFalse(c.getIds().contains("c1-w3"));
    CycleReport cycle = outcome.cycles().get(0);
    assertFalse(cycle.converged());
    assertEquals(List.of("c1-w3"), cycle.missing().get("c"));
    assertEquals(List.of(), cycle.missing().get("b"));
  }

  @Test
  void shouldPublishANotAppliedFaultAndStillRunTheCycle() {
    FakeFault fault = new FakeFault(Duration.ofMillis(50), false);
    CampaignOutcome outcome = runner(spec("adaptive", "[4]"), fault).run();
    List<FaultEvent> faults = events.values(Topics.FAULTS);
    assertEquals(1, faults.size());
    assertEquals(FaultAction.NOT_APPLIED, faults.get(0).getAction());
    assertEquals("cannot be applied here", faults.get(0).getReason());
    assertEquals(5, events.values(Topics.WRITES).size());
    assertTrue(events.values(Topics.OBSERVATIONS).get(0).getFinal$());
    assertTrue(outcome.completed());
    assertEquals("NOT_APPLIED", outcome.cycles().get(0).faultAction());
    assertFalse(fault.actions.contains("heal a"));
  }

  @Test
  void shouldPublishIndeterminateWritesAsSuchAndNotWaitForThem() {
    adapter.scripted.put("c1-w4", new dev.shipgate.producer.target.WriteAttempt(null,
        WriteOutcome.INDETERMINATE, 2000, "read timed out"));
    CampaignOutcome outcome = runner(spec("adaptive", "[4]"),
        new FakeFault(Duration.ZERO, true)).run();
    WriteResult w4 = events.values(Topics.WRITES).get(3);
    assertEquals(WriteOutcome.INDETERMINATE, w4.getOutcome());
    assertEquals("read timed out", w4.getError());
    assertNull(w4.getStatus());
    assertNull(w4.getAckTime());
    assertEquals(2000L, w4.getLatencyMs());
    assertEquals(1, events.values(Topics.OBSERVATIONS).size(), "converged on the 4 acked writes");
    assertEquals(4, outcome.cycles().get(0).ok());
    assertEquals(1, outcome.cycles().get(0).indeterminate());
  }

  @Test
  void shouldHealTheFaultAndPublishAbortedWhenAbortedMidCycle() {
    FakeFault fault = new FakeFault(Duration.ZERO, true);
    CampaignRunner runner = runner(spec("adaptive", "[4]"), fault);
    adapter.onWrite = id -> {
      if (id.equals("c1-w4")) {
        runner.abort("interrupted (Ctrl-C)");
      }
    };
    CampaignOutcome outcome = runner.run();
    assertFalse(outcome.completed());
    assertEquals("interrupted (Ctrl-C)", outcome.abortReason());
    assertEquals(List.of("c1-w1", "c1-w2", "c1-w3", "c1-w4"), adapter.writes);
    List<String> timeline = timeline();
    assertEquals(List.of("STARTED", "write c1-w1 OK", "write c1-w2 OK", "fault INJECTED",
        "write c1-w3 OK", "write c1-w4 OK", "fault HEALED", "ABORTED"), timeline);
    CampaignEvent aborted = events.values(Topics.CAMPAIGNS).get(1);
    assertEquals(CampaignEventType.ABORTED, aborted.getType());
    assertEquals("interrupted (Ctrl-C)", aborted.getReason());
    assertTrue(fault.actions.contains("heal a"));
    assertEquals("cleanUp", fault.actions.get(fault.actions.size() - 1), "restored after abort");
    assertTrue(commands.commands("b").stream().anyMatch(c -> c.startsWith("kill -CONT")),
        "every node resumed");
  }

  @Test
  void shouldAnswerTheQuorumProbesWith201ForOnePeerDownAnd503ForBoth() {
    adapter.probes = id -> stopped.size() <= 1 ? FakeAdapter.ok()
        : new dev.shipgate.producer.target.WriteAttempt(503, WriteOutcome.QUORUM_NOT_MET, 5,
            "quorum not met");
    CampaignOutcome outcome = runner(spec("adaptive", "[2]"), null).run();
    List<CheckResult> checks = events.values(Topics.CHECKS);
    assertEquals("phase2.probe1", checks.get(0).getCheck());
    assertEquals("201", checks.get(0).getValues().get("status"));
    assertEquals("b", checks.get(0).getValues().get("stopped"));
    assertEquals("phase2.probe2", checks.get(1).getCheck());
    assertEquals("503", checks.get(1).getValues().get("status"));
    assertEquals("b,c", checks.get(1).getValues().get("stopped"));
    assertTrue(stopped.isEmpty(), "every peer resumed");
    assertEquals(List.of("kill -STOP \"$(cat '/run/b.pid')\" && ps -o stat= -p \"$(cat"
        + " '/run/b.pid')\"", "kill -CONT \"$(cat '/run/b.pid')\" && ps -o stat= -p \"$(cat"
        + " '/run/b.pid')\""), commands.commands("b").subList(0, 2));
    assertEquals(4, commands.commands("b").size());
    assertEquals(2, commands.commands("c").size());

    List<WriteResult> writes = events.values(Topics.WRITES);
    assertEquals(6, writes.size());
    assertTrue(writes.stream().allMatch(w -> w.getPhase() == 2 && w.getCycle() == null));
    assertTrue(writes.stream().anyMatch(w -> w.getWriteId().equals("p2-a2-w3")
        && w.getAgent().equals("a2") && w.getSeq() == 3));
    Observation last = events.values(Topics.OBSERVATIONS).get(
        events.values(Topics.OBSERVATIONS).size() - 1);
    assertEquals(2, last.getPhase());
    assertTrue(last.getFinal$());
    assertEquals(6L, last.getNodes().get(1).getCount());
    List<FaultEvent> faults = events.values(Topics.FAULTS);
    assertEquals(6, faults.size());
    assertEquals(2, faults.get(0).getPhase());
    assertEquals("probe1_single_peer_down", faults.get(0).getFault());
    assertEquals("process state T", faults.get(0).getEvidence());
    assertEquals("201", outcome.probes().get("phase2.probe1"));
    assertEquals(CampaignEventType.FINISHED,
        events.values(Topics.CAMPAIGNS).get(1).getType());
  }

  @Test
  void shouldPublishAnErrorCheckWhenAPhaseCheckCannotRun() {
    CampaignSpec spec = new CampaignLoader(Path.of("."), List.of("fake_fault"), Clock.systemUTC())
        .parse(CAMPAIGN.formatted("adaptive").replace("phases: [4]",
            "phases: [1, 3]\ncheck_profile: fake"), "t", "t", CampaignOverrides.none());
    PhaseChecks checks = (phase, ctx) -> {
      if (phase == 3) {
        throw new IllegalStateException("migration tool not found");
      }
      return List.of(CheckResult.newBuilder().setCampaignId(ctx.campaignId())
          .setEventId("e1").setEventTime(java.time.Instant.EPOCH).setPhase(1)
          .setCheck("phase1.node").setNode("a").build());
    };
    new CampaignRunner(spec, adapter, commands, List.of(), checks, events, ticker, null).run();
    List<CheckResult> results = events.values(Topics.CHECKS);
    assertEquals(2, results.size());
    assertEquals("phase1.node", results.get(0).getCheck());
    assertEquals("phase3.migration", results.get(1).getCheck());
    assertEquals("migration tool not found", results.get(1).getError());
  }

  @Test
  void shouldPollDuringTheWritesAndMarkTheSeedPointBeforeSettlingOnToConvergence() {
    // node c shows nothing until 5 s after the last write: past the seed point (3 s after the
    // last answer), converged later: the bound counts the seed point, the final poll says the
    // writes arrived (recovered, not lost)
    assertSeedPointBeforeConvergence(Duration.ofMillis(50), 5_000, true);
  }

  @Test
  void shouldMarkTheSeedPointWhileATimedHealIsStillAwaited() {
    // the fault heals 6 s after injection, after the seed point: the polls made while the heal is
    // awaited mark it (the settle only starts after the heal)
    // (the heal timer advances the fake clock meanwhile, so only "not before" is exact here. Its
    // 6 s may land in one step during the writes, so that the settle starts at the last write and
    // may last 20 s; or up to 3 s after the last write, before any poll has marked the seed point,
    // so that the first poll after the heal, at most 9.1 s after the last write, is the seed point.
    // Node c shows the writes 12 s after the last one: still lagging at the seed point in both.)
    assertSeedPointBeforeConvergence(Duration.ofMillis(6_000), 12_000, false);
  }

  private void assertSeedPointBeforeConvergence(Duration heal, long lagMs, boolean exact) {
    adapter.lagMs = lagMs;
    FakeFault fault = new FakeFault(heal, true);
    CampaignSpec spec = new CampaignLoader(Path.of("."), List.of("fake_fault"), Clock.systemUTC())
        .parse(CAMPAIGN.formatted("adaptive").replace(
            "settle: {poll_interval_ms: 100, max_settle_ms: 1000, mode: adaptive,"
                + " during_writes: false}",
            "settle: {poll_interval_ms: 100, max_settle_ms: 20000, seed_settle_ms: 3000}"),
            "t", "t", CampaignOverrides.none());
    assertTrue(spec.phase4().settle().duringWrites());
    CampaignOutcome outcome = runner(spec, fault).run();
    assertTrue(outcome.completed());

    List<Observation> polls = events.values(Topics.OBSERVATIONS);
    long lastAnswer = 0;
    for (WriteResult w : events.values(Topics.WRITES)) {
      lastAnswer = Math.max(lastAnswer, w.getEventTime().toEpochMilli() + w.getLatencyMs());
    }
    List<Observation> seedPoints = new ArrayList<>();
    for (int i = 0; i < polls.size(); i++) {
      Observation o = polls.get(i);
      assertEquals(i, o.getPollSeq(), "poll sequence in publish order");
      assertEquals(i == polls.size() - 1, o.getFinal$(), "only the last poll is final");
      if (o.getSeedPoint()) {
        seedPoints.add(o);
      }
    }
    assertEquals(1, seedPoints.size(), "one seed point");
    Observation seed = seedPoints.get(0);
    assertFalse(seed.getFinal$());
    long seedAt = seed.getEventTime().toEpochMilli();
    assertTrue(seedAt >= lastAnswer + 3000 && (!exact || seedAt <= lastAnswer + 3000 + 100),
        "seed point " + seed.getEventTime() + " vs last answer " + lastAnswer);
    assertEquals(0L, seed.getNodes().get(2).getCount(), "c still lagging at the seed point");
    Observation last = polls.get(polls.size() - 1);
    assertEquals(5L, last.getNodes().get(2).getCount());
    assertEquals(5L, last.getCycleWrites());
    long faults = events.values(Topics.FAULTS).stream()
        .filter(f -> f.getEventTime().compareTo(last.getEventTime()) <= 0).count();
    assertEquals(faults, last.getCycleFaults(), "the fault events published before it");
  }
}
