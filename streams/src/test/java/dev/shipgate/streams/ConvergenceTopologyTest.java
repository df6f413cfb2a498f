package dev.shipgate.streams;

import static dev.shipgate.streams.Events.config;
import static dev.shipgate.streams.Events.cycleTally;
import static dev.shipgate.streams.Events.observation;
import static dev.shipgate.streams.Events.started;
import static dev.shipgate.streams.Events.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.WriteOutcome;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.BoundSource;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.SeedJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Phase 4 through the measured path: per-cycle tallies or write results, final observations. */
class ConvergenceTopologyTest {
  private static final String C = "camp-1";
  private static final String PM = "partition_minority";

  private static Harness startedHarness() throws Exception {
    Harness h = new Harness();
    h.send(started(C, config(List.of(4), List.of(PM)).build()));
    return h;
  }

  /**
   * One cycle: {@code ok} OK writes out of {@code writes} (the rest FAIL), then the final
   * observation with the given raw counts; via an imported tally, or individual write results and
   * an observation announcing them (as the driver's).
   */
  private static void cycle(Harness h, boolean viaWrites, int cycle, int writes, int ok,
      String... raw) {
    if (viaWrites) {
      for (int seq = 1; seq <= writes; seq++) {
        h.send(write(C, PM, cycle, seq, seq <= ok ? WriteOutcome.OK : WriteOutcome.FAIL));
      }
      h.send(observation(C, PM, cycle, writes, null, raw));
    } else {
      h.send(cycleTally(C, PM, cycle, writes, ok, 0, writes - ok));
      h.send(observation(C, PM, cycle, raw));
    }
  }

  private static FaultBound bound(Harness h) {
    return h.bounds().get(C + "/" + PM);
  }

  @ParameterizedTest(name = "via write results: {0}")
  @ValueSource(booleans = {false, true})
  void shouldCountErrAsZero(boolean viaWrites) throws Exception {
    try (Harness h = startedHarness()) {
      cycle(h, viaWrites, 1, 100, 100, "100", "ERR", "100");
      h.finish(C);
      CycleConvergence cc = h.cycles().get(C + "/" + PM + "/1");
      assertEquals(List.of("100", "ERR", "100"), cc.getNodeCounts());
      assertEquals(0, cc.getMinPeer());
      FaultBound b = bound(h);
      assertEquals("0", b.getBound());
      assertEquals(Verdict.FAIL, b.getVerdict());
      assertEquals("partition_minority: 0 < 0.995", b.getReason());
    }
  }

  @ParameterizedTest(name = "via write results: {0}")
  @ValueSource(booleans = {false, true})
  void shouldReportBoundOneButInconclusiveWhenNothingWasAcknowledged(boolean viaWrites)
      throws Exception {
    try (Harness h = startedHarness()) {
      cycle(h, viaWrites, 1, 100, 0, "0", "0", "0");
      h.finish(C);
      FaultBound b = bound(h);
      assertEquals("1", b.getBound());
      assertEquals(1000, b.getBoundThousandths());
      assertTrue(b.getSeedPass());
      assertEquals(0L, b.getSumOk());
      assertNull(b.getWilsonLower());
      assertEquals(Verdict.INCONCLUSIVE, b.getVerdict());
    }
  }

  @ParameterizedTest(name = "via write results: {0}")
  @ValueSource(booleans = {false, true})
  void shouldKeepABoundAboveOneWhenCountsExceedOk(boolean viaWrites) throws Exception {
    try (Harness h = startedHarness()) {
      for (int cycle = 1; cycle <= 50; cycle++) {
        cycle(h, viaWrites, cycle, 100, 90, "100", "100", "100");
      }
      h.finish(C);
      FaultBound b = bound(h);
      assertEquals("1.111", b.getBound(), "floor(1000 * 5000 / 4500) / 1000");
      assertTrue(b.getSeedPass());
      assertNull(b.getWilsonLower(), "a ratio above 1 is not a proportion");
      assertEquals(Verdict.PASS, b.getVerdict());
    }
  }

  @ParameterizedTest(name = "via write results: {0}")
  @ValueSource(booleans = {false, true})
  void shouldCallASingleCleanCycleInconclusive(boolean viaWrites) throws Exception {
    try (Harness h = startedHarness()) {
      cycle(h, viaWrites, 1, 100, 100, "100", "100", "100");
      h.finish(C);
      FaultBound b = bound(h);
      assertEquals("1", b.getBound());
      assertTrue(b.getSeedPass());
      assertEquals(Verdict.INCONCLUSIVE, b.getVerdict());
      assertEquals(0.9630, b.getWilsonLower(), 0.0005);
      PhaseVerdict p4 = h.phases().get(C + "/4");
      assertEquals(Verdict.INCONCLUSIVE, p4.getVerdict());
      assertTrue(SeedJson.parse(p4.getDetailsJson()).get("pass").booleanValue(),
          "the seed rule alone would pass it");
    }
  }

  @Test
  void shouldPassTwoHundredCleanCycles() throws Exception {
    try (Harness h = startedHarness()) {
      for (int cycle = 1; cycle <= 200; cycle++) {
        cycle(h, false, cycle, 100, 100, "100", "100", "100");
      }
      h.finish(C);
      FaultBound b = bound(h);
      assertEquals(200, b.getCycles());
      assertEquals(20000L, b.getSumOk());
      assertEquals("1", b.getBound());
      assertEquals(Verdict.PASS, b.getVerdict());
      assertEquals(200, h.cycles().size());
      assertEquals(Verdict.PASS, h.phases().get(C + "/4").getVerdict());
    }
  }

  @ParameterizedTest(name = "via write results: {0}")
  @ValueSource(booleans = {false, true})
  void shouldFailAPartitionClassLikeR20(boolean viaWrites) throws Exception {
    try (Harness h = startedHarness()) {
      for (int cycle = 1; cycle <= 50; cycle++) {
        cycle(h, viaWrites, cycle, 100, 100, "100", "20", "20");
      }
      h.finish(C);
      FaultBound b = bound(h);
      assertEquals(BoundSource.MEASURED, b.getSource());
      assertEquals("0.2", b.getBound());
      assertEquals(5000L, b.getSumOk());
      assertEquals(1000L, b.getSumMinPeer());
      assertEquals(Verdict.FAIL, b.getVerdict());
      assertEquals("partition_minority: 0.2 < 0.995", b.getReason());
      PhaseVerdict p4 = h.phases().get(C + "/4");
      assertEquals(List.of("partition_minority: 0.2 < 0.995"), p4.getReasons());
      assertEquals("{\"phase\":4,\"pass\":false,\"cycles_per_fault\":50,\"writes_per_cycle\":100,"
          + "\"convergence_by_fault\":{\"partition_minority\":0.2},"
          + "\"reasons\":[\"partition_minority: 0.2 < 0.995\"]}", p4.getDetailsJson());
      long breaches = h.alerts().stream()
          .filter(a -> a.getKind() == AlertKind.THRESHOLD_BREACHED).count();
      assertEquals(1, breaches, "one alert when the class turns failing, not one per cycle");
    }
  }

  @Test
  void shouldEmitTheSeedsJsonlFieldsPerCycle() throws Exception {
    try (Harness h = startedHarness()) {
      h.send(cycleTally(C, PM, 1, 100, 97, 0, 3));
      h.send(observation(C, PM, 1, "97", "20", "20"));
      CycleConvergence cc = h.cycles().get(C + "/" + PM + "/1");
      assertEquals(100, cc.getWrites());
      assertEquals(97, cc.getOk());
      assertEquals(0, cc.getQuorumNotMet());
      assertEquals(3, cc.getFail());
      assertEquals(List.of("97", "20", "20"), cc.getNodeCounts());
      assertEquals(20, cc.getMinPeer());
      assertTrue(cc.getObserved());
    }
  }

  @Test
  void shouldShowTheBoundSoFarLiveButGiveTheVerdictOnlyOnceTheCampaignIsComplete()
      throws Exception {
    try (Harness h = startedHarness()) {
      cycle(h, true, 1, 100, 100, "100", "100", "100");
      CampaignVerdict first = h.campaigns().get(C);
      assertEquals(CampaignState.RUNNING, first.getState());
      assertEquals(Verdict.PENDING, first.getVerdict());
      assertEquals("1", bound(h).getBound(), "the bound so far, live");
      assertEquals(Verdict.PENDING, bound(h).getVerdict());
      assertTrue(h.phases().isEmpty(), "no phase verdict before the campaign is complete");
      assertTrue(h.alerts().stream().noneMatch(a -> a.getKind() == AlertKind.THRESHOLD_BREACHED));

      cycle(h, true, 2, 100, 100, "100", "0", "0");
      assertEquals("0.5", bound(h).getBound());
      assertEquals(Verdict.PENDING, h.campaigns().get(C).getVerdict());
      Alert breach = h.alerts().stream().filter(a -> a.getKind() == AlertKind.THRESHOLD_BREACHED)
          .findFirst().orElseThrow();
      assertEquals("partition_minority: 0.5 < 0.995", breach.getMessage());
      assertEquals(PM, breach.getFault());

      h.finish(C);
      assertEquals(Verdict.FAIL, h.campaigns().get(C).getVerdict());
      assertEquals(CampaignState.FINISHED, h.campaigns().get(C).getState());
      assertEquals(Verdict.FAIL, bound(h).getVerdict());
      assertTrue(h.alerts().stream().noneMatch(a -> a.getKind() == AlertKind.VERDICT_CHANGED),
          "one final verdict: nothing flips");
      assertEquals(List.of(Verdict.PENDING, Verdict.FAIL), h.campaignRecords().stream()
          .map(kv -> kv.value.getVerdict()).distinct().toList());
    }
  }

  @Test
  void shouldListAcknowledgedWritesMissingFromEachNodesFinalIds() throws Exception {
    try (Harness h = startedHarness()) {
      for (int seq = 1; seq <= 5; seq++) {
        h.send(write(C, PM, 1, seq, seq == 4 ? WriteOutcome.QUORUM_NOT_MET : WriteOutcome.OK));
      }
      List<String> all = List.of("c1-w1", "c1-w2", "c1-w3", "c1-w5");
      List<List<String>> ids = List.of(all, List.of("c1-w1", "c1-w2", "c1-w5"),
          List.of("c1-w1", "c1-w2"));
      h.send(observation(C, PM, 1, 5, ids, "4", "3", "2"));
      CycleConvergence cc = h.cycles().get(C + "/" + PM + "/1");
      assertEquals(Map.of("a", List.of(), "b", List.of("c1-w3"), "c", List.of("c1-w3", "c1-w5")),
          cc.getLostIds());
      assertEquals(2, bound(h).getLostWrites(), "c1-w3 and c1-w5, each counted once");

      // a write after the cycle was judged is never reinterpreted: refused, and said so
      h.send(write(C, PM, 1, 6, WriteOutcome.OK));
      assertEquals(4, h.cycles().get(C + "/" + PM + "/1").getOk());
      assertEquals(4L, bound(h).getSumOk());
      assertTrue(h.deadLetters().stream().anyMatch(d -> d.value.getReason().startsWith(
          "late evidence for campaign camp-1: cycle 1 of partition_minority was judged already")),
          h.deadLetters().toString());
      assertTrue(h.alerts().stream().anyMatch(a -> a.getKind() == AlertKind.LATE_EVIDENCE));
    }
  }

  @Test
  void shouldJudgeACycleOnItsLastWriteWhenItsObservationCameFirstAndKeepNoWriteStateAfterward()
      throws Exception {
    try (Harness h = startedHarness()) {
      List<String> ids = List.of("c1-w1", "c1-w2", "c1-w3");
      h.send(observation(C, PM, 1, 3, List.of(ids, ids, ids), "3", "3", "3"));
      h.send(write(C, PM, 1, 1, WriteOutcome.OK));
      h.send(write(C, PM, 1, 2, WriteOutcome.OK));
      assertTrue(h.cycles().isEmpty(), "2 of the 3 announced writes: not judged yet");
      h.send(write(C, PM, 1, 3, WriteOutcome.OK));
      assertEquals(3, h.cycles().get(C + "/" + PM + "/1").getOk(), "judged on its last write");
      org.apache.kafka.streams.state.KeyValueStore<String, byte[]> writes =
          h.driver.getKeyValueStore(CycleStores.WRITES);
      assertEquals(List.of(), keys(writes),
          "the judged cycle's outcomes and tally are gone (the campaign's writes are counted in"
              + " its book)");
      assertEquals(3L, h.driver.<String, dev.shipgate.state.CampaignBook>getKeyValueStore(
          EvidenceStores.BOOKS).get(C).getSeen().get("4/writes"), "the campaign's writes");
      // a cycle that never gets its final observation (the driver stopped) never closes
      h.send(write(C, PM, 2, 1, WriteOutcome.OK));
      assertEquals(2, keys(writes).size(), "its tally and its bucket: " + keys(writes));
      h.finish(C);
      assertEquals(CampaignState.FINISHED, h.campaigns().get(C).getState());
      assertEquals(Verdict.INCONCLUSIVE, h.campaigns().get(C).getVerdict(),
          "3 clean writes: the seed's bound passes, the Wilson bound is too low to say");
      assertEquals(List.of(), keys(writes), "nothing of the writes is kept once judged");
      assertEquals(List.of(), keys(h.driver.getKeyValueStore(CycleStores.CYCLES)),
          "nor the cycles' books");
      assertTrue(keys(h.driver.getKeyValueStore(EvidenceStores.EMITTED)).stream()
          .noneMatch(k -> k.startsWith(C + "/" + PM + "/")), "nor a hash per cycle");
      // late evidence for a judged cycle is still refused
      h.send(write(C, PM, 1, 4, WriteOutcome.OK));
      assertTrue(h.deadLetters().stream().anyMatch(d -> d.value.getReason().equals(
          "late evidence for campaign camp-1: the campaign was judged already; not counted")),
          h.deadLetters().toString());
    }
  }

  private static <V> List<String> keys(
      org.apache.kafka.streams.state.KeyValueStore<String, V> store) {
    List<String> keys = new java.util.ArrayList<>();
    try (var it = store.all()) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    return keys;
  }

  @Test
  void shouldNotCountARepeatedWriteEventTwice() throws Exception {
    try (Harness h = startedHarness()) {
      h.send(write(C, PM, 1, 1, WriteOutcome.OK));
      h.send(write(C, PM, 1, 1, WriteOutcome.OK));
      h.send(observation(C, PM, 1, 1, null, "1", "1", "1"));
      assertEquals(1, h.cycles().get(C + "/" + PM + "/1").getOk());
      assertEquals(1, h.cycleRecords().size(), "judged once");
    }
  }

  @Test
  void shouldMarkAClassWhoseFaultWasNotAppliedIncompleteAndAlert() throws Exception {
    try (Harness h = new Harness()) {
      h.send(started(C, config(List.of(4), List.of("clock_skew_peer")).build()));
      h.send(Events.notApplied(C, "clock_skew_peer", "libfaketime not installed on node-b"));
      h.finish(C);
      FaultBound b = h.bounds().get(C + "/clock_skew_peer");
      assertEquals(Verdict.INCOMPLETE, b.getVerdict());
      assertEquals("clock_skew_peer: fault not applied: libfaketime not installed on node-b",
          b.getReason());
      PhaseVerdict p4 = h.phases().get(C + "/4");
      assertEquals(Verdict.INCOMPLETE, p4.getVerdict());
      assertEquals("{}", SeedJson.compact(SeedJson.parse(p4.getDetailsJson())
          .get("convergence_by_fault")), "a class never applied shows no bound");
      assertTrue(h.alerts().stream().anyMatch(a -> a.getKind() == AlertKind.FAULT_NOT_APPLIED
          && a.getMessage().contains("libfaketime not installed")));
    }
  }

  @Test
  void shouldReportEnabledClassesWithoutEvidenceAsNotRun() throws Exception {
    try (Harness h = new Harness()) {
      h.send(started(C, config(List.of(4), List.of(PM, "kill_primary_mid_write")).build()));
      for (int cycle = 1; cycle <= 50; cycle++) {
        cycle(h, false, cycle, 100, 100, "100", "100", "100");
      }
      h.finish(C);
      PhaseVerdict p4 = h.phases().get(C + "/4");
      assertEquals(Verdict.NOT_RUN, p4.getVerdict());
      assertEquals(List.of("kill_primary_mid_write: not run"), p4.getReasons());
      assertFalse(h.campaigns().get(C).getOverallPass());
    }
  }

  @Test
  void shouldRejudgeBoundsWithTheThresholdOfAStartedEventThatArrivesLate() throws Exception {
    try (Harness h = new Harness()) {
      for (int cycle = 1; cycle <= 50; cycle++) {
        cycle(h, false, cycle, 100, 100, "100", "99", "99");
      }
      h.finish(C);
      assertEquals("0.99", bound(h).getBound());
      assertEquals(Verdict.PENDING, bound(h).getVerdict(), "no verdict without the STARTED");
      assertEquals(CampaignState.FINISHING, h.campaigns().get(C).getState());
      h.send(started(C, config(List.of(4), List.of(PM)).setThresholds(
          dev.shipgate.events.Thresholds.newBuilder().setConvergenceMin("0.98").build()).build()));
      assertEquals("0.98", bound(h).getThreshold());
      assertEquals(Verdict.PASS, bound(h).getVerdict());
      assertEquals(Verdict.PASS, h.campaigns().get(C).getVerdict());
    }
  }

  /** The ids of writes c<cycle>-w<from>..c<cycle>-w<to>. */
  private static List<String> ids(int cycle, int from, int to) {
    List<String> out = new java.util.ArrayList<>();
    for (int w = from; w <= to; w++) {
      out.add("c" + cycle + "-w" + w);
    }
    return out;
  }

  @Test
  void shouldCountOnlyTheCampaignsOwnIdsSoAnEarlierRunsKeysCanNeverRaiseTheBound()
      throws Exception {
    try (Harness h = startedHarness()) {
      for (int seq = 1; seq <= 100; seq++) {
        h.send(write(C, PM, 1, seq, WriteOutcome.OK));
      }
      // peers b and c hold only 20 of the campaign's writes, plus 162 keys an earlier campaign
      // left under the same names
      List<String> stale = ids(9, 1, 162);
      List<String> peer = new java.util.ArrayList<>(ids(1, 1, 20));
      peer.addAll(stale);
      h.send(observation(C, PM, 1, 100, List.of(ids(1, 1, 100), peer, peer), "100", "182",
          "182"));
      h.finish(C);

      CycleConvergence cc = h.cycles().get(C + "/" + PM + "/1");
      assertEquals(20, cc.getMinPeer(), "own ids only");
      assertEquals(162, cc.getForeignRecords());
      FaultBound b = bound(h);
      assertEquals("0.2", b.getBound());
      assertEquals(Verdict.FAIL, b.getVerdict());
      assertEquals(80, b.getLostWrites());
      assertEquals("162 records in the cycles' namespaces were not written by this campaign;"
          + " not counted", b.getBoundNote());
    }
  }

  @Test
  void shouldExceedOneOnlyFromTheCampaignsOwnUnacknowledgedWritesAndSaySo() throws Exception {
    try (Harness h = startedHarness()) {
      for (int cycle = 1; cycle <= 30; cycle++) {
        for (int seq = 1; seq <= 100; seq++) {
          h.send(write(C, PM, cycle, seq, seq <= 98 ? WriteOutcome.OK
              : WriteOutcome.INDETERMINATE));
        }
        List<String> all = ids(cycle, 1, 100);
        h.send(observation(C, PM, cycle, 100, List.of(all, all, all), "100", "100", "100"));
      }
      h.finish(C);
      FaultBound b = bound(h);
      assertEquals("1.02", b.getBound(), "floor(1000 * 3000 / 2940) / 1000");
      assertEquals(60, b.getUnacknowledgedApplied());
      assertEquals("above 1: 60 of the campaign's own writes that were not acknowledged were"
          + " applied on a peer", b.getBoundNote());
      assertEquals(2, h.cycles().get(C + "/" + PM + "/1").getUnacknowledgedApplied());
    }
  }

  @Test
  void shouldCapACountWithoutIdsAtTheCyclesWrites() throws Exception {
    try (Harness h = startedHarness()) {
      h.send(cycleTally(C, PM, 1, 100, 100, 0, 0));
      h.send(observation(C, PM, 1, "100", "262", "262"));
      h.finish(C);

      CycleConvergence cc = h.cycles().get(C + "/" + PM + "/1");
      assertEquals(List.of("100", "262", "262"), cc.getNodeCounts(), "kept as observed");
      assertEquals(100, cc.getMinPeer());
      assertEquals(162, cc.getForeignRecords());
      assertEquals("1", bound(h).getBound(), "never 2.62");
    }
  }

  @Test
  void shouldDeadLetterAForgedTallyInsteadOfSummingItIntoAPass() throws Exception {
    try (Harness h = startedHarness()) {
      long max = Long.MAX_VALUE;
      h.send(Events.check(C, 4, "phase4.cycle").setFault(PM).setCycle(1)
          .setMetrics(Map.of("writes", 100L, "ok", max)).build());
      h.send(Events.check(C, 4, "phase4.cycle").setFault(PM).setCycle(2)
          .setMetrics(Map.of("writes", 100L, "ok", max)).build());
      h.send(Events.check(C, 4, "phase4.cycle").setFault(PM).setCycle(3)
          .setMetrics(Map.of("writes", 100L, "ok", 150L)).build());
      h.send(Events.check(C, 4, "phase4.cycle").setFault(PM).setCycle(4)
          .setMetrics(Map.of("writes", 100L, "ok", 90L, "quorum_not_met", 0L, "fail", 0L))
          .build());
      h.send(Events.check(C, 4, "phase4.bound").setFault(PM)
          .setValues(Map.of("bound", "1e999999999")).build());

      List<String> reasons = h.deadLetters().stream().map(kv -> kv.value.getReason()).toList();
      assertEquals(List.of(
          "metrics.ok of check phase4.cycle " + max + " exceeds the ceiling of 1000000000",
          "metrics.ok of check phase4.cycle " + max + " exceeds the ceiling of 1000000000",
          "metrics.ok 150 of check phase4.cycle exceeds metrics.writes 100",
          "metrics.ok + quorum_not_met + fail of check phase4.cycle = 90 + 0 + 0 = 90, not"
              + " metrics.writes 100",
          "values.bound '1e999999999' of check phase4.bound: number 1E+999999999 is out of"
              + " range (more than 64 digits written out)"), reasons);
      assertNull(bound(h), "no bound from forged evidence");
      assertTrue(h.campaigns().get(C) == null
          || h.campaigns().get(C).getVerdict() != Verdict.PASS);
    }
  }

  @Test
  void shouldDeadLetterACountBeyondTheCeilingInAnObservation() throws Exception {
    try (Harness h = startedHarness()) {
      h.send(observation(C, PM, 1, "100", "2000000000", "100"));
      assertEquals(List.of("count of node 'b' 2000000000 exceeds the ceiling of 1000000000"),
          h.deadLetters().stream().map(kv -> kv.value.getReason()).toList());
    }
  }
}
