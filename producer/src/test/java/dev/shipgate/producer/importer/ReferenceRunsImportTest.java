package dev.shipgate.producer.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.EventSource;
import dev.shipgate.schemas.SeedJson;
import dev.shipgate.schemas.Topics;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceRunsImportTest {

  @ParameterizedTest
  @ValueSource(strings = {"v0.6.0.0-final-r14", "v0.6.0.0-final-r20", "v0.6.0.0-final-r24",
      "ship-gate-v0.6.3-rc1-r2", "soak-v0.6.0-r84"})
  void shouldImportEveryReferenceRunWithoutErrorsAsOneStartedFirstAndFinishedLast(String run) {
    Imported imported = Imported.of(Imported.reference(run));

    assertEquals(List.of(), imported.report.errors());
    assertEquals(List.of(run), imported.report.campaignIds());
    List<dev.shipgate.producer.publish.CapturingEventPublisher.Captured> all =
        imported.publisher.all();
    assertEquals(Topics.CAMPAIGNS.name(), all.get(0).topic());
    assertEquals(CampaignEventType.STARTED, imported.started().getType());
    assertEquals(imported.finished(), all.get(all.size() - 1).value());
    assertTrue(all.stream().allMatch(c -> c.key().equals(run)), "every event keyed by " + run);
    Instant completed = imported.finished().getEventTime();
    assertTrue(all.stream().allMatch(c -> !c.timestamp().isAfter(completed)),
        "no event after completed_at");
    assertTrue(imported.checks().stream().allMatch(c -> c.getSource() == EventSource.IMPORTED));
    assertEquals(all.size(), imported.report.totalEvents());
    assertEquals(0, imported.deadLetters().size());
  }

  @Test
  void shouldImportR14AsThreePhase1NodesAndAFailingPhase2TallyWithNoPhase3Or4() {
    Imported r14 = Imported.of(Imported.reference("v0.6.0.0-final-r14"));

    List<CheckResult> nodes = r14.checks("phase1.node");
    assertEquals(List.of("a", "b", "c"),
        nodes.stream().map(CheckResult::getNode).collect(Collectors.toList()));
    for (CheckResult node : nodes) {
      assertEquals(Map.of("recall_count", 1L, "stats_total", 1L, "snapshot_count", 1L,
          "manifest_count", 1L, "curator_errors", 1L, "mcp_tool_count", 36L), node.getMetrics());
      JsonNode details = SeedJson.parse(node.getDetailsJson());
      assertEquals("aim-v0-6-0-0-final-r14-node-" + node.getNode(), details.get("host").asText());
    }
    assertEquals(Map.of("a", 200L, "b", 166L, "c", 164L),
        r14.check("phase2.counts").getMetrics());
    assertEquals(Map.of("total_writes", 200L, "ok", 200L, "quorum_not_met", 0L, "fail", 0L),
        r14.check("phase2.writes").getMetrics());
    assertEquals("201", r14.check("phase2.probe1").getValues().get("status"));
    assertEquals("503", r14.check("phase2.probe2").getValues().get("status"));
    assertTrue(r14.checks().stream().noneMatch(c -> c.getPhase() >= 3));
    assertEquals(0, r14.observations().size());

    CampaignConfig config = r14.started().getConfig();
    assertEquals("ai-memory", config.getTargetName());
    assertEquals("release/v0.6.0", config.getTargetRef());
    assertEquals(List.of(1, 2, 3, 4), config.getPhasesEnabled());
    assertEquals(List.of("a", "b", "c"), config.getNodes());
    assertEquals(List.of(), config.getFaults());
    assertEquals(Instant.parse("2026-04-20T11:29:27Z"), r14.finished().getEventTime());
  }

  @Test
  void shouldImportR20RecordedBoundsAsWrittenAndCarryItsReconstructionKeys() {
    Imported r20 = Imported.of(Imported.reference("v0.6.0.0-final-r20"));

    List<CheckResult> bounds = r20.checks("phase4.bound");
    assertEquals(List.of("kill_primary_mid_write", "partition_minority"),
        bounds.stream().map(CheckResult::getFault).collect(Collectors.toList()));
    assertEquals("1.0", bounds.get(0).getValues().get("bound"));
    assertEquals("0.2", bounds.get(1).getValues().get("bound"));
    assertEquals(Map.of("cycles_per_fault", 50L, "writes_per_cycle", 100L),
        bounds.get(1).getMetrics());
    String reconstructed =
        "https://github.com/alphaonedev/ai-memory-ship-gate/actions/runs/24669844796";
    assertEquals("{\"_reconstructed_from\":\"" + reconstructed + "\"}",
        bounds.get(0).getValues().get("extra_json"));
    assertNull(bounds.get(1).getValues().get("extra_json"), "extras ride on the first check only");
    assertEquals("{\"_reconstructed_from\":\"" + reconstructed + "\"}",
        r20.check("phase2.writes").getValues().get("extra_json"));
    assertEquals("{\"_reconstructed_from\":\"" + reconstructed + "\"}",
        r20.check("phase3.migration").getValues().get("extra_json"));

    CampaignConfig config = r20.started().getConfig();
    assertEquals(List.of("kill_primary_mid_write", "partition_minority"), config.getFaults());
    assertEquals(50, config.getCyclesPerFault());
    assertEquals(100, config.getWritesPerCycle());
    JsonNode extra = SeedJson.parse(config.getExtraJson());
    assertEquals(List.of("_reconstructed_from", "_reconstruction_note"),
        iterable(extra.fieldNames()));
    assertEquals(reconstructed, extra.get("_reconstructed_from").asText());
    assertEquals("0.995", config.getThresholds().getConvergenceMin());
    assertTrue(r20.checks("phase1.node").isEmpty(), "r20 has no phase 1 artifact");
  }

  @Test
  void shouldImportR20Phase3ReportsVerbatimInTheirCanonicalOrder() {
    CheckResult migration =
        Imported.of(Imported.reference("v0.6.0.0-final-r20")).check("phase3.migration");

    assertEquals(Map.of("src_count", 1000L, "dst_count", 1000L), migration.getMetrics());
    assertEquals("{\"report_forward\":{\"memories_read\":1000,\"memories_written\":1000,"
        + "\"errors\":[]},\"report_idempotent\":{\"memories_read\":1000,\"memories_written\":1000,"
        + "\"errors\":[]},\"report_reverse\":{\"memories_read\":1000,\"memories_written\":1000,"
        + "\"errors\":[]}}", migration.getDetailsJson());
  }

  @Test
  void shouldImportSoakR84AsStartedAndFinishedOnly() {
    Imported r84 = Imported.of(Imported.reference("soak-v0.6.0-r84"));

    assertEquals(List.of(CampaignEventType.STARTED, CampaignEventType.FINISHED),
        r84.campaignEvents().stream().map(e -> e.getType()).collect(Collectors.toList()));
    assertEquals(2, r84.publisher.all().size());
    assertEquals("v0.6.0", r84.started().getConfig().getTargetRef());
    assertEquals(Instant.parse("2026-05-04T16:50:20Z"), r84.finished().getEventTime());
    assertEquals(Instant.parse("2026-05-04T16:50:19.999Z"), r84.started().getEventTime());
    assertEquals("true", r84.started().getConfig().getSettings().get("seed_overall_pass"));
  }

  @Test
  void shouldTakeR24Phase1FromItsPerNodeFilesWithTheWholeFileAsDetails() throws Exception {
    Imported r24 = Imported.of(Imported.reference("v0.6.0.0-final-r24"));

    List<CheckResult> nodes = r24.checks("phase1.node");
    assertEquals(3, nodes.size());
    for (CheckResult node : nodes) {
      String file = Files.readString(
          Imported.reference("v0.6.0.0-final-r24").resolve("phase1-node-" + node.getNode()
              + ".json"));
      assertEquals(SeedJson.pretty(SeedJson.parse(file)),
          SeedJson.pretty(SeedJson.parse(node.getDetailsJson())));
      assertEquals(36L, node.getMetrics().get("mcp_tool_count"));
    }
    List<CheckResult> bounds = r24.checks("phase4.bound");
    assertEquals(List.of("partition_minority", "kill_primary_mid_write"),
        bounds.stream().map(CheckResult::getFault).collect(Collectors.toList()));
    assertEquals(List.of("0.2", "1"),
        bounds.stream().map(b -> b.getValues().get("bound")).collect(Collectors.toList()));
    assertEquals(List.of("partition_minority", "kill_primary_mid_write"),
        r24.started().getConfig().getFaults());
  }

  @Test
  void shouldImportRc1R2WithASinglePassingFaultClass() {
    Imported rc = Imported.of(Imported.reference("ship-gate-v0.6.3-rc1-r2"));

    assertEquals("1", rc.check("phase4.bound").getValues().get("bound"));
    assertEquals(List.of("kill_primary_mid_write"), rc.started().getConfig().getFaults());
    assertEquals(43L, rc.checks("phase1.node").get(0).getMetrics().get("mcp_tool_count"));
    assertEquals("release/v0.6.3", rc.started().getConfig().getTargetRef());
    // the run's start for its wall time: node a's phase 1 report, the earliest started_at
    assertEquals("2026-04-27T16:37:48.081200143Z",
        rc.started().getConfig().getSettings().get(RunImport.IMPORTED_STARTED_AT));
  }

  @Test
  void shouldTakeTheEarliestStartedAtOfAnyArtifactAndNoneWithoutOne() {
    // r24: its per-node phase 1 files (node c first)
    assertEquals("2026-04-20T17:31:16.104212732Z", Imported.of(
        Imported.reference("v0.6.0.0-final-r24")).started().getConfig().getSettings()
        .get(RunImport.IMPORTED_STARTED_AT));
    // the soak run has completed_at only: no start, so no wall time
    assertEquals(null, Imported.of(Imported.reference("soak-v0.6.0-r84")).started()
        .getConfig().getSettings().get(RunImport.IMPORTED_STARTED_AT));
  }

  @Test
  void shouldImportEveryRunOfADirectoryOfRuns() {
    Imported all = Imported.of(Imported.referenceRuns());

    assertEquals(List.of(), all.report.errors());
    assertEquals(List.of("ship-gate-v0.6.3-rc1-r2", "soak-v0.6.0-r84", "v0.6.0.0-final-r14",
        "v0.6.0.0-final-r20", "v0.6.0.0-final-r24"), all.report.campaignIds());
    assertEquals(10, all.report.events(Topics.CAMPAIGNS));
    assertFalse(all.report.events(Topics.CHECKS) == 0);
  }

  private static List<String> iterable(java.util.Iterator<String> names) {
    List<String> out = new java.util.ArrayList<>();
    names.forEachRemaining(out::add);
    return out;
  }
}
