package dev.shipgate.streams;

import static dev.shipgate.streams.Events.check;
import static dev.shipgate.streams.Events.config;
import static dev.shipgate.streams.Events.started;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.SeedJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Phases 1-3 and the campaign rule on hand-built evidence. */
class PhaseVerdictTopologyTest {
  private static final String C = "camp-7";

  private static Map<String, Long> node(long mcpTools) {
    Map<String, Long> m = new HashMap<>(Map.of("recall_count", 1L, "stats_total", 1L,
        "snapshot_count", 1L, "curator_errors", 0L, "mcp_tool_count", mcpTools));
    return m; // manifest_count deliberately absent
  }

  @Test
  void shouldFailPhase1NodeWithSeedStyleReasonsAndMakePhaseIncompleteForAMissingNode()
      throws Exception {
    try (Harness h = new Harness()) {
      h.send(started(C, config(List.of(1), List.of()).build()));
      h.send(check(C, 1, "phase1.node").setNode("a").setMetrics(node(12))
          .setDetailsJson("{\"phase\":1,\"host\":\"h-a\",\"version\":\"v\",\"pass\":true,"
              + "\"reasons\":[\"\"],\"mcp_tool_count\":12}").build());
      h.finish(C);
      PhaseVerdict a = h.phases().get(C + "/1/a");
      assertEquals(Verdict.FAIL, a.getVerdict());
      assertEquals(List.of("node-a manifest_count missing", "node-a mcp_tool_count 12 < 30"),
          a.getReasons());
      assertEquals("{\"phase\":1,\"host\":\"h-a\",\"version\":\"v\",\"pass\":false,\"reasons\":"
          + "[\"node-a manifest_count missing\",\"node-a mcp_tool_count 12 < 30\"],"
          + "\"mcp_tool_count\":12}", a.getDetailsJson());
      PhaseVerdict whole = h.phases().get(C + "/1");
      assertEquals(Verdict.FAIL, whole.getVerdict());
      assertEquals(List.of("node-a manifest_count missing", "node-a mcp_tool_count 12 < 30",
          "node-b report missing", "node-c report missing"), whole.getReasons());
    }
  }

  @Test
  void shouldJudgePhase2FromLiveWritesAndAnObservationWithProbeReasonsInSeedOrder()
      throws Exception {
    try (Harness h = new Harness()) {
      h.send(started(C, config(List.of(2), List.of()).build()));
      for (int seq = 1; seq <= 10; seq++) {
        h.send(Events.phase2Write(C, seq, seq <= 8 ? WriteOutcome.OK
            : seq == 9 ? WriteOutcome.QUORUM_NOT_MET : WriteOutcome.INDETERMINATE));
      }
      List<NodeObservation> nodes = new ArrayList<>();
      long[] counts = {8, 6, 8}; // 8 * 95 / 100 = 7 (integer division)
      for (int i = 0; i < 3; i++) {
        nodes.add(NodeObservation.newBuilder().setNode(Events.NODES.get(i)).setNodeIndex(i)
            .setCount(counts[i]).setRawCount(String.valueOf(counts[i])).build());
      }
      h.send(Observation.newBuilder().setCampaignId(C).setEventId("o1").setEventTime(Events.T0)
          .setPhase(2).setFinal$(true).setNodes(nodes).build());
      h.send(check(C, 2, "phase2.probe1").setValues(Map.of("status", "503")).build());
      h.finish(C);
      PhaseVerdict p2 = h.phases().get(C + "/2");
      assertEquals(Verdict.FAIL, p2.getVerdict());
      assertEquals(List.of("node-B count 6 < 95% of 8", "probe1 expected 201, got 503",
          "probe2 missing"), p2.getReasons());
      assertEquals("{\"phase\":2,\"pass\":false,\"total_writes\":10,\"ok\":8,\"quorum_not_met\":1,"
          + "\"fail\":1,\"counts\":{\"a\":8,\"b\":6,\"c\":8},\"probe1_single_peer_down\":\"503\","
          + "\"probe2_both_peers_down\":null,\"reasons\":[\"node-B count 6 < 95% of 8\","
          + "\"probe1 expected 201, got 503\",\"probe2 missing\"]}", p2.getDetailsJson());
    }
  }

  @Test
  void shouldFailPhase3WithTheSeedsConditions() throws Exception {
    try (Harness h = new Harness()) {
      h.send(started(C, config(List.of(3), List.of()).build()));
      h.send(check(C, 3, "phase3.migration")
          .setMetrics(Map.of("src_count", 1000L, "dst_count", 998L))
          .setDetailsJson("{\"report_forward\":{\"memories_read\":990,\"memories_written\":1000,"
              + "\"errors\":[]},\"report_idempotent\":{\"memories_read\":1000,"
              + "\"memories_written\":1000,\"errors\":[\"x\",\"y\"]},\"report_reverse\":{}}")
          .build());
      h.finish(C);
      PhaseVerdict p3 = h.phases().get(C + "/3");
      assertEquals(Verdict.FAIL, p3.getVerdict());
      assertEquals(List.of("forward memories_read 990 != 1000", "idempotent errors: 2",
          "src_count 1000 != dst_count 998"), p3.getReasons());
      assertFalse(SeedJson.parse(p3.getDetailsJson()).get("pass").booleanValue());
    }
  }

  @Test
  void shouldCarryTheTargetNameAndVersionFromTheStartedEventIntoTheVerdict() throws Exception {
    try (Harness h = new Harness()) {
      h.send(started(C, config(List.of(2), List.of()).setTargetName("etcd")
          .setTargetVersion("3.4.23").build()));
      h.send(started("camp-8", config(List.of(2), List.of()).build()));
      CampaignVerdict v = h.campaigns().get(C);
      assertEquals("etcd", v.getTargetName());
      assertEquals("3.4.23", v.getTargetVersion());
      assertEquals("release/v0.6.0", v.getTargetRef());
      assertFalse(v.getSummaryJson().contains("etcd"), "campaign-summary.json keeps its shape");
      CampaignVerdict unversioned = h.campaigns().get("camp-8");
      assertEquals("ai-memory", unversioned.getTargetName());
      assertNull(unversioned.getTargetVersion(), "no version in the config: none in the verdict");
    }
  }

  @Test
  void shouldMakePhasesWithoutVerdictIncompleteWhenTheCampaignIsAborted() throws Exception {
    try (Harness h = new Harness()) {
      h.send(started(C, config(List.of(2, 3), List.of()).build()));
      h.abort(C, "operator stopped the run");
      CampaignVerdict v = h.campaigns().get(C);
      assertEquals(CampaignState.ABORTED, v.getState());
      assertEquals(Verdict.INCOMPLETE, v.getVerdict());
      assertEquals(List.of("phase 2: no verdict, campaign aborted: operator stopped the run",
          "phase 3: no verdict, campaign aborted: operator stopped the run"), v.getReasons());
      assertEquals("2026-04-20T10:01:00Z", v.getCompletedAt());
    }
  }

  @Test
  void shouldMakeAPhaseCutShortByAnAbortIncompleteNotNotRun() throws Exception {
    try (Harness h = new Harness()) {
      h.send(started(C, config(List.of(4), List.of("partition_minority", "drop_random_acks"))
          .build()));
      h.send(Events.cycleTally(C, "partition_minority", 1, 100, 100, 0, 0));
      h.send(Events.observation(C, "partition_minority", 1, "100", "100", "100"));
      h.abort(C, "interrupted (SIGINT/SIGTERM)");
      CampaignVerdict v = h.campaigns().get(C);
      assertEquals(CampaignState.ABORTED, v.getState());
      assertEquals(Verdict.NOT_RUN, h.phases().get(C + "/4").getVerdict(),
          "the phase on its own: one class measured, one never run");
      assertEquals(Verdict.INCOMPLETE, v.getPhases().get(0).getVerdict());
      assertEquals(Verdict.INCOMPLETE, v.getVerdict());
      assertTrue(v.getReasons().contains("phase 4: campaign aborted: interrupted (SIGINT/SIGTERM)"),
          v.getReasons().toString());
    }
  }

  @Test
  void shouldNeverPassAnAbortedCampaignAndTurnThinEvidenceIntoIncomplete() throws Exception {
    try (Harness h = new Harness()) {
      h.send(started(C, config(List.of(4), List.of("partition_minority")).build()));
      h.send(Events.cycleTally(C, "partition_minority", 1, 100, 100, 0, 0));
      h.send(Events.observation(C, "partition_minority", 1, "100", "100", "100"));
      assertTrue(h.phases().isEmpty(), "no phase verdict before the end");
      h.abort(C, "interrupted");
      assertEquals(Verdict.INCONCLUSIVE, h.phases().get(C + "/4").getVerdict(),
          "the phase on its own");
      CampaignVerdict v = h.campaigns().get(C);
      assertEquals(Verdict.INCOMPLETE, v.getPhases().get(0).getVerdict());
      assertEquals(Verdict.INCOMPLETE, v.getVerdict());
      assertFalse(v.getOverallPass());
    }
  }
}
