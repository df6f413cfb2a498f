package dev.shipgate.sink;

import static dev.shipgate.sink.Fixtures.R24;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.Diagnosis;
import dev.shipgate.results.NodeVisibility;
import dev.shipgate.results.VisibilitySummary;
import dev.shipgate.results.WindowVisibility;
import dev.shipgate.results.WritePoint;
import dev.shipgate.results.WriteWindow;
import dev.shipgate.schemas.SeedJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run page's slow-or-lost block and visibility.json, from hand-built Streams records. */
class VisibilityPageTest {
  private static final String PM = "partition_minority";
  private static final List<Long> T = List.of(0L, 10L, 50L, 100L, 500L, 1_000L, 3_000L, 10_000L,
      90_000L);

  @TempDir
  Path tmp;

  static NodeVisibility node(int index, String name, long acked, long lost, long recovered,
      Long p99) {
    List<Long> by = new ArrayList<>();
    for (int k = 0; k < T.size(); k++) {
      by.add(k < 4 ? 0L : acked - lost - (k < 7 ? recovered : 0));
    }
    return NodeVisibility.newBuilder().setNodeIndex(index).setNodeNames(List.of(name))
        .setAcked(acked).setVisible(acked - lost).setLost(lost).setRecovered(recovered)
        .setUnexpected(0).setDuplicated(0).setVisibleBy(by).setP50Ms(300L).setP99Ms(p99)
        .setMaxMs(p99).setLostByWindow(lost == 0 ? Map.of() : Map.of("DURING_FAULT", lost))
        .build();
  }

  static VisibilitySummary summary() {
    List<WindowVisibility> windows = new ArrayList<>();
    for (WriteWindow w : WriteWindow.values()) {
      long attempted = w == WriteWindow.UNKNOWN ? 0 : w == WriteWindow.PRE_FAULT ? 2 : 4;
      long ok = w == WriteWindow.DURING_FAULT ? 1 : attempted;
      windows.add(WindowVisibility.newBuilder().setWindow(w).setAttempted(attempted).setOk(ok)
          .setAvailability(attempted == 0 ? null : (double) ok / attempted).setLost(0).build());
    }
    return VisibilitySummary.newBuilder().setCampaignId(R24).setFault(PM).setCycles(50)
        .setSeedSettleMs(3000L).setTMs(T)
        .setNodes(List.of(node(0, "a", 5000, 0, 0, 400L), node(1, "b", 5000, 4, 0, 450L),
            node(2, "c", 5000, 0, 4000, 8200L)))
        .setWindows(windows).setP99Ms(8200L).setDiagnosis(Diagnosis.BOTH)
        .setDiagnosisText("both: 4 on node b <b>never</b> arrived").setPending(false)
        .setUpdatedAt(Fixtures.R24_DONE).build();
  }

  /** Cycle 1 of r24 with ten points: w3..w6 during the fault, w4 lost on b. */
  static CycleConvergence withPoints(CycleConvergence c) {
    List<WritePoint> points = new ArrayList<>();
    for (int seq = 1; seq <= 10; seq++) {
      boolean lost = seq == 4;
      points.add(WritePoint.newBuilder().setWriteId("c1-w" + seq)
          .setIssuedAt(1_000_000L + 100 * seq).setLatencyMs(5L)
          .setOutcome(seq == 9 ? WriteOutcome.FAIL : WriteOutcome.OK)
          .setWindow(seq < 3 ? WriteWindow.PRE_FAULT : seq < 7 ? WriteWindow.DURING_FAULT
              : WriteWindow.POST_HEAL)
          .setVisibleMs(Arrays.asList(100L, lost ? null : 200L, 4000L))
          .setHeldAtEnd(List.of(true, !lost, true)).build());
    }
    return CycleConvergence.newBuilder(c).setPoints(points)
        .setRecoveredIds(Map.of("c", List.of("c1-w5"))).build();
  }

  @Test
  void shouldDrawTheVisibilityChartsAndWriteTheirNumbers() throws IOException {
    RunRecords r = Fixtures.r24();
    List<CycleConvergence> cycles = new ArrayList<>(r.cycles());
    cycles.set(0, withPoints(cycles.get(0)));
    RunRecords records = new RunRecords(r.campaignId(), r.verdict(), r.phases(), r.bounds(),
        cycles, r.faults(), List.of(summary()));
    Path runs = tmp.resolve("runs");
    new RunArtifactsWriter(runs).write(records);
    Path dir = runs.resolve(R24);

    JsonNode vis = SeedJson.parse(Files.readString(dir.resolve("visibility.json")));
    assertEquals(PM, vis.get("faults").get(0).get("fault").asText());
    assertEquals("BOTH", vis.get("faults").get(0).get("diagnosis").asText());
    assertEquals(4000, vis.get("faults").get(0).get("nodes").get(2).get("recovered").asLong());

    JsonNode verdict = SeedJson.parse(Files.readString(dir.resolve("shipgate-verdict.json")));
    JsonNode pm = null;
    for (JsonNode f : verdict.get("faults")) {
      if (f.get("fault").asText().equals(PM)) {
        pm = f;
      }
    }
    assertEquals("BOTH", pm.get("diagnosis").asText());
    assertTrue(verdict.get("artifacts").toString().contains("visibility.json"));

    String detail = Files.readString(dir.resolve("shipgate-cycles-" + PM + ".jsonl"));
    assertTrue(detail.lines().findFirst().orElseThrow()
        .contains("\"recovered_ids\":{\"c\":[\"c1-w5\"]}"), detail.lines().findFirst().get());

    String page = Files.readString(dir.resolve("index.html"));
    assertTrue(page.contains("Slow or lost"), "the block is on the page");
    assertTrue(page.contains("both: 4 on node b &lt;b&gt;never&lt;/b&gt; arrived"),
        "the diagnosis is escaped like every value");
    assertFalse(page.contains("<b>never</b>"));
    assertEquals(3, count(page, "<svg class=\"chart vis\""), "CDF, timeline, availability");
    assertEquals(3, count(page, "<polyline class=\"n"), "one CDF line per node");
    assertTrue(page.contains("seed settle"), "the seed's settle point is marked");
    // the timeline: ten writes, one lost (plus the three legend dots)
    assertEquals(10 + 3, count(page, "<circle "));
    assertEquals(1 + 1, count(page, "<circle class=\"lost\""));
    assertTrue(page.contains("<rect class=\"window\""), "the fault window is shaded");
    // coordinates (760 x 220, plot from x 56 to 650, y 14 to 186; t on log10(1 + t)):
    // node c's curve steps from 0.2 (1000 of 5000 by 3 s) to 1.0 at t = 10 s (x 535.6)
    Matcher c = Pattern.compile("<polyline class=\"n2\" points=\"([^\"]+)\"").matcher(page);
    assertTrue(c.find(), "node c's curve");
    assertTrue(c.group(1).contains("535.6,151.6 535.6,14.0"), c.group(1));
    assertTrue(c.group(1).startsWith("56.0,186.0 "), c.group(1));
    // the seed's settle point (3 s) at x 472.9, under its tick label
    assertTrue(page.contains("<line class=\"thr\" x1=\"472.9\" y1=\"14.0\" x2=\"472.9\""
        + " y2=\"186.0\">"), "seed settle line");
    assertTrue(page.contains("x=\"472.9\" y=\"202.0\" text-anchor=\"middle\">3 s</text>"));
    // the fault window: writes 3-6 of 1-10 (issued 200-600 ms of 900): x 188.0, width 264.0
    assertTrue(page.contains("<rect class=\"window\" x=\"188.0\" y=\"14.0\" width=\"264.0\""
        + " height=\"172.0\">"), "the shaded fault window");
    // availability: three windows with writes (the unknown one has none)
    assertTrue(page.contains(">1 / 4</text>"), "during the fault: 1 of 4");
    assertTrue(page.contains("during the fault"));
    assertFalse(page.contains("window unknown"));
    assertTrue(page.contains("8.20 s"), "c's p99 in the node table");
    assertFalse(page.contains("<script"), "self-contained, no scripts");
  }

  @Test
  void shouldKeepWritePointsOfTheFirstCyclesOnlyInTheSinksMemory() {
    LatestRecords latest = new LatestRecords();
    CycleConvergence base = withPoints(Fixtures.r24().cycles().get(0));
    for (int c = 1; c <= LatestRecords.CYCLES_WITH_POINTS + 5; c++) {
      CycleConvergence cycle = CycleConvergence.newBuilder(base).setCycle(c).build();
      latest.put("shipgate.cycle-convergence", R24 + "/" + PM + "/" + c, R24, cycle);
    }
    List<CycleConvergence> kept = latest.runRecords(R24).cycles();
    assertEquals(LatestRecords.CYCLES_WITH_POINTS + 5, kept.size());
    long withPoints = kept.stream().filter(c -> !c.getPoints().isEmpty()).count();
    assertEquals(LatestRecords.CYCLES_WITH_POINTS, withPoints);
    // every cycle keeps its lists
    assertTrue(kept.stream().allMatch(c -> c.getRecoveredIds().containsKey("c")));
  }

  private static int count(String text, String needle) {
    Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
