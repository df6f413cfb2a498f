package dev.shipgate.producer.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipgate.events.CheckResult;
import dev.shipgate.producer.check.CommandCheck.Where;
import dev.shipgate.producer.remote.CommandRunner;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.schemas.SeedJson;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's phase 1 and phase 3 checks for ai-memory, as shell commands on the nodes.
 *
 * <p><b>The commands are a model.</b> The seed's scripts are not available; the command lines in
 * {@link #DEFAULT_CHECKS} are modelled on the seed's reports (the JSON shapes are those of its
 * artifacts) and are meant to be overridden per campaign with settings
 * {@code command.<check name>: <template>}. Only the output shapes below are relied upon.
 *
 * <p>Phase 1, on each node, in order ({@code phase1.node}):
 * <ul>
 *   <li>{@code version}: any text, kept as {@code version} in the report;
 *   <li>{@code store}: writes the probe memory; output ignored, must succeed;
 *   <li>{@code recall}: JSON array of memories, or an object with {@code count} or an array
 *       {@code memories} / {@code results} → {@code recall_count};
 *   <li>{@code stats}: JSON object with {@code total} → {@code stats_total} (kept as {@code stats});
 *   <li>{@code backup}, then {@code backup_list}: one file name per line in the backup directory →
 *       {@code snapshot_count} (names ending {@code .db}, {@code .sqlite} or {@code .snapshot})
 *       and {@code manifest_count} (names containing {@code manifest}); {@code backup_remove}
 *       deletes the directory;
 *   <li>{@code curator}: JSON object whose {@code errors} array's size → {@code curator_errors}
 *       (kept as {@code curator});
 *   <li>{@code mcp_tools}: JSON array of tools, or an object with an array {@code tools} →
 *       {@code mcp_tool_count}.
 * </ul>
 * Phase 3, on the first node ({@code phase3.migration}): {@code migrate_forward},
 * {@code migrate_idempotent} (the same migration again) and {@code migrate_reverse} each print a
 * report object ({@code memories_read}, {@code memories_written}, {@code errors}, ...) carried as
 * {@code report_forward} / {@code report_idempotent} / {@code report_reverse};
 * {@code src_count} / {@code dst_count} print a stats object whose {@code total} is the count.
 *
 * <p>Placeholders: {@code {node}}, {@code {address}}, {@code {client_port}}, {@code {campaign}},
 * {@code {namespace}} (setting {@code namespace}, default {@code ship-gate-phase1}),
 * {@code {work_dir}} (setting {@code work_dir}, default {@code /tmp/shipgate-<campaign>}),
 * {@code {src_url}}, {@code {dst_url}}, {@code {roundtrip_url}} (settings {@code phase3.src_url}
 * ..., defaults sqlite files under /tmp). Other settings: {@code command_timeout_ms} (default
 * 60000).
 */
public final class AiMemoryCheckProfile implements CheckProfile {
  private static final Logger log = LoggerFactory.getLogger(AiMemoryCheckProfile.class);
  public static final String NAME = "ai-memory";

  /** The declared commands, in the order they run: the one place they are written. */
  public static final List<CommandCheck> DEFAULT_CHECKS = List.of(
      new CommandCheck("version", Where.EACH_NODE, "ai-memory --version"),
      new CommandCheck("store", Where.EACH_NODE, "ai-memory store --namespace {namespace}"
          + " --title shipgate-phase1-{node} --content 'ship-gate phase 1 probe on node {node}'"
          + " --json"),
      new CommandCheck("recall", Where.EACH_NODE,
          "ai-memory recall 'ship-gate phase 1 probe' --namespace {namespace} --json"),
      new CommandCheck("stats", Where.EACH_NODE, "ai-memory stats --json"),
      new CommandCheck("backup", Where.EACH_NODE,
          "mkdir -p {work_dir} && ai-memory backup --to {work_dir}/backup-{node} --json"),
      new CommandCheck("backup_list", Where.EACH_NODE, "ls -1 {work_dir}/backup-{node}"),
      new CommandCheck("backup_remove", Where.EACH_NODE, "rm -rf {work_dir}/backup-{node}"),
      new CommandCheck("curator", Where.EACH_NODE, "ai-memory curator --dry-run --json"),
      new CommandCheck("mcp_tools", Where.EACH_NODE, "ai-memory mcp tools --json"),
      new CommandCheck("migrate_forward", Where.FIRST_NODE,
          "ai-memory migrate --from {src_url} --to {dst_url} --json"),
      new CommandCheck("migrate_idempotent", Where.FIRST_NODE,
          "ai-memory migrate --from {src_url} --to {dst_url} --json"),
      new CommandCheck("migrate_reverse", Where.FIRST_NODE,
          "ai-memory migrate --from {dst_url} --to {roundtrip_url} --json"),
      new CommandCheck("src_count", Where.FIRST_NODE, "ai-memory stats --db {src_url} --json"),
      new CommandCheck("dst_count", Where.FIRST_NODE, "ai-memory stats --db {dst_url} --json"));

  private static final Set<String> KEYS = Set.of("namespace", "work_dir", "phase3.src_url",
      "phase3.dst_url", "phase3.roundtrip_url", "command_timeout_ms");

  private final Map<String, CommandCheck> checks;
  private final String namespace;
  private final String workDir;
  private final String srcUrl;
  private final String dstUrl;
  private final String roundtripUrl;
  private final Duration timeout;
  private final Clock clock;

  /** @param settings see the class doc; null or empty: the defaults */
  public AiMemoryCheckProfile(Map<String, String> settings, Clock clock) {
    ProfileSettings s = new ProfileSettings(NAME, settings, KEYS, DEFAULT_CHECKS);
    this.checks = s.checks(DEFAULT_CHECKS);
    this.namespace = s.string("namespace", "ship-gate-phase1");
    this.workDir = s.string("work_dir", null);
    this.srcUrl = s.string("phase3.src_url", "sqlite:///tmp/phase3-source.db");
    this.dstUrl = s.string("phase3.dst_url", "sqlite:///tmp/phase3-dest.db");
    this.roundtripUrl = s.string("phase3.roundtrip_url", "sqlite:///tmp/phase3-roundtrip.db");
    this.timeout = s.millis("command_timeout_ms", Duration.ofSeconds(60));
    this.clock = clock;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<CommandCheck> checks() {
    return ProfileSettings.list(checks);
  }

  Map<String, String> vars(Node node, String campaignId) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("node", node.name());
    v.put("address", node.address());
    v.put("client_port", Integer.toString(node.clientPort()));
    v.put("campaign", campaignId);
    v.put("namespace", namespace);
    v.put("work_dir", workDir != null ? workDir : "/tmp/shipgate-" + campaignId);
    v.put("src_url", srcUrl);
    v.put("dst_url", dstUrl);
    v.put("roundtrip_url", roundtripUrl);
    return v;
  }

  @Override
  public List<CheckResult> runPhase1(CommandRunner runner, List<Node> nodes, String campaignId) {
    List<CheckResult> out = new ArrayList<>();
    for (Node node : nodes) {
      CheckResult.Builder result = CheckRun.result(clock, campaignId, 1, "phase1.node",
          node.name());
      ObjectNode details = SeedJson.object();
      details.put("phase", 1);
      try {
        phase1(runner, node, vars(node, campaignId), result.getMetrics(), details);
      } catch (CheckFailure | IllegalArgumentException e) {
        log.warn("Phase 1 on node {}: {}", node.name(), e.getMessage());
        result.setError(e.getMessage());
      }
      result.setDetailsJson(CheckRun.compact(details));
      result.setEventTime(clock.instant());
      out.add(result.build());
    }
    return out;
  }

  private void phase1(CommandRunner runner, Node node, Map<String, String> vars,
      Map<String, Long> metrics, ObjectNode details) {
    details.put("host", node.name());
    details.put("version", run(runner, node, "version", vars).strip());
    run(runner, node, "store", vars);

    JsonNode recall = json(runner, node, "recall", vars);
    JsonNode items = recall.isArray() ? recall
        : recall.has("memories") ? recall.get("memories") : recall.get("results");
    long recallCount = recall.has("count")
        ? CheckRun.integer("recall", node, recall.get("count"), "count")
        : items != null && items.isArray() ? items.size() : -1;
    if (recallCount < 0) {
      throw new CheckFailure("check recall on node " + node.name()
          + ": expected an array of memories or a count");
    }
    metrics.put("recall_count", recallCount);

    JsonNode stats = json(runner, node, "stats", vars);
    metrics.put("stats_total", CheckRun.integer("stats", node, stats.get("total"), "total"));
    details.set("stats", stats);

    run(runner, node, "backup", vars);
    long snapshots = 0;
    long manifests = 0;
    try {
      for (String line : run(runner, node, "backup_list", vars).split("\n")) {
        String f = line.strip();
        if (f.endsWith(".db") || f.endsWith(".sqlite") || f.endsWith(".snapshot")) {
          snapshots++;
        }
        if (f.contains("manifest")) {
          manifests++;
        }
      }
    } catch (CheckFailure e) {
      try {
        run(runner, node, "backup_remove", vars);
      } catch (CheckFailure also) {
        e.addSuppressed(also);
      }
      throw e;
    }
    run(runner, node, "backup_remove", vars);
    metrics.put("snapshot_count", snapshots);
    metrics.put("manifest_count", manifests);

    JsonNode curator = json(runner, node, "curator", vars);
    JsonNode errors = curator.get("errors");
    if (errors == null || !errors.isArray()) {
      throw new CheckFailure("check curator on node " + node.name() + ": errors array missing");
    }
    metrics.put("curator_errors", (long) errors.size());
    details.set("curator", curator);

    JsonNode tools = json(runner, node, "mcp_tools", vars);
    JsonNode list = tools.isArray() ? tools : tools.get("tools");
    if (list == null || !list.isArray()) {
      throw new CheckFailure("check mcp_tools on node " + node.name()
          + ": expected an array of tools");
    }
    metrics.put("mcp_tool_count", (long) list.size());
    for (Map.Entry<String, Long> m : metrics.entrySet()) {
      details.put(m.getKey(), m.getValue());
    }
  }

  @Override
  public CheckResult runPhase3(CommandRunner runner, List<Node> nodes, String campaignId) {
    Node node = nodes.get(0);
    CheckResult.Builder result = CheckRun.result(clock, campaignId, 3, "phase3.migration", null);
    ObjectNode details = SeedJson.object();
    try {
      Map<String, String> vars = vars(node, campaignId);
      details.set("report_forward", report(runner, node, "migrate_forward", vars));
      details.set("report_idempotent", report(runner, node, "migrate_idempotent", vars));
      details.set("report_reverse", report(runner, node, "migrate_reverse", vars));
      result.getMetrics().put("src_count", CheckRun.integer("src_count", node,
          json(runner, node, "src_count", vars).get("total"), "total"));
      result.getMetrics().put("dst_count", CheckRun.integer("dst_count", node,
          json(runner, node, "dst_count", vars).get("total"), "total"));
    } catch (CheckFailure | IllegalArgumentException e) {
      log.warn("Phase 3 on node {}: {}", node.name(), e.getMessage());
      result.setError(e.getMessage());
    }
    result.setDetailsJson(CheckRun.compact(details));
    result.setEventTime(clock.instant());
    return result.build();
  }

  private JsonNode report(CommandRunner runner, Node node, String check,
      Map<String, String> vars) {
    JsonNode report = json(runner, node, check, vars);
    if (!report.isObject()) {
      throw new CheckFailure("check " + check + " on node " + node.name()
          + ": expected a migration report object");
    }
    return report;
  }

  private String run(CommandRunner runner, Node node, String check, Map<String, String> vars) {
    return CheckRun.run(runner, node, checks.get(check), vars, timeout);
  }

  private JsonNode json(CommandRunner runner, Node node, String check, Map<String, String> vars) {
    return CheckRun.json(check, node, run(runner, node, check, vars));
  }
}
