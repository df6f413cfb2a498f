package dev.shipgate.producer.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.EventSource;
import dev.shipgate.producer.fault.Scripted;
import dev.shipgate.producer.remote.CapturingCommandRunner;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.schemas.SeedJson;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AiMemoryCheckProfileTest {
  private static final String STATS = "{\"total\":1,\"by_tier\":[{\"tier\":\"mid\",\"count\":1}],"
      + "\"db_size_bytes\":176128}";
  private static final String CURATOR = "{\"memories_scanned\":1,\"errors\":[\"no LLM client"
      + " configured\"],\"dry_run\":true}";
  private static final String REPORT = "{\"batches\":1,\"errors\":[],\"memories_read\":1000,"
      + "\"memories_written\":1000}";

  private final Node a = Scripted.node("a", 0, "sg-node-a");
  private final Clock clock = Clock.systemUTC();

  private Scripted seedLike() {
    StringBuilder tools = new StringBuilder("[");
    for (int i = 0; i < 43; i++) {
      tools.append(i == 0 ? "" : ",").append("{\"name\":\"tool").append(i).append("\"}");
    }
    return new Scripted().on(null, "ai-memory --version", "ai-memory 0.6.3-rc1\n")
        .on(null, "ai-memory recall", "[{\"id\":\"m1\",\"title\":\"shipgate-phase1-a\"}]")
        .on(null, "ai-memory stats --json", STATS)
        .on(null, "ls -1 ", "memories-20260427.db\nmanifest.json\n")
        .on(null, "ai-memory curator", CURATOR)
        .on(null, "ai-memory mcp tools", tools.append("]").toString())
        .on(null, "ai-memory migrate", REPORT)
        .on(null, "ai-memory stats --db", "{\"total\":1000}");
  }

  @Test
  void shouldRunTheDeclaredCommandsInOrder() {
    CapturingCommandRunner runner = seedLike().runner();
    new AiMemoryCheckProfile(Map.of(), clock).runPhase1(runner, List.of(a), "camp-1");
    assertEquals(List.of("ai-memory --version",
        "ai-memory store --namespace ship-gate-phase1 --title shipgate-phase1-a --content"
            + " 'ship-gate phase 1 probe on node a' --json",
        "ai-memory recall 'ship-gate phase 1 probe' --namespace ship-gate-phase1 --json",
        "ai-memory stats --json",
        "mkdir -p /tmp/shipgate-camp-1 && ai-memory backup --to /tmp/shipgate-camp-1/backup-a"
            + " --json",
        "ls -1 /tmp/shipgate-camp-1/backup-a",
        "rm -rf /tmp/shipgate-camp-1/backup-a",
        "ai-memory curator --dry-run --json",
        "ai-memory mcp tools --json"), runner.commands("a"));
  }

  @Test
  void shouldParseTheJsonOutputsIntoTheSeedsMetrics() {
    CheckResult r = new AiMemoryCheckProfile(Map.of(), clock)
        .runPhase1(seedLike().runner(), List.of(a), "camp-1").get(0);
    assertNull(r.getError());
    assertEquals(EventSource.LIVE, r.getSource());
    assertEquals(Map.of("recall_count", 1L, "stats_total", 1L, "snapshot_count", 1L,
        "manifest_count", 1L, "curator_errors", 1L, "mcp_tool_count", 43L), r.getMetrics());
    JsonNode d = SeedJson.parse(r.getDetailsJson());
    assertEquals("ai-memory 0.6.3-rc1", d.get("version").asText());
    assertEquals(176128, d.at("/stats/db_size_bytes").asInt());
    assertEquals("no LLM client configured", d.at("/curator/errors/0").asText());
  }

  @Test
  void shouldLetACampaignOverrideACommand() {
    AiMemoryCheckProfile profile = new AiMemoryCheckProfile(Map.of("command.mcp_tools",
        "ai-memory --db {work_dir}/x.db mcp list-tools --json"), clock);
    CapturingCommandRunner runner = new Scripted().on(null, "ai-memory --db", "{\"tools\":[1,2]}")
        .otherwise(seedLike()).runner();
    CheckResult r = profile.runPhase1(runner, List.of(a), "camp-1").get(0);
    assertEquals(2L, r.getMetrics().get("mcp_tool_count"));
    assertTrue(runner.commands("a")
        .contains("ai-memory --db /tmp/shipgate-camp-1/x.db mcp list-tools --json"));
    assertEquals("ai-memory profile: no check named 'mcp' to override; checks: [backup,"
        + " backup_list, backup_remove, curator, dst_count, mcp_tools, migrate_forward,"
        + " migrate_idempotent, migrate_reverse, recall, src_count, stats, store, version]",
        assertThrows(IllegalArgumentException.class,
            () -> new AiMemoryCheckProfile(Map.of("command.mcp", "x"), clock)).getMessage());
  }

  @Test
  void shouldCarryAnErrorWhenACommandFails() {
    CapturingCommandRunner runner = new Scripted()
        .exit("a", "ai-memory curator", 2, "", "error: unknown subcommand curator")
        .otherwise(seedLike()).runner();
    CheckResult r = new AiMemoryCheckProfile(Map.of(), clock)
        .runPhase1(runner, List.of(a), "camp-1").get(0);
    assertEquals("check curator on node a failed: exit 2: error: unknown subcommand curator",
        r.getError());
  }

  @Test
  void shouldCarryAnErrorWhenTheCuratorReportHasNoErrorsArray() {
    CapturingCommandRunner runner = new Scripted().on("a", "ai-memory curator", "{}")
        .otherwise(seedLike()).runner();
    CheckResult r = new AiMemoryCheckProfile(Map.of(), clock)
        .runPhase1(runner, List.of(a), "camp-1").get(0);
    assertEquals("check curator on node a: errors array missing", r.getError());
  }

  @Test
  void shouldCarryTheThreeMigrationReportsAndCountsInPhase3() {
    CapturingCommandRunner runner = seedLike().runner();
    CheckResult r = new AiMemoryCheckProfile(Map.of(), clock)
        .runPhase3(runner, List.of(a), "camp-1");
    assertNull(r.getError());
    assertEquals("phase3.migration", r.getCheck());
    assertEquals(Map.of("src_count", 1000L, "dst_count", 1000L), r.getMetrics());
    JsonNode d = SeedJson.parse(r.getDetailsJson());
    assertEquals(1000, d.at("/report_idempotent/memories_written").asInt());
    assertEquals(List.of(
        "ai-memory migrate --from sqlite:///tmp/phase3-source.db --to sqlite:///tmp/phase3-dest.db"
            + " --json",
        "ai-memory migrate --from sqlite:///tmp/phase3-source.db --to sqlite:///tmp/phase3-dest.db"
            + " --json",
        "ai-memory migrate --from sqlite:///tmp/phase3-dest.db --to"
            + " sqlite:///tmp/phase3-roundtrip.db --json",
        "ai-memory stats --db sqlite:///tmp/phase3-source.db --json",
        "ai-memory stats --db sqlite:///tmp/phase3-dest.db --json"), runner.commands("a"));
  }

  @Test
  void shouldNameTheUnknownProfile() {
    assertEquals("no check profile for target 'redis'; known: ai-memory, etcd",
        assertThrows(IllegalArgumentException.class,
            () -> CheckProfiles.forTarget("redis", Map.of(), clock)).getMessage());
  }
}
