package dev.shipgate.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.results.CampaignState;
import dev.shipgate.results.SoakRun;
import dev.shipgate.results.SoakVerdict;
import dev.shipgate.results.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReleasePageTest {
  private static SoakRun run(String id, boolean pass, Double bound, Long wall) {
    return SoakRun.newBuilder().setCampaignId(id).setGateKey("etcd@v3.5.17")
        .setTargetName("etcd").setTargetVersion("v3.5.17").setCompletedAt("2026-04-28T00:00:00Z")
        .setCompletedMs(0).setVerdict(pass ? Verdict.PASS : Verdict.FAIL).setOverallPass(pass)
        .setState(CampaignState.FINISHED)
        .setBounds(bound == null ? Map.of() : Map.of("kill_primary_mid_write", bound))
        .setWallSeconds(wall).setReasons(pass ? List.of() : List.of("phase 4: <b>lost</b>"))
        .build();
  }

  private static SoakVerdict verdict(List<SoakRun> runs, int expected) {
    return SoakVerdict.newBuilder().setGateKey("etcd@v3.5.17").setTargetName("etcd")
        .setTargetVersion("v3.5.17").setProfile("soak").setVerdict(Verdict.FAIL).setFinal$(false)
        .setRunsExpected(expected).setRunsCounted(runs.size()).setRunsPassed(1)
        .setFailedRuns(List.of()).setReasons(List.of("1 of 3 runs break the gate: <script>"))
        .setBoundFault("kill_primary_mid_write").setMinBound(0.995).setBoundMin(0.9)
        .setBoundMax(1.0).setDrift(0.25).setBaselineWallSeconds(600L).setWallMedianSeconds(600L)
        .setWallP99Seconds(700L).setP99WallCeilingSeconds(1200).setFirstRunAt("a")
        .setLastRunAt("b").setRuns(runs).setUpdatedAt(Instant.EPOCH).build();
  }

  private static int count(String page, String s) {
    return page.split(java.util.regex.Pattern.quote(s), -1).length - 1;
  }

  @Test
  void shouldDrawTheWindowWithMissingRunsGreyAndEscapeEveryText() {
    List<SoakRun> runs = new ArrayList<>(List.of(run("r1", true, 1.0, 600L),
        run("r2<x>", false, 0.9, null)));
    String page = ReleasePage.render(verdict(runs, 5));
    assertEquals(1, count(page, "height=\"12\" fill=\"#2e7d32\""), "one green cell");
    assertEquals(1, count(page, "height=\"12\" fill=\"#c62828\""), "one red cell");
    assertEquals(3, count(page, "height=\"12\" fill=\"#ccc\""), "three runs missing");
    assertFalse(page.contains("<script>") || page.contains("<b>lost") || page.contains("r2<x>"));
    assertTrue(page.contains("&lt;script&gt;") && page.contains("r2&lt;x&gt;"));
    assertTrue(page.contains("(not final)"));
    assertTrue(page.contains("<circle cx=\"6\"") && page.contains("r=\"3\" fill=\"#2e7d32\">"
        + "<title>r1: 1.0"), "r1's bound drawn green");
    assertTrue(page.contains("r=\"3\" fill=\"#c62828\"><title>r2&lt;x&gt;: 0.9"),
        "r2's bound drawn red, below the floor");
    assertEquals(1, count(page, ">?</text>"), "r2's wall unknown, shown as ?; its bound is drawn");
    assertEquals("etcd-v3.5.17.html", ReleasePage.fileName("etcd@v3.5.17"));
    assertEquals("ai-memory-release-v0.6.3.html", ReleasePage.fileName("ai-memory@release/v0.6.3"));
  }
}
