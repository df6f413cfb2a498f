package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shipgate.events.CheckResult;
import dev.shipgate.events.EventSource;
import dev.shipgate.events.Thresholds;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.Verdict;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PhaseRulesTest {

  private static CheckResult etcdNode(Map<String, String> values) {
    Map<String, Long> metrics = new HashMap<>(Map.of("recall_count", 1L, "stats_total", 3L,
        "snapshot_count", 1L, "manifest_count", 1L));
    return CheckResult.newBuilder().setCampaignId("c1").setEventId("e").setEventTime(Instant.EPOCH)
        .setSource(EventSource.LIVE).setPhase(1).setCheck("phase1.node").setNode("a")
        .setMetrics(metrics).setValues(new HashMap<>(values))
        .setDetailsJson("{\"phase\":1,\"host\":\"a\",\"version\":\"etcd 3.4.23\"}").build();
  }

  @Test
  void shouldSkipOnlyTheRulesAProfileDeclaresNotApplicable() {
    PhaseVerdict v = PhaseRules.phase1Node("c1", "a",
        etcdNode(Map.of("not_applicable", "curator_errors,mcp_tool_count")),
        Thresholds.newBuilder().build(), Instant.EPOCH);
    assertEquals(Verdict.PASS, v.getVerdict());
    assertEquals(List.of(), v.getReasons());
  }

  @Test
  void shouldFailANodeWhoseMetricsAreMissingWithoutADeclaration() {
    PhaseVerdict v = PhaseRules.phase1Node("c1", "a", etcdNode(Map.of()),
        Thresholds.newBuilder().build(), Instant.EPOCH);
    assertEquals(Verdict.FAIL, v.getVerdict());
    assertEquals(List.of("node-a curator_errors missing", "node-a mcp_tool_count missing"),
        v.getReasons());
  }

  @Test
  void shouldStillApplyTheRulesThatAreNotDeclared() {
    CheckResult check = etcdNode(Map.of("not_applicable", "mcp_tool_count"));
    check.getMetrics().put("recall_count", 0L);
    PhaseVerdict v = PhaseRules.phase1Node("c1", "a", check, Thresholds.newBuilder().build(),
        Instant.EPOCH);
    assertEquals(Verdict.FAIL, v.getVerdict());
    assertEquals(List.of("node-a recall_count 0 < 1", "node-a curator_errors missing"),
        v.getReasons());
  }
}
