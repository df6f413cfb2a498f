package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.GateConfig;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.SoakRun;
import dev.shipgate.results.SoakVerdict;
import dev.shipgate.results.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The seed's soak criteria on hand-built run histories. */
class SoakRulesTest {
  private static final Instant T0 = Instant.parse("2026-04-20T19:30:00Z");
  private static final SoakRules.Gate SOAK = SoakRules.Gate.of(null);

  private static SoakRun run(int n, boolean pass, double bound, Long wall) {
    return SoakRun.newBuilder()
        .setCampaignId("soak-v0.6.0-r" + n)
        .setGateKey("ai-memory@v0.6.0")
        .setTargetName("ai-memory")
        .setTargetVersion("v0.6.0")
        .setCompletedAt(T0.plusSeconds(4L * 3600 * n).toString())
        .setCompletedMs(T0.plusSeconds(4L * 3600 * n).toEpochMilli())
        .setVerdict(pass ? Verdict.PASS : Verdict.FAIL)
        .setOverallPass(pass)
        .setState(CampaignState.FINISHED)
        .setBounds(Map.of("kill_primary_mid_write", bound))
        .setWallSeconds(wall)
        .setReasons(pass ? List.of() : List.of("phase 2: probe 1 failed"))
        .build();
  }

  /** 84 green runs of 840 s +- 5 %. */
  private static List<SoakRun> green(int count) {
    List<SoakRun> runs = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      runs.add(run(i, true, 1.0, 800L + (i % 9) * 10));
    }
    return runs;
  }

  private static SoakVerdict judge(List<SoakRun> runs) {
    List<SoakRun> ordered = new ArrayList<>();
    for (SoakRun r : runs) {
      ordered = SoakRules.add(ordered, r);
    }
    return SoakRules.judge(ordered, SOAK);
  }

  @Test
  void shouldPassEightyFourGreenRunsAndReportTheirFigures() {
    SoakVerdict v = judge(green(84));
    assertEquals(Verdict.PASS, v.getVerdict(), v.getReasons().toString());
    assertTrue(v.getFinal$());
    assertEquals(84, v.getRunsCounted());
    assertEquals(84, v.getRunsPassed());
    assertEquals(List.of(), v.getReasons());
    assertEquals(1.0, v.getBoundMin());
    assertEquals(840L, v.getWallMedianSeconds());
    assertEquals(880L, v.getWallP99Seconds());
    assertEquals(840L, v.getBaselineWallSeconds());
    assertEquals("soak", v.getProfile());
    assertEquals(T0.plusSeconds(4 * 3600).toString(), v.getFirstRunAt());
    assertEquals(T0.plusSeconds(4L * 3600 * 84).toString(), v.getLastRunAt());
  }

  @Test
  void shouldFailOnOneRedRunNamingIt() {
    List<SoakRun> runs = green(84);
    runs.set(40, run(41, false, 1.0, 840L));
    SoakVerdict v = judge(runs);
    assertEquals(Verdict.FAIL, v.getVerdict());
    assertEquals(83, v.getRunsPassed());
    assertEquals(List.of("soak-v0.6.0-r41: FINISHED FAIL (phase 2: probe 1 failed)"),
        v.getFailedRuns());
  }

  @Test
  void shouldFailABoundOfPoint99EvenWhenThePhasePassed() {
    List<SoakRun> runs = green(84);
    runs.set(10, run(11, true, 0.99, 840L));
    SoakVerdict v = judge(runs);
    assertEquals(Verdict.FAIL, v.getVerdict());
    assertEquals(84, v.getRunsPassed(), "every run passed");
    assertEquals(List.of("soak-v0.6.0-r11: kill_primary_mid_write bound 0.99 < 0.995"),
        v.getFailedRuns());
    assertEquals(0.99, v.getBoundMin());
  }

  @Test
  void shouldFailAWallTimeThirtyPercentAboveTheBaseline() {
    List<SoakRun> runs = green(84);
    runs.set(83, run(84, true, 1.0, 1092L)); // 840 * 1.3
    SoakVerdict v = judge(runs);
    assertEquals(Verdict.FAIL, v.getVerdict());
    assertEquals(List.of("soak-v0.6.0-r84: wall time 1092 s is +30 % from the baseline 840 s"
        + " (band +-25 %)"), v.getFailedRuns());
  }

  @Test
  void shouldFailAP99AboveTheCeiling() {
    List<SoakRun> runs = new ArrayList<>();
    for (int i = 1; i <= 84; i++) {
      runs.add(run(i, true, 1.0, 1300L));
    }
    SoakVerdict v = judge(runs);
    assertEquals(Verdict.FAIL, v.getVerdict());
    assertEquals(List.of("p99 wall time 1300 s > 1200 s"), v.getReasons());
  }

  @Test
  void shouldBeIncompleteWithSeventyOfEightyFourRunsAndNeverPass() {
    SoakVerdict v = judge(green(70));
    assertEquals(Verdict.INCOMPLETE, v.getVerdict());
    assertFalse(v.getFinal$());
    assertEquals(List.of("70 of the 84 expected runs"), v.getReasons());
  }

  @Test
  void shouldBeInconclusiveWhenAWallTimeOrTheBoundIsUnknown() {
    List<SoakRun> runs = green(84);
    runs.set(5, run(6, true, 1.0, null));
    assertEquals(Verdict.INCONCLUSIVE, judge(runs).getVerdict());
    runs = green(84);
    SoakRun noBound = run(7, true, 1.0, 840L);
    noBound.setBounds(Map.of());
    runs.set(6, noBound);
    SoakVerdict v = judge(runs);
    assertEquals(Verdict.INCONCLUSIVE, v.getVerdict());
    assertTrue(v.getReasons().get(0).startsWith("1 runs have no kill_primary_mid_write bound"),
        v.getReasons().toString());
  }

  @Test
  void shouldGiveTheSameVerdictWhateverOrderTheRunsArriveInAndCountARerunOnce() {
    List<SoakRun> runs = green(84);
    runs.set(3, run(4, false, 0.5, 840L));
    SoakVerdict expected = judge(runs);
    Random random = new Random(7);
    for (int i = 0; i < 10; i++) {
      List<SoakRun> shuffled = new ArrayList<>(runs);
      Collections.shuffle(shuffled, random);
      shuffled.add(runs.get(10)); // the same campaign's verdict again
      assertEquals(expected, judge(shuffled));
    }
  }

  @Test
  void shouldApplyAConfiguredReleaseGate() {
    SoakRules.Gate release = SoakRules.Gate.of(GateConfig.newBuilder().setProfile("release")
        .build());
    SoakVerdict v = SoakRules.judge(List.of(run(1, true, 1.0, null)), release);
    assertEquals(Verdict.PASS, v.getVerdict(), "one run, no duration rules");
    SoakRules.Gate five = SoakRules.Gate.of(GateConfig.newBuilder().setExpectedRuns(5)
        .setBaselineWallSeconds(600L).setDrift(0.1).build());
    List<SoakRun> two = List.of(run(1, true, 1.0, 600L), run(2, true, 1.0, 700L));
    v = SoakRules.judge(two, five);
    assertEquals(Verdict.INCOMPLETE, v.getVerdict(), "the duration rules wait for the window");
    assertEquals(5, v.getRunsExpected());
    List<SoakRun> all = new ArrayList<>(two);
    for (int i = 3; i <= 5; i++) {
      all.add(run(i, true, 1.0, 600L));
    }
    v = SoakRules.judge(all, five);
    assertEquals(Verdict.FAIL, v.getVerdict());
    assertEquals(600L, v.getBaselineWallSeconds());
    assertEquals(List.of("soak-v0.6.0-r2: wall time 700 s is +17 % from the baseline 600 s (band"
        + " +-10 %)"), v.getFailedRuns());
  }

  @Test
  void shouldNeverFailOnTheDurationRulesBeforeTheWindowIsComplete() {
    // a slow first run against a median that more runs move: not a final FAIL, so no FAIL yet
    List<SoakRun> runs = new ArrayList<>(List.of(run(1, true, 1.0, 1300L), run(2, true, 1.0,
        800L)));
    SoakVerdict early = judge(runs);
    assertEquals(Verdict.INCOMPLETE, early.getVerdict(), early.getReasons().toString());
    assertFalse(early.getFinal$());
  }
}
