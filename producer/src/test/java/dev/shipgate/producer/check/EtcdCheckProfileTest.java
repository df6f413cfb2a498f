package dev.shipgate.producer.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.EventSource;
import dev.shipgate.producer.fault.Scripted;
import dev.shipgate.producer.remote.CapturingCommandRunner;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.schemas.SeedJson;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EtcdCheckProfileTest {
  private static final String CTL = "etcdctl --endpoints=http://127.0.0.11:2379";
  private static final String HEALTH =
      "[{\"endpoint\":\"http://127.0.0.11:2379\",\"health\":true,\"took\":\"1.4ms\"}]\n";
  private static final String STATUS = "[{\"Endpoint\":\"http://127.0.0.11:2379\",\"Status\":"
      + "{\"header\":{\"cluster_id\":1,\"member_id\":2,\"revision\":5,\"raft_term\":2},"
      + "\"version\":\"3.4.23\",\"dbSize\":20480,\"leader\":2,\"raftIndex\":9}}]\n";
  private static final String SNAP =
      "{\"hash\":4291668668,\"revision\":1002,\"totalKey\":1005,\"totalSize\":102400}\n";

  private final Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
  private final Node a = Scripted.node("a", 0, "sg-node-a");
  private final Node b = Scripted.node("b", 1, "sg-node-b");
  private final EtcdCheckProfile profile = new EtcdCheckProfile(
      Map.of("phase3.poll_interval_ms", "0", "phase3.health_attempts", "3", "phase3.keys", "1000"),
      clock);

  private Scripted healthyNode() {
    return new Scripted().on("a", CTL + " endpoint health", HEALTH)
        .on("a", CTL + " put ", "OK\n")
        .on("a", CTL + " get shipgate/camp-1/phase1/a ", "phase1-a-camp-1\n")
        .on("a", CTL + " get shipgate/camp-1/phase1/ ",
            "{\"header\":{\"revision\":3},\"kvs\":[{\"key\":\"eA==\"}],\"more\":true,\"count\":2}")
        .on("a", CTL + " endpoint status", STATUS)
        .on("a", "etcdctl snapshot status", SNAP);
  }

  @Test
  void shouldRunThePhase1CommandsOnEachNodeInOrder() {
    CapturingCommandRunner runner = healthyNode().runner();
    profile.runPhase1(runner, List.of(a), "camp-1");
    assertEquals(List.of(
        CTL + " endpoint health -w json",
        CTL + " put shipgate/camp-1/phase1/a phase1-a-camp-1",
        CTL + " get shipgate/camp-1/phase1/a --print-value-only",
        CTL + " get shipgate/camp-1/phase1/ --prefix --keys-only --limit=1 --consistency=s -w json",
        CTL + " endpoint status -w json",
        "mkdir -p /tmp/shipgate-camp-1-etcd && " + CTL
            + " snapshot save /tmp/shipgate-camp-1-etcd/phase1-a.db",
        "etcdctl snapshot status /tmp/shipgate-camp-1-etcd/phase1-a.db -w json",
        "rm -f /tmp/shipgate-camp-1-etcd/phase1-a.db"), runner.commands("a"));
  }

  @Test
  void shouldReportOnlyTheMetricsThatMeanSomethingForEtcd() {
    CheckResult r = profile.runPhase1(healthyNode().runner(), List.of(a), "camp-1").get(0);

    assertNull(r.getError());
    assertEquals(EventSource.LIVE, r.getSource());
    assertEquals("phase1.node", r.getCheck());
    assertEquals(1, r.getPhase());
    assertEquals("a", r.getNode());
    assertEquals("camp-1", r.getCampaignId());
    assertEquals(clock.instant(), r.getEventTime());
    assertEquals(Map.of("recall_count", 1L, "stats_total", 2L, "snapshot_count", 1L,
        "manifest_count", 1L), r.getMetrics());
    assertFalse(r.getMetrics().containsKey("curator_errors"));
    assertFalse(r.getMetrics().containsKey("mcp_tool_count"));
    JsonNode details = SeedJson.parse(r.getDetailsJson());
    assertEquals("etcd 3.4.23", details.get("version").asText());
    assertEquals(1005, details.at("/snapshot/totalKey").asInt());
    assertEquals(2, details.get("stats_total").asInt());
    assertEquals("[\"curator_errors\",\"mcp_tool_count\"]", details.get("not_applicable").toString(),
        "the artifact says which phase 1 metrics etcd cannot report");
  }

  @Test
  void shouldReportRecallZeroWhenTheGetDoesNotReturnTheValueJustPut() {
    CapturingCommandRunner runner = new Scripted()
        .on("a", CTL + " get shipgate/camp-1/phase1/a ", "something-else\n")
        .otherwise(healthyNode()).runner();
    CheckResult r = profile.runPhase1(runner, List.of(a), "camp-1").get(0);
    assertNull(r.getError());
    assertEquals(0L, r.getMetrics().get("recall_count"));
  }

  @Test
  void shouldCarryAnErrorNotAPassWhenACommandFails() {
    CapturingCommandRunner runner = new Scripted()
        .exit("b", CTL.replace("11", "12") + " endpoint health", 1,
            "[{\"endpoint\":\"http://127.0.0.12:2379\",\"health\":false,\"error\":\"context"
                + " deadline exceeded\"}]", "Error: unhealthy cluster")
        .otherwise(healthyNode()).runner();
    List<CheckResult> results = profile.runPhase1(runner, List.of(a, b), "camp-1");

    assertNull(results.get(0).getError());
    CheckResult failed = results.get(1);
    assertEquals("b", failed.getNode());
    assertEquals("check health on node b failed: exit 1: [{\"endpoint\":"
        + "\"http://127.0.0.12:2379\",\"health\":false,\"error\":\"context deadline"
        + " exceeded\"}]Error: unhealthy cluster", failed.getError());
    assertTrue(failed.getMetrics().isEmpty());
    assertEquals(List.of(CTL.replace("11", "12") + " endpoint health -w json"),
        runner.commands("b"));
  }

  @Test
  void shouldCarryAnErrorWhenTheOutputIsNotJson() {
    CapturingCommandRunner runner = new Scripted()
        .on("a", CTL + " endpoint status", "Error: context deadline exceeded (not json)")
        .otherwise(healthyNode()).runner();
    CheckResult r = profile.runPhase1(runner, List.of(a), "camp-1").get(0);
    assertTrue(r.getError().startsWith("check status on node a printed no JSON"), r.getError());
    assertFalse(runner.commands("a").stream().anyMatch(c -> c.contains("snapshot save")),
        "no snapshot is taken after a failed check");
  }

  // ------------------------------------------------------------------------------------ phase 3

  private static final String SPARE = "etcdctl --endpoints=http://127.0.0.11:23791";
  private static final String W = "/tmp/shipgate-camp-1-etcd";

  private Scripted phase3(String forwardCount, String againCount, String reverseCount) {
    return new Scripted()
        .on("a", CTL + " get shipgate/camp-1/phase3/ ", "{\"header\":{},\"count\":1000}")
        .on("a", "nohup etcd ", "4321\n", "4322\n", "4323\n")
        .on("a", SPARE + " --dial-timeout=1s endpoint health",
            "Error: connection refused", HEALTH)
        .on("a", SPARE + " get shipgate/camp-1/phase3/ ",
            "{\"header\":{},\"count\":" + forwardCount + "}",
            "{\"header\":{},\"count\":" + againCount + "}",
            "{\"header\":{},\"count\":" + reverseCount + "}")
        .on("a", "ps -o stat= -p", "");
  }

  @Test
  void shouldRestoreTheSnapshotThreeTimesAndReportCountsAndReports() {
    CapturingCommandRunner runner = phase3("1000", "1000", "1000").runner();
    CheckResult r = profile.runPhase3(runner, List.of(a, b), "camp-1");

    assertNull(r.getError());
    assertEquals("phase3.migration", r.getCheck());
    assertEquals(3, r.getPhase());
    assertEquals(EventSource.LIVE, r.getSource());
    assertEquals(Map.of("src_count", 1000L, "dst_count", 1000L), r.getMetrics());
    JsonNode d = SeedJson.parse(r.getDetailsJson());
    for (String report : List.of("report_forward", "report_idempotent", "report_reverse")) {
      assertEquals(1000, d.at("/" + report + "/memories_read").asInt(), report);
      assertEquals(1000, d.at("/" + report + "/memories_written").asInt(), report);
      assertEquals(0, d.at("/" + report + "/errors").size(), report);
    }
    List<String> cmds = runner.commands("a");
    assertEquals(CTL + " del shipgate/camp-1/phase3/ --prefix >/dev/null || exit 1; i=1;"
        + " while [ $i -le 1000 ]; do j=$((i+99)); [ $j -gt 1000 ] && j=1000; { echo; seq $i $j"
        + " | sed 's|.*|put shipgate/camp-1/phase3/k& v&|'; echo; echo; } | " + CTL
        + " txn >/dev/null || exit 1; i=$((j+1)); done", cmds.get(0));
    assertEquals("etcdctl snapshot restore " + W + "/phase3.db --data-dir " + W + "/forward"
        + " --name shipgate-restore --initial-cluster shipgate-restore=http://127.0.0.11:23792"
        + " --initial-advertise-peer-urls http://127.0.0.11:23792", cmds.get(3));
    assertEquals("nohup etcd --name shipgate-restore --data-dir " + W + "/forward"
        + " --listen-client-urls http://127.0.0.11:23791 --advertise-client-urls"
        + " http://127.0.0.11:23791 --listen-peer-urls http://127.0.0.11:23792 --initial-cluster"
        + " shipgate-restore=http://127.0.0.11:23792 --initial-advertise-peer-urls"
        + " http://127.0.0.11:23792 >" + W + "/forward.log 2>&1 </dev/null & echo $!",
        cmds.get(4));
    for (String pid : List.of("4321", "4322", "4323")) {
      assertTrue(cmds.contains("kill " + pid), "stops " + pid + " by PID");
    }
    assertTrue(cmds.contains(SPARE + " snapshot save " + W + "/reverse.db"));
    assertTrue(cmds.contains("etcdctl snapshot restore " + W + "/reverse.db --data-dir " + W
        + "/reverse --name shipgate-restore --initial-cluster"
        + " shipgate-restore=http://127.0.0.11:23792 --initial-advertise-peer-urls"
        + " http://127.0.0.11:23792"));
    assertEquals(List.of(CTL + " del shipgate/camp-1/phase3/ --prefix", "rm -rf " + W),
        cmds.subList(cmds.size() - 2, cmds.size()));
    assertTrue(runner.commands("b").isEmpty());
  }

  @Test
  void shouldReportWhatTheRestoredMemberHoldsEvenWhenKeysAreMissing() {
    CheckResult r = profile.runPhase3(phase3("990", "1000", "985").runner(), List.of(a),
        "camp-1");
    assertNull(r.getError());
    assertEquals(Map.of("src_count", 1000L, "dst_count", 990L), r.getMetrics());
    JsonNode d = SeedJson.parse(r.getDetailsJson());
    assertEquals(990, d.at("/report_forward/memories_written").asInt());
    assertEquals(1000, d.at("/report_idempotent/memories_written").asInt());
    assertEquals(990, d.at("/report_reverse/memories_read").asInt());
    assertEquals(985, d.at("/report_reverse/memories_written").asInt());
  }

  @Test
  void shouldStopTheRestoredMemberAndCleanUpWhenItNeverBecomesHealthy() {
    CapturingCommandRunner runner = new Scripted()
        .exit("a", SPARE + " --dial-timeout=1s endpoint health", 1, "", "Error: unhealthy")
        .otherwise(phase3("1000", "1000", "1000")).runner();
    CheckResult r = profile.runPhase3(runner, List.of(a), "camp-1");

    assertTrue(r.getError().startsWith("restored etcd member on port 23791 not healthy after 3"
        + " attempts"), r.getError());
    assertTrue(r.getMetrics().isEmpty());
    List<String> cmds = runner.commands("a");
    assertTrue(cmds.contains("kill 4321"));
    assertTrue(cmds.contains("rm -rf " + W + "/forward " + W + "/forward.log"));
    assertEquals("rm -rf " + W, cmds.get(cmds.size() - 1));
  }

  @Test
  void shouldCarryAnErrorWhenTheRestoreFailsAndStartNothing() {
    CapturingCommandRunner runner = new Scripted()
        .exit("a", "etcdctl snapshot restore", 1, "", "Error: data-dir exists")
        .otherwise(phase3("1000", "1000", "1000")).runner();
    CheckResult r = profile.runPhase3(runner, List.of(a), "camp-1");

    assertEquals("check restore on node a failed: exit 1: Error: data-dir exists", r.getError());
    assertFalse(runner.commands("a").stream().anyMatch(c -> c.startsWith("nohup etcd")));
  }
}
