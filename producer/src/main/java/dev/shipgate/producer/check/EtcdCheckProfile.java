package dev.shipgate.producer.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipgate.events.CheckResult;
import dev.shipgate.producer.check.CommandCheck.Where;
import dev.shipgate.producer.remote.CommandRunner;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.remote.RemoteException;
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
 * Phase 1 and phase 3 checks for etcd v3 with {@code etcdctl} (3.4), run on the nodes.
 *
 * <p>Phase 1, per node ({@code phase1.node}), mapped onto the seed's metrics only where they mean
 * something:
 * <ul>
 *   <li>{@code health}: {@code endpoint health -w json} must report {@code health: true}, else
 *       the node's result is an error;
 *   <li>{@code put} then {@code get} of the key {@code shipgate/<campaign>/phase1/<node>}:
 *       {@code recall_count} = 1 when the get returns the value just put, else 0;
 *   <li>{@code count}: keys under {@code shipgate/<campaign>/phase1/} read locally from this member
 *       ({@code --consistency=s}) → {@code stats_total};
 *   <li>{@code status}: {@code endpoint status -w json}, kept as {@code status} and
 *       {@code version} in the report;
 *   <li>{@code snapshot_save} then {@code snapshot_status}: {@code snapshot_count} = 1 when the
 *       member streamed a snapshot to disk; {@code manifest_count} = 1 when
 *       {@code snapshot status} reads the snapshot's own metadata (hash, revision, key count) back
 *       — etcd's equivalent of a backup manifest; {@code snapshot_remove} deletes the file.
 * </ul>
 * {@code curator_errors} and {@code mcp_tool_count} are <b>not reported</b>: etcd has neither a
 * curator nor MCP tools, and a made-up number would read as evidence.
 *
 * <p>Phase 3 ({@code phase3.migration}), on the first node: writes {@code phase3.keys} keys
 * (default 1000) under {@code shipgate/<campaign>/phase3/}, 100 per transaction, counts them
 * ({@code src_count}), saves a snapshot, restores it into a fresh data dir, starts that single
 * member on a spare port ({@code phase3.spare_client_port} / {@code phase3.spare_peer_port},
 * defaults 23791/23792 on the node's address), counts its keys ({@code dst_count} =
 * report_forward's memories_written), saves a snapshot of it (for the reverse), stops it by PID and
 * deletes its data. Then the same snapshot is restored again ({@code report_idempotent}: same count
 * expected) and the restored member's snapshot is restored once more ({@code report_reverse}: read
 * = keys on the first restored member, written = keys after the round trip). The reports use the
 * seed's field names: {@code memories_read} / {@code memories_written} are keys. The work dir and
 * the phase 3 keys are deleted at the end.
 *
 * <p>Settings: {@code work_dir} (default {@code /tmp/shipgate-<campaign>-etcd}),
 * {@code phase3.keys}, {@code phase3.spare_address}, {@code phase3.spare_client_port},
 * {@code phase3.spare_peer_port}, {@code command_timeout_ms} (default 30000),
 * {@code phase3.write_timeout_ms} (default 300000), {@code phase3.health_attempts} (default 30),
 * {@code phase3.poll_interval_ms} (default 200), and {@code command.<check>} to override a command.
 */
public final class EtcdCheckProfile implements CheckProfile {
  private static final Logger log = LoggerFactory.getLogger(EtcdCheckProfile.class);
  public static final String NAME = "etcd";

  private static final String CTL = "etcdctl --endpoints=http://{address}:{client_port}";
  private static final String SPARE = "etcdctl --endpoints=http://{spare_address}:{spare_client_port}";
  private static final String RESTORE_CLUSTER = "--initial-cluster shipgate-restore=http://"
      + "{spare_address}:{spare_peer_port} --initial-advertise-peer-urls http://{spare_address}:"
      + "{spare_peer_port}";

  /** The declared commands, in the order they run: the one place they are written. */
  public static final List<CommandCheck> DEFAULT_CHECKS = List.of(
      new CommandCheck("health", Where.EACH_NODE, CTL + " endpoint health -w json"),
      new CommandCheck("put", Where.EACH_NODE,
          CTL + " put shipgate/{campaign}/phase1/{node} phase1-{node}-{campaign}"),
      new CommandCheck("get", Where.EACH_NODE,
          CTL + " get shipgate/{campaign}/phase1/{node} --print-value-only"),
      new CommandCheck("count", Where.EACH_NODE, CTL + " get shipgate/{campaign}/phase1/ --prefix"
          + " --keys-only --limit=1 --consistency=s -w json"),
      new CommandCheck("status", Where.EACH_NODE, CTL + " endpoint status -w json"),
      new CommandCheck("snapshot_save", Where.EACH_NODE,
          "mkdir -p {work_dir} && " + CTL + " snapshot save {work_dir}/phase1-{node}.db"),
      new CommandCheck("snapshot_status", Where.EACH_NODE,
          "etcdctl snapshot status {work_dir}/phase1-{node}.db -w json"),
      new CommandCheck("snapshot_remove", Where.EACH_NODE, "rm -f {work_dir}/phase1-{node}.db"),
      // 100 puts per transaction (etcd refuses more than --max-txn-ops, 128 by default): one
      // etcdctl per 100 keys instead of one per key, 0.3 s instead of 18 s for 1000 keys here
      new CommandCheck("write", Where.FIRST_NODE, CTL + " del shipgate/{campaign}/phase3/ --prefix"
          + " >/dev/null || exit 1; i=1; while [ $i -le {keys} ]; do j=$((i+99));"
          + " [ $j -gt {keys} ] && j={keys}; { echo; seq $i $j"
          + " | sed 's|.*|put shipgate/{campaign}/phase3/k& v&|'; echo; echo; } | " + CTL
          + " txn >/dev/null || exit 1; i=$((j+1)); done"),
      new CommandCheck("src_count", Where.FIRST_NODE, CTL + " get shipgate/{campaign}/phase3/"
          + " --prefix --keys-only --limit=1 -w json"),
      new CommandCheck("snapshot", Where.FIRST_NODE,
          "mkdir -p {work_dir} && " + CTL + " snapshot save {work_dir}/phase3.db"),
      new CommandCheck("restore", Where.FIRST_NODE, "etcdctl snapshot restore {snapshot}"
          + " --data-dir {data_dir} --name shipgate-restore " + RESTORE_CLUSTER),
      new CommandCheck("start", Where.FIRST_NODE, "nohup etcd --name shipgate-restore"
          + " --data-dir {data_dir} --listen-client-urls http://{spare_address}:{spare_client_port}"
          + " --advertise-client-urls http://{spare_address}:{spare_client_port}"
          + " --listen-peer-urls http://{spare_address}:{spare_peer_port} " + RESTORE_CLUSTER
          + " >{data_dir}.log 2>&1 </dev/null & echo $!"),
      new CommandCheck("spare_health", Where.FIRST_NODE,
          SPARE + " --dial-timeout=1s endpoint health -w json"),
      new CommandCheck("dst_count", Where.FIRST_NODE, SPARE + " get shipgate/{campaign}/phase3/"
          + " --prefix --keys-only --limit=1 -w json"),
      new CommandCheck("reverse_snapshot", Where.FIRST_NODE,
          SPARE + " snapshot save {work_dir}/reverse.db"),
      new CommandCheck("stop", Where.FIRST_NODE, "kill {pid}"),
      new CommandCheck("stopped", Where.FIRST_NODE, "ps -o stat= -p {pid} || true"),
      new CommandCheck("kill", Where.FIRST_NODE, "kill -9 {pid}"),
      new CommandCheck("remove_data", Where.FIRST_NODE, "rm -rf {data_dir} {data_dir}.log"),
      new CommandCheck("delete_keys", Where.FIRST_NODE,
          CTL + " del shipgate/{campaign}/phase3/ --prefix"),
      new CommandCheck("remove_work_dir", Where.FIRST_NODE, "rm -rf {work_dir}"));

  private static final Set<String> KEYS = Set.of("work_dir", "phase3.keys",
      "phase3.spare_address", "phase3.spare_client_port", "phase3.spare_peer_port",
      "command_timeout_ms", "phase3.write_timeout_ms", "phase3.health_attempts",
      "phase3.poll_interval_ms");

  private final Map<String, CommandCheck> checks;
  private final String workDir;
  private final long keys;
  private final String spareAddress;
  private final long spareClientPort;
  private final long sparePeerPort;
  private final Duration timeout;
  private final Duration writeTimeout;
  private final long healthAttempts;
  private final Duration pollInterval;
  private final Clock clock;

  /** @param settings see the class doc; null or empty: the defaults */
  public EtcdCheckProfile(Map<String, String> settings, Clock clock) {
    ProfileSettings s = new ProfileSettings(NAME, settings, KEYS, DEFAULT_CHECKS);
    this.checks = s.checks(DEFAULT_CHECKS);
    this.workDir = s.string("work_dir", null);
    this.keys = s.positive("phase3.keys", 1000);
    this.spareAddress = s.string("phase3.spare_address", null);
    this.spareClientPort = s.positive("phase3.spare_client_port", 23791);
    this.sparePeerPort = s.positive("phase3.spare_peer_port", 23792);
    this.timeout = s.millis("command_timeout_ms", Duration.ofSeconds(30));
    this.writeTimeout = s.millis("phase3.write_timeout_ms", Duration.ofMinutes(5));
    this.healthAttempts = s.positive("phase3.health_attempts", 30);
    this.pollInterval = s.millis("phase3.poll_interval_ms", Duration.ofMillis(200));
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
    v.put("work_dir", workDir != null ? workDir : "/tmp/shipgate-" + campaignId + "-etcd");
    v.put("keys", Long.toString(keys));
    v.put("spare_address", spareAddress != null ? spareAddress : node.address());
    v.put("spare_client_port", Long.toString(spareClientPort));
    v.put("spare_peer_port", Long.toString(sparePeerPort));
    return v;
  }

  // ------------------------------------------------------------------------------------ phase 1

  /** Phase 1 metrics etcd cannot report (see the class doc). */
  public static final String NOT_APPLICABLE = "curator_errors,mcp_tool_count";

  @Override
  public List<CheckResult> runPhase1(CommandRunner runner, List<Node> nodes, String campaignId) {
    List<CheckResult> out = new ArrayList<>();
    for (Node node : nodes) {
      CheckResult.Builder result = CheckRun.result(clock, campaignId, 1, "phase1.node",
          node.name());
      // etcd has no curator and no MCP tools: declared, so Streams skips those rules (and says so)
      // instead of failing on metrics that cannot exist
      result.getValues().put("not_applicable", NOT_APPLICABLE);
      ObjectNode details = SeedJson.object();
      details.put("phase", 1);
      details.put("host", node.name());
      // said in the artifact too, so a reader (and the run page) sees "not applicable", not "missing"
      var notApplicable = details.putArray("not_applicable");
      for (String metric : NOT_APPLICABLE.split(",")) {
        notApplicable.add(metric);
      }
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
    JsonNode health = json(runner, node, "health", vars);
    JsonNode member = health.isArray() && health.size() > 0 ? health.get(0) : health;
    if (!member.path("health").asBoolean(false)) {
      throw new CheckFailure("check health on node " + node.name() + ": endpoint not healthy: "
          + CheckRun.compact(health));
    }
    details.set("health", member);

    run(runner, node, "put", vars);
    String expected = "phase1-" + node.name() + "-" + vars.get("campaign");
    String got = run(runner, node, "get", vars).strip();
    metrics.put("recall_count", expected.equals(got) ? 1L : 0L);

    metrics.put("stats_total", rangeCount(runner, node, "count", vars));

    JsonNode status = json(runner, node, "status", vars);
    JsonNode st = (status.isArray() && status.size() > 0 ? status.get(0) : status).path("Status");
    if (!st.isObject()) {
      throw new CheckFailure("check status on node " + node.name() + ": no Status object");
    }
    details.put("version", "etcd " + st.path("version").asText("?"));
    details.set("status", st);

    try {
      run(runner, node, "snapshot_save", vars);
      metrics.put("snapshot_count", 1L);
      JsonNode snap = json(runner, node, "snapshot_status", vars);
      if (!snap.path("hash").isIntegralNumber() || !snap.path("revision").isIntegralNumber()
          || !snap.path("totalKey").isIntegralNumber()) {
        throw new CheckFailure("check snapshot_status on node " + node.name()
            + ": hash, revision or totalKey missing");
      }
      metrics.put("manifest_count", 1L);
      details.set("snapshot", snap);
    } finally {
      removeQuietly(runner, node, "snapshot_remove", vars);
    }
    for (Map.Entry<String, Long> m : metrics.entrySet()) {
      details.put(m.getKey(), m.getValue());
    }
  }

  // ------------------------------------------------------------------------------------ phase 3

  @Override
  public CheckResult runPhase3(CommandRunner runner, List<Node> nodes, String campaignId) {
    Node node = nodes.get(0);
    CheckResult.Builder result = CheckRun.result(clock, campaignId, 3, "phase3.migration", null);
    ObjectNode details = SeedJson.object();
    Map<String, String> vars = null;
    try {
      vars = vars(node, campaignId);
      CheckRun.run(runner, node, checks.get("write"), vars, writeTimeout);
      long src = rangeCount(runner, node, "src_count", vars);
      run(runner, node, "snapshot", vars);
      String from = "etcd http://" + node.address() + ":" + node.clientPort() + " prefix shipgate/"
          + campaignId + "/phase3/";
      String to = "snapshot restored into http://" + vars.get("spare_address") + ":"
          + spareClientPort;

      Restored forward = restore(runner, node, vars, vars.get("work_dir") + "/phase3.db",
          vars.get("work_dir") + "/forward", true);
      details.set("report_forward", report(from, to, src, forward.count()));
      Restored again = restore(runner, node, vars, vars.get("work_dir") + "/phase3.db",
          vars.get("work_dir") + "/idempotent", false);
      details.set("report_idempotent", report(from, to, src, again.count()));
      Restored back = restore(runner, node, vars, vars.get("work_dir") + "/reverse.db",
          vars.get("work_dir") + "/reverse", false);
      details.set("report_reverse", report(to, "snapshot of it restored into http://"
          + vars.get("spare_address") + ":" + spareClientPort, forward.count(), back.count()));
      result.getMetrics().put("src_count", src);
      result.getMetrics().put("dst_count", forward.count());
    } catch (CheckFailure | IllegalArgumentException e) {
      log.warn("Phase 3 on node {}: {}", node.name(), e.getMessage());
      result.setError(e.getMessage());
    } finally {
      if (vars != null) {
        removeQuietly(runner, node, "delete_keys", vars);
        removeQuietly(runner, node, "remove_work_dir", vars);
      }
    }
    result.setDetailsJson(CheckRun.compact(details));
    result.setEventTime(clock.instant());
    return result.build();
  }

  record Restored(long count) {}

  /**
   * Restores {@code snapshot} into {@code dataDir}, starts a member there on the spare port, counts
   * the phase 3 keys (and, when {@code saveReverse}, saves its own snapshot), then always stops it
   * by PID and deletes its data.
   */
  private Restored restore(CommandRunner runner, Node node, Map<String, String> base,
      String snapshot, String dataDir, boolean saveReverse) {
    Map<String, String> vars = new LinkedHashMap<>(base);
    vars.put("snapshot", snapshot);
    vars.put("data_dir", dataDir);
    String pid = null;
    try {
      run(runner, node, "restore", vars);
      pid = run(runner, node, "start", vars).strip();
      if (!pid.matches("[0-9]{2,10}")) {
        throw new CheckFailure("check start on node " + node.name() + ": no PID printed: '"
            + pid + "'");
      }
      vars.put("pid", pid);
      awaitHealthy(runner, node, vars);
      long count = rangeCount(runner, node, "dst_count", vars);
      if (saveReverse) {
        run(runner, node, "reverse_snapshot", vars);
      }
      return new Restored(count);
    } finally {
      if (pid != null && pid.matches("[0-9]{2,10}")) {
        stop(runner, node, vars);
      }
      removeQuietly(runner, node, "remove_data", vars);
    }
  }

  private void awaitHealthy(CommandRunner runner, Node node, Map<String, String> vars) {
    String last = "";
    for (long i = 0; i < healthAttempts; i++) {
      if (i > 0) {
        CheckRun.pause(pollInterval);
      }
      try {
        JsonNode h = CheckRun.json("spare_health", node, run(runner, node, "spare_health", vars));
        JsonNode m = h.isArray() && h.size() > 0 ? h.get(0) : h;
        if (m.path("health").asBoolean(false)) {
          return;
        }
        last = CheckRun.compact(h);
      } catch (CheckFailure e) {
        last = e.getMessage();
      }
    }
    throw new CheckFailure("restored etcd member on port " + vars.get("spare_client_port")
        + " not healthy after " + healthAttempts + " attempts: " + last);
  }

  /** SIGTERM, wait until gone (a zombie counts as gone), SIGKILL as a last resort. */
  private void stop(CommandRunner runner, Node node, Map<String, String> vars) {
    try {
      run(runner, node, "stop", vars);
    } catch (CheckFailure e) {
      log.warn("Phase 3 on node {}: {}", node.name(), e.getMessage());
    }
    for (long i = 0; i < healthAttempts; i++) {
      if (i > 0) {
        CheckRun.pause(pollInterval);
      }
      try {
        String state = run(runner, node, "stopped", vars).strip();
        if (state.isEmpty() || state.startsWith("Z")) {
          return;
        }
      } catch (CheckFailure e) {
        log.warn("Phase 3 on node {}: {}", node.name(), e.getMessage());
      }
    }
    removeQuietly(runner, node, "kill", vars);
  }

  private static ObjectNode report(String from, String to, long read, long written) {
    ObjectNode r = SeedJson.object();
    r.put("from_url", from);
    r.put("to_url", to);
    r.put("memories_read", read);
    r.put("memories_written", written);
    r.set("errors", SeedJson.MAPPER.createArrayNode());
    return r;
  }

  // ------------------------------------------------------------------------------------ helpers

  /**
   * The {@code count} of a range response. etcd's JSON omits zero-valued fields, so a response
   * with a header and no {@code count} is 0.
   */
  private long rangeCount(CommandRunner runner, Node node, String check,
      Map<String, String> vars) {
    JsonNode r = json(runner, node, check, vars);
    if (!r.path("header").isObject()) {
      throw new CheckFailure("check " + check + " on node " + node.name()
          + ": not a range response");
    }
    return r.has("count") ? CheckRun.integer(check, node, r.get("count"), "count") : 0L;
  }

  private void removeQuietly(CommandRunner runner, Node node, String check,
      Map<String, String> vars) {
    try {
      run(runner, node, check, vars);
    } catch (CheckFailure | RemoteException e) {
      log.warn("Clean-up on node {}: {}", node.name(), e.getMessage());
    }
  }

  private String run(CommandRunner runner, Node node, String check, Map<String, String> vars) {
    return CheckRun.run(runner, node, checks.get(check), vars, timeout);
  }

  private JsonNode json(CommandRunner runner, Node node, String check, Map<String, String> vars) {
    return CheckRun.json(check, node, run(runner, node, check, vars));
  }
}
