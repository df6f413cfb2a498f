package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.CampaignEvent;
import dev.shipgate.results.BoundSource;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.PhaseSummary;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.SeedJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The reference runs of the original ship-gate, imported as events, judged by shipgate. */
class GoldenCasesTest {

  private static Harness run(String run) throws Exception {
    Harness h = new Harness();
    h.sendAll(ReferenceRuns.events(run));
    return h;
  }

  private static String pretty(String compactJson) {
    return SeedJson.pretty(SeedJson.parse(compactJson));
  }

  @Test
  void shouldFailR20OnPartitionMinorityWithPlainSeedReason() throws Exception {
    String c = "v0.6.0.0-final-r20";
    try (Harness h = run(c)) {
      Map<String, FaultBound> bounds = h.bounds();
      assertEquals("1", bounds.get(c + "/kill_primary_mid_write").getBound());
      assertEquals(BoundSource.IMPORTED, bounds.get(c + "/kill_primary_mid_write").getSource());
      assertEquals("0.2", bounds.get(c + "/partition_minority").getBound());
      assertEquals(200, bounds.get(c + "/partition_minority").getBoundThousandths());
      Map<String, PhaseVerdict> phases = h.phases();
      assertEquals(Verdict.FAIL, phases.get(c + "/4").getVerdict());
      assertEquals(List.of("partition_minority: 0.2 < 0.995"), phases.get(c + "/4").getReasons());
      assertEquals(Verdict.PASS, phases.get(c + "/2").getVerdict());
      assertEquals(Verdict.PASS, phases.get(c + "/3").getVerdict());
      assertNull(phases.get(c + "/1"), "phase 1 has no evidence in r20");
      CampaignVerdict v = h.campaigns().get(c);
      assertEquals(Verdict.FAIL, v.getVerdict());
      assertFalse(v.getOverallPass());
      assertTrue(v.getReasons().contains("phase 1: not run: no evidence was published for it"),
          v.getReasons().toString());
      assertTrue(v.getReasons().contains("phase 4: partition_minority: 0.2 < 0.995"));
      for (PhaseSummary s : v.getPhases()) {
        if (s.getPhase() == 1) {
          assertEquals(Verdict.NOT_RUN, s.getVerdict(), "phase 1 node " + s.getNode());
        }
      }
      // phase4.json keeps the reconstruction note of the original as an extra key
      String p4 = pretty(phases.get(c + "/4").getDetailsJson());
      assertTrue(p4.endsWith("  \"_reconstructed_from\": "
          + "\"https://github.com/alphaonedev/ai-memory-ship-gate/actions/runs/24669844796\"\n}\n"),
          p4);
      assertTrue(p4.contains("\"convergence_by_fault\": {\n    \"kill_primary_mid_write\": 1,\n"
          + "    \"partition_minority\": 0.2\n  }"), p4);
      String summary = pretty(v.getSummaryJson());
      assertTrue(summary.contains("\"_reconstruction_note\": \"Original campaign artifact"),
          summary);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"v0.6.0.0-final-r24", "ship-gate-v0.6.3-rc1-r2"})
  void shouldReproduceEveryReferenceArtifactByteForByte(String c) throws Exception {
    try (Harness h = run(c)) {
      Map<String, PhaseVerdict> phases = h.phases();
      Path dir = ReferenceRuns.dir(c);
      for (String node : List.of("a", "b", "c")) {
        assertEquals(ReferenceRuns.read(dir.resolve("phase1-node-" + node + ".json")),
            pretty(phases.get(c + "/1/" + node).getDetailsJson()), "phase1-node-" + node);
      }
      for (int phase = 2; phase <= 4; phase++) {
        assertEquals(ReferenceRuns.read(dir.resolve("phase" + phase + ".json")),
            pretty(phases.get(c + "/" + phase).getDetailsJson()), "phase" + phase + ".json");
      }
      assertEquals(ReferenceRuns.read(dir.resolve("campaign-summary.json")),
          pretty(h.campaigns().get(c).getSummaryJson()), "campaign-summary.json");
    }
  }

  @Test
  void shouldFailR24OnPhase4WhilePhases1To3Pass() throws Exception {
    String c = "v0.6.0.0-final-r24";
    try (Harness h = run(c)) {
      Map<String, PhaseVerdict> phases = h.phases();
      for (String node : List.of("a", "b", "c")) {
        assertEquals(Verdict.PASS, phases.get(c + "/1/" + node).getVerdict(), node);
      }
      assertEquals(Verdict.PASS, phases.get(c + "/1").getVerdict());
      assertEquals(Verdict.PASS, phases.get(c + "/2").getVerdict());
      assertEquals(Verdict.PASS, phases.get(c + "/3").getVerdict());
      assertEquals(Verdict.FAIL, phases.get(c + "/4").getVerdict());
      CampaignVerdict v = h.campaigns().get(c);
      assertEquals(Verdict.FAIL, v.getVerdict());
      assertEquals(CampaignState.FINISHED, v.getState());
      assertEquals("2026-04-20T17:48:31Z", v.getCompletedAt());
      assertEquals(List.of("phase 4: partition_minority: 0.2 < 0.995"), v.getReasons());
    }
  }

  @Test
  void shouldFailR14OnPhase2CountsWithTheSeedsReasonsVerbatim() throws Exception {
    String c = "v0.6.0.0-final-r14";
    try (Harness h = run(c)) {
      Map<String, PhaseVerdict> phases = h.phases();
      assertEquals(Verdict.PASS, phases.get(c + "/1").getVerdict());
      assertEquals(Verdict.FAIL, phases.get(c + "/2").getVerdict());
      assertEquals(List.of("node-B count 166 < 95% of 200", "node-C count 164 < 95% of 200"),
          phases.get(c + "/2").getReasons());
      assertEquals(ReferenceRuns.read(ReferenceRuns.dir(c).resolve("phase2.json")),
          pretty(phases.get(c + "/2").getDetailsJson()));
      assertNull(phases.get(c + "/3"));
      assertNull(phases.get(c + "/4"));
      CampaignVerdict v = h.campaigns().get(c);
      assertEquals(Verdict.FAIL, v.getVerdict());
      assertEquals(List.of("phase 2: node-B count 166 < 95% of 200",
          "phase 2: node-C count 164 < 95% of 200",
          "phase 3: not run: no evidence was published for it",
          "phase 4: not run: no evidence was published for it"), v.getReasons());
      assertEquals(ReferenceRuns.read(ReferenceRuns.dir(c).resolve("campaign-summary.json")),
          pretty(v.getSummaryJson()));
    }
  }

  @Test
  void shouldPassRc1R2WithOverallPassTrue() throws Exception {
    String c = "ship-gate-v0.6.3-rc1-r2";
    try (Harness h = run(c)) {
      Map<String, PhaseVerdict> phases = h.phases();
      for (String key : List.of("/1/a", "/1/b", "/1/c", "/1", "/2", "/3", "/4")) {
        assertEquals(Verdict.PASS, phases.get(c + key).getVerdict(), key);
        assertEquals(List.of(), phases.get(c + key).getReasons(), key);
      }
      CampaignVerdict v = h.campaigns().get(c);
      assertEquals(Verdict.PASS, v.getVerdict());
      assertTrue(v.getOverallPass());
      assertEquals(6, v.getPhases().size(), "3 phase-1 nodes + phases 2, 3, 4");
      assertTrue(SeedJson.parse(v.getSummaryJson()).get("overall_pass").booleanValue());
    }
  }

  @Test
  void shouldPassRc1R2WhenTheStartedEventArrivesAfterTheEvidence() throws Exception {
    String c = "ship-gate-v0.6.3-rc1-r2";
    try (Harness h = new Harness()) {
      List<SpecificRecord> events = new ArrayList<>(ReferenceRuns.events(c));
      CampaignEvent started = (CampaignEvent) events.remove(0);
      h.sendAll(events);
      CampaignVerdict before = h.campaigns().get(c);
      assertEquals(Verdict.PENDING, before.getVerdict(), "never INCOMPLETE, then PASS");
      assertEquals(List.of("pending: ended, but no campaign-started event yet"),
          before.getReasons());
      h.send(started);
      CampaignVerdict after = h.campaigns().get(c);
      assertEquals(Verdict.PASS, after.getVerdict());
      assertEquals(ReferenceRuns.read(ReferenceRuns.dir(c).resolve("campaign-summary.json")),
          pretty(after.getSummaryJson()));
    }
  }

  @Test
  void shouldNotPassSoakR84WhoseOriginalSummaryClaimedAPassWithNoPhases() throws Exception {
    String c = "soak-v0.6.0-r84";
    assertTrue(ReferenceRuns.read(ReferenceRuns.dir(c).resolve("campaign-summary.json"))
        .contains("\"overall_pass\": true"), "the original's claim this test refutes");
    assertFalse(Files.exists(ReferenceRuns.dir(c).resolve("phase1-node-a.json")));
    try (Harness h = run(c)) {
      assertTrue(h.phases().isEmpty());
      CampaignVerdict v = h.campaigns().get(c);
      assertEquals(Verdict.NOT_RUN, v.getVerdict());
      assertFalse(v.getOverallPass());
      String none = ": not run: no evidence was published for it";
      assertEquals(List.of("phase 1" + none, "phase 2" + none, "phase 3" + none,
          "phase 4" + none), v.getReasons());
      assertEquals("{\n  \"campaign_id\": \"soak-v0.6.0-r84\",\n"
          + "  \"ai_memory_git_ref\": \"v0.6.0\",\n"
          + "  \"completed_at\": \"2026-05-04T16:50:20Z\",\n"
          + "  \"overall_pass\": false,\n  \"phases\": []\n}\n", pretty(v.getSummaryJson()));
    }
  }

  @Test
  void shouldRejudgeR20UnderAnotherIdWithTheAnalystsThreshold() throws Exception {
    String c = "v0.6.0.0-final-r20";
    try (Harness h = new Harness(new Reanalysis(c, "r20-at-0.2", "0.2", null))) {
      h.sendAll(ReferenceRuns.events(c));
      h.sendAll(ReferenceRuns.events("ship-gate-v0.6.3-rc1-r2"));
      assertNull(h.campaigns().get("ship-gate-v0.6.3-rc1-r2"), "only the campaign asked for");
      assertNull(h.campaigns().get(c), "outputs under the new id only");
      Map<String, PhaseVerdict> phases = h.phases();
      assertEquals(Verdict.PASS, phases.get("r20-at-0.2/4").getVerdict(),
          "0.2 is not below a threshold of 0.2");
      assertEquals("0.2", h.bounds().get("r20-at-0.2/partition_minority").getThreshold());
      assertEquals(Verdict.NOT_RUN, h.campaigns().get("r20-at-0.2").getVerdict(),
          "phase 1 still has no evidence");
    }
  }
}
