package dev.shipgate.producer.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.producer.campaign.Fakes.FakeAdapter;
import dev.shipgate.producer.campaign.Fakes.FakeFault;
import dev.shipgate.producer.campaign.Fakes.FakeTicker;
import dev.shipgate.producer.lease.FaultLedger;
import dev.shipgate.producer.lease.LeasedFault;
import dev.shipgate.producer.publish.CapturingEventPublisher;
import dev.shipgate.producer.remote.CapturingCommandRunner;
import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.RemoteException;
import dev.shipgate.schemas.Topics;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Evidence belongs to its campaign: a record already in a burst's namespace stops the burst, a
 * record the campaign did not write is never counted, every fault is in the lease while applied,
 * and a node that refuses its host key ends the campaign loudly.
 */
class CampaignEvidenceTest {
  static final String CYCLE_1 = "shipgate/unit-1/phase4/fake_fault/c1";
  static final String CYCLE_2 = "shipgate/unit-1/phase4/fake_fault/c2";

  final FakeTicker ticker = new FakeTicker();
  final FakeAdapter adapter = new FakeAdapter(ticker);
  final CapturingEventPublisher events = new CapturingEventPublisher();
  final CapturingCommandRunner commands = new CapturingCommandRunner(
      c -> new CommandResult(c.node(), c.command(), 0, "", "", 1));

  static CampaignSpec spec(int cycles, String phases) {
    return new CampaignLoader(java.nio.file.Path.of("."), List.of("fake_fault"),
        java.time.Clock.systemUTC()).parse(CampaignRunnerTest.CAMPAIGN.formatted("adaptive")
            .replace("phases: [4]", "phases: " + phases)
            .replace("cycles: 1", "cycles: " + cycles), "t", "t", CampaignOverrides.none());
  }

  CampaignRunner runner(CampaignSpec spec, FakeFault fault) {
    return new CampaignRunner(spec, adapter, commands, List.of(fault), null, events, ticker,
        null);
  }

  @Test
  void shouldNotRunACycleWhoseNamespaceHoldsAnEarlierRunsKeysAndNeverCountThem() {
    // what the demo left behind under the same names: 162 keys, c1-w1 among them
    for (int w = 1; w <= 162; w++) {
      adapter.written.computeIfAbsent(CYCLE_1, n -> new HashSet<>()).add("c1-w" + w);
    }
    CampaignOutcome outcome = runner(spec(2, "[4]"), new FakeFault(Duration.ZERO, true)).run();

    List<CheckResult> checks = events.values(Topics.CHECKS);
    assertEquals(1, checks.size(), checks.toString());
    CheckResult precondition = checks.get(0);
    assertEquals("phase4.precondition", precondition.getCheck());
    assertEquals("fake_fault", precondition.getFault());
    assertEquals(1, precondition.getCycle());
    assertEquals("namespace " + CYCLE_1 + " is not known to be empty: node a holds 162"
        + " record(s) (c1-w1, c1-w2, c1-w3, c1-w4, c1-w5, ...); node b holds 162 record(s)"
        + " (c1-w1, c1-w2, c1-w3, c1-w4, c1-w5, ...); node c holds 162 record(s) (c1-w1, c1-w2,"
        + " c1-w3, c1-w4, c1-w5, ...); the burst is not run, so none of it can be counted",
        precondition.getError());
    assertTrue(events.values(Topics.WRITES).stream().allMatch(w -> w.getCycle() == 2),
        "no write in cycle 1");
    assertTrue(events.values(Topics.OBSERVATIONS).stream().allMatch(o -> o.getCycle() == 2),
        "nothing of cycle 1 observed, so nothing of it counted");
    assertEquals("PRECONDITION_FAILED", outcome.cycles().get(0).faultAction());
    assertTrue(outcome.completed(), "the campaign itself ran to its end");
    assertEquals(1, outcome.problems().size(), outcome.problems().toString());
    assertTrue(outcome.problems().get(0).startsWith("fake_fault cycle 1: namespace " + CYCLE_1),
        outcome.problems().get(0));
  }

  @Test
  void shouldCountOnlyTheCampaignsOwnIdsAndReportTheOthers() {
    // a foreign writer puts records into the namespace while the cycle runs
    adapter.onWrite = id -> {
      if (id.equals("c1-w3")) {
        adapter.written.get(CYCLE_1).addAll(List.of("c1-w99", "stray"));
      }
    };
    runner(spec(1, "[4]"), new FakeFault(Duration.ZERO, true)).run();

    Observation last = events.values(Topics.OBSERVATIONS).get(
        events.values(Topics.OBSERVATIONS).size() - 1);
    for (NodeObservation n : last.getNodes()) {
      assertEquals(5L, n.getCount(), n.toString());
      assertEquals("5", n.getRawCount());
      assertEquals(List.of("c1-w1", "c1-w2", "c1-w3", "c1-w4", "c1-w5"), n.getIds());
      assertEquals(2L, n.getForeignCount());
      assertEquals(2, n.getForeignSample().size());
      assertTrue(n.getForeignSample().containsAll(List.of("c1-w99", "stray")));
    }
  }

  @Test
  void shouldRefusePhaseTwoWhenItsNamespaceIsNotEmpty() {
    adapter.written.computeIfAbsent("shipgate/unit-1/phase2", n -> new HashSet<>())
        .add("p2-a1-w1");
    CampaignOutcome outcome = runner(spec(1, "[2]"), new FakeFault(Duration.ZERO, true)).run();

    CheckResult precondition = events.values(Topics.CHECKS).get(0);
    assertEquals("phase2.precondition", precondition.getCheck());
    assertTrue(precondition.getError().startsWith("namespace shipgate/unit-1/phase2 is not known"
        + " to be empty: node a holds 1 record(s) (p2-a1-w1)"), precondition.getError());
    assertTrue(events.values(Topics.WRITES).isEmpty());
    assertFalse(outcome.problems().isEmpty());
  }

  @Test
  void shouldKeepEveryFaultInTheLeaseWhileItIsApplied() {
    List<String> ledger = new CopyOnWriteArrayList<>();
    FaultLedger recording = new FaultLedger() {
      @Override
      public void applying(LeasedFault f) {
        ledger.add("applying " + f.fault() + " c" + f.cycle() + " on " + f.node() + " events "
            + events.values(Topics.FAULTS).size());
      }

      @Override
      public void healed(LeasedFault f) {
        ledger.add("healed " + f.fault() + " c" + f.cycle() + " events "
            + events.values(Topics.FAULTS).size());
      }

      @Override
      public void release() {
        ledger.add("release events " + events.values(Topics.CAMPAIGNS).size());
      }
    };
    new CampaignRunner(spec(2, "[4]"), adapter, commands,
        List.of(new FakeFault(Duration.ofMillis(50), true)), null, events, ticker, null,
        campaignId -> recording).run();

    assertEquals(List.of(
        "applying fake_fault c1 on a events 0", "healed fake_fault c1 events 2",
        "applying fake_fault c2 on a events 2", "healed fake_fault c2 events 4",
        "release events 1"), ledger, "before INJECTED, after HEALED, given up before FINISHED");
    assertEquals(CampaignEventType.FINISHED,
        events.values(Topics.CAMPAIGNS).get(1).getType());
  }

  @Test
  void shouldAbortLoudlyWhenANodeRefusesItsHostKey() {
    CapturingCommandRunner refusing = new CapturingCommandRunner(c -> {
      if (c.node().equals("a")) {
        throw new RemoteException("a (root@127.0.0.11:22): connect failed: host key has CHANGED",
            false, null);
      }
      return new CommandResult(c.node(), c.command(), 0, "", "", 1);
    });
    FakeFault fault = new FakeFault(Duration.ZERO, true);
    CampaignOutcome outcome = new CampaignRunner(spec(3, "[4]"), adapter, refusing,
        List.of(fault), null, events, ticker, null).run();

    assertFalse(outcome.completed());
    assertEquals("node a refused: a (root@127.0.0.11:22): connect failed: host key has CHANGED",
        outcome.abortReason());
    assertTrue(outcome.problems().get(0).startsWith("node a (root@127.0.0.11:22): "),
        outcome.problems().toString());
    assertTrue(events.values(Topics.WRITES).isEmpty(), "not one write after the refusal");
    CampaignEvent last = events.values(Topics.CAMPAIGNS).get(
        events.values(Topics.CAMPAIGNS).size() - 1);
    assertEquals(CampaignEventType.ABORTED, last.getType());
    assertTrue(outcome.cycles().size() <= 1, "no further cycle after the refusal");
  }
}
