package dev.shipgate.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.Thresholds;
import dev.shipgate.results.BoundSource;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.SeedJson;
import dev.shipgate.schemas.Verdicts;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The phase rules of the seed (DESIGN.md, "The seed's metrics, exactly") and the seed-shaped
 * artifact of each phase. Pure functions of the evidence: the topology gathers it, these judge.
 *
 * <p>In the artifacts, {@code reasons} is {@code [""]} when there are none (the seed's quirk);
 * in the {@link PhaseVerdict} records it is an empty list.
 */
public final class PhaseRules {
  private PhaseRules() {}

  static final String PROBE1_EXPECTED = "201";
  static final String PROBE2_EXPECTED = "503";

  private static final String[] PHASE1_AT_LEAST_ONE =
      {"recall_count", "stats_total", "snapshot_count", "manifest_count"};

  /** A verdict with its reasons, before it becomes a record. */
  record Judgement(Verdict verdict, List<String> reasons) {}

  // ---------------------------------------------------------------------------------- phase 1

  /** Verdict of one node's phase 1 report, with the phase1-node-x.json artifact. */
  public static PhaseVerdict phase1Node(String campaign, String node, CheckResult check,
      Thresholds t, Instant time) {
    List<String> fails = new ArrayList<>();
    Verdict verdict;
    String who = "node-" + node;
    if (check.getError() != null) {
      verdict = Verdict.INCOMPLETE;
      fails.add(who + " phase1.node failed: " + check.getError());
    } else {
      Map<String, Long> m = check.getMetrics();
      // a profile declares what its target cannot measure (etcd has no curator, no MCP tools);
      // anything else missing fails
      Set<String> notApplicable = notApplicable(check);
      for (String metric : PHASE1_AT_LEAST_ONE) {
        if (!notApplicable.contains(metric)) {
          atLeast(fails, who, metric, m.get(metric), 1);
        }
      }
      if (!notApplicable.contains("curator_errors")) {
        Long curator = m.get("curator_errors");
        if (curator == null) {
          fails.add(who + " curator_errors missing");
        } else if (curator > t.getPhase1MaxCuratorErrors()) {
          fails.add(who + " curator_errors " + curator + " > " + t.getPhase1MaxCuratorErrors());
        }
      }
      if (!notApplicable.contains("mcp_tool_count")) {
        atLeast(fails, who, "mcp_tool_count", m.get("mcp_tool_count"), t.getPhase1MinMcpTools());
      }
      verdict = fails.isEmpty() ? Verdict.PASS : Verdict.FAIL;
    }
    JsonNode details = check.getDetailsJson() == null ? SeedJson.object()
        : SeedJson.parse(check.getDetailsJson());
    ObjectNode artifact = SeedJson.object();
    artifact.set("phase", details.has("phase") ? details.get("phase") : number(1));
    for (String key : List.of("host", "version")) {
      if (details.has(key)) {
        artifact.set(key, details.get(key));
      }
    }
    artifact.put("pass", verdict == Verdict.PASS);
    artifact.set("reasons", seedReasons(fails));
    if (details.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = details.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        if (!List.of("phase", "host", "version", "pass", "reasons").contains(f.getKey())) {
          artifact.set(f.getKey(), f.getValue());
        }
      }
    }
    appendExtras(artifact, check);
    return verdict(campaign, 1, node, new Judgement(verdict, fails), artifact, time);
  }

  /**
   * Metrics the check's profile declared it cannot measure on its target
   * ({@code values.not_applicable}, comma-separated); their rules are skipped, never passed.
   */
  static Set<String> notApplicable(CheckResult check) {
    String declared = check.getValues().get("not_applicable");
    Set<String> out = new java.util.TreeSet<>();
    if (declared != null) {
      for (String m : declared.split(",")) {
        if (!m.isBlank()) {
          out.add(m.strip());
        }
      }
    }
    return out;
  }

  private static void atLeast(List<String> fails, String who, String metric, Long value,
      long min) {
    if (value == null) {
      fails.add(who + " " + metric + " missing");
    } else if (value < min) {
      fails.add(who + " " + metric + " " + value + " < " + min);
    }
  }

  /**
   * Phase 1 as a whole: PASS only when every configured node has a PASS node verdict. A
   * configured node without a report makes it INCOMPLETE; null when no node reported.
   */
  public static PhaseVerdict phase1(String campaign, List<String> nodes,
      Map<String, PhaseVerdict> nodeVerdicts, Instant time) {
    if (nodeVerdicts.isEmpty()) {
      return null;
    }
    List<String> judged = nodes.isEmpty() ? new ArrayList<>(new TreeSet<>(nodeVerdicts.keySet()))
        : nodes;
    List<Verdict> verdicts = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (String node : judged) {
      PhaseVerdict v = nodeVerdicts.get(node);
      if (v == null) {
        verdicts.add(Verdict.INCOMPLETE);
        reasons.add("node-" + node + " report missing");
      } else {
        verdicts.add(v.getVerdict());
        reasons.addAll(v.getReasons());
      }
    }
    return verdict(campaign, 1, null, new Judgement(Verdicts.worst(verdicts), reasons), null,
        time);
  }

  // ---------------------------------------------------------------------------------- phase 2

  /** The phase 2 write tally: from the imported check, else from live write results. */
  record Tally(long ok, long quorumNotMet, long fail) {
    long total() {
      return ok + quorumNotMet + fail;
    }
  }

  /**
   * Phase 2, or null without any evidence.
   *
   * @param liveTally tally of phase 2 WriteResults, null when none arrived
   * @param observedCounts node → count of the latest final phase 2 observation, or null
   * @param precondition the driver's check that phase 2's namespace was empty before its writes
   *     (null when it did not report one); an error makes the phase INCOMPLETE
   */
  public static PhaseVerdict phase2(String campaign, List<String> nodes, Thresholds t,
      CheckResult writes, Tally liveTally, CheckResult counts, Map<String, Long> observedCounts,
      CheckResult probe1, CheckResult probe2, CheckResult precondition, Instant time) {
    if (writes == null && liveTally == null && counts == null && observedCounts == null
        && probe1 == null && probe2 == null && precondition == null) {
      return null;
    }
    List<String> fails = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    if (precondition != null && precondition.getError() != null) {
      missing.add("phase2.precondition failed: " + precondition.getError());
    }
    Long total = null;
    Long ok = null;
    Long quorum = null;
    Long fail = null;
    if (writes != null && writes.getError() == null) {
      Map<String, Long> m = writes.getMetrics();
      ok = m.get("ok");
      quorum = m.get("quorum_not_met");
      fail = m.get("fail");
      total = m.get("total_writes");
      if (total == null && ok != null && quorum != null && fail != null) {
        total = ok + quorum + fail;
      }
    } else if (liveTally != null) {
      ok = liveTally.ok();
      quorum = liveTally.quorumNotMet();
      fail = liveTally.fail();
      total = liveTally.total();
    }
    if (ok == null) {
      missing.add(writes != null && writes.getError() != null
          ? "phase2.writes failed: " + writes.getError() : "writes missing");
    }
    Map<String, Long> countMap = null;
    if (counts != null && counts.getError() == null) {
      countMap = counts.getMetrics();
    } else if (observedCounts != null) {
      countMap = observedCounts;
    } else {
      missing.add(counts != null ? "phase2.counts failed: " + counts.getError()
          : "counts missing");
    }
    List<String> countReasons = new ArrayList<>();
    if (countMap != null) {
      TreeSet<String> names = new TreeSet<>(countMap.keySet());
      names.addAll(nodes);
      for (String node : names) {
        Long c = countMap.get(node);
        String who = "node-" + node.toUpperCase(Locale.ROOT);
        if (c == null) {
          missing.add(who + " count missing");
        } else if (ok != null) {
          long min = ok * t.getPhase2CountPercent() / 100;
          if (c < min) {
            countReasons.add(who + " count " + c + " < " + t.getPhase2CountPercent() + "% of "
                + ok);
          }
        }
      }
    }
    fails.addAll(countReasons);
    String status1 = probe(probe1, "probe1", PROBE1_EXPECTED, fails, missing);
    String status2 = probe(probe2, "probe2", PROBE2_EXPECTED, fails, missing);
    Verdict verdict = !fails.isEmpty() ? Verdict.FAIL
        : !missing.isEmpty() ? Verdict.INCOMPLETE : Verdict.PASS;
    List<String> reasons = new ArrayList<>();
    // Seed order: counts, probe1, probe2; what could not be judged comes after.
    reasons.addAll(fails);
    reasons.addAll(missing);
    ObjectNode artifact = SeedJson.object();
    artifact.put("phase", 2);
    artifact.put("pass", verdict == Verdict.PASS);
    putLong(artifact, "total_writes", total);
    putLong(artifact, "ok", ok);
    putLong(artifact, "quorum_not_met", quorum);
    putLong(artifact, "fail", fail);
    ObjectNode countsNode = artifact.putObject("counts");
    if (countMap != null) {
      List<String> order = new ArrayList<>(nodes);
      for (String n : new TreeSet<>(countMap.keySet())) {
        if (!order.contains(n)) {
          order.add(n);
        }
      }
      for (String n : order) {
        if (countMap.containsKey(n)) {
          putLong(countsNode, n, countMap.get(n));
        }
      }
    }
    if (status1 == null) {
      artifact.putNull("probe1_single_peer_down");
    } else {
      artifact.put("probe1_single_peer_down", status1);
    }
    if (status2 == null) {
      artifact.putNull("probe2_both_peers_down");
    } else {
      artifact.put("probe2_both_peers_down", status2);
    }
    artifact.set("reasons", seedReasons(reasons));
    for (CheckResult c : new CheckResult[] {writes, counts, probe1, probe2}) {
      if (c != null) {
        appendExtras(artifact, c);
      }
    }
    return verdict(campaign, 2, null, new Judgement(verdict, reasons), artifact, time);
  }

  private static String probe(CheckResult probe, String name, String expected, List<String> fails,
      List<String> missing) {
    if (probe == null) {
      missing.add(name + " missing");
      return null;
    }
    if (probe.getError() != null) {
      missing.add("phase2." + name + " failed: " + probe.getError());
      return null;
    }
    String status = probe.getValues().get("status");
    if (status == null) {
      missing.add(name + " status missing");
    } else if (!expected.equals(status)) {
      fails.add(name + " expected " + expected + ", got " + status);
    }
    return status;
  }

  // ---------------------------------------------------------------------------------- phase 3

  /** Phase 3 from its migration check, or null without one. */
  public static PhaseVerdict phase3(String campaign, Thresholds t, CheckResult migration,
      Instant time) {
    if (migration == null) {
      return null;
    }
    List<String> fails = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    JsonNode details = SeedJson.object();
    if (migration.getError() != null) {
      missing.add("phase3.migration failed: " + migration.getError());
    } else if (migration.getDetailsJson() != null) {
      details = SeedJson.parse(migration.getDetailsJson());
    }
    long expected = t.getPhase3Expected();
    Long src = migration.getMetrics().get("src_count");
    Long dst = migration.getMetrics().get("dst_count");
    if (migration.getError() == null) {
      JsonNode forward = details.get("report_forward");
      JsonNode idempotent = details.get("report_idempotent");
      if (forward == null || !forward.isObject()) {
        missing.add("report_forward missing");
      } else {
        expect(forward, "forward", "memories_read", expected, fails, missing);
        expect(forward, "forward", "memories_written", expected, fails, missing);
        errors(forward, "forward", fails, missing);
      }
      if (idempotent == null || !idempotent.isObject()) {
        missing.add("report_idempotent missing");
      } else {
        errors(idempotent, "idempotent", fails, missing);
        expect(idempotent, "idempotent", "memories_written", expected, fails, missing);
      }
      if (src == null) {
        missing.add("src_count missing");
      }
      if (dst == null) {
        missing.add("dst_count missing");
      }
      if (src != null && dst != null && !src.equals(dst)) {
        fails.add("src_count " + src + " != dst_count " + dst);
      }
    }
    Verdict verdict = !fails.isEmpty() ? Verdict.FAIL
        : !missing.isEmpty() ? Verdict.INCOMPLETE : Verdict.PASS;
    List<String> reasons = new ArrayList<>(fails);
    reasons.addAll(missing);
    ObjectNode artifact = SeedJson.object();
    artifact.put("phase", 3);
    artifact.put("pass", verdict == Verdict.PASS);
    for (String key : List.of("report_forward", "report_idempotent", "report_reverse")) {
      JsonNode report = details.get(key);
      if (report == null) {
        artifact.putNull(key);
      } else {
        artifact.set(key, report);
      }
    }
    putLong(artifact, "src_count", src);
    putLong(artifact, "dst_count", dst);
    artifact.set("reasons", seedReasons(reasons));
    appendExtras(artifact, migration);
    return verdict(campaign, 3, null, new Judgement(verdict, reasons), artifact, time);
  }

  private static void expect(JsonNode report, String name, String field, long expected,
      List<String> fails, List<String> missing) {
    JsonNode v = report.get(field);
    if (v == null || !v.isNumber()) {
      missing.add(name + " " + field + " missing");
    } else if (v.decimalValue().compareTo(BigDecimal.valueOf(expected)) != 0) {
      fails.add(name + " " + field + " " + numberText(v) + " != " + expected);
    }
  }

  private static void errors(JsonNode report, String name, List<String> fails,
      List<String> missing) {
    JsonNode v = report.get("errors");
    if (v == null || v.isNull()) {
      missing.add(name + " errors missing");
      return;
    }
    long n = v.isArray() ? v.size() : v.isNumber() ? v.longValue() : 1;
    if (n != 0) {
      fails.add(name + " errors: " + n);
    }
  }

  // ---------------------------------------------------------------------------------- phase 4

  /**
   * Phase 4 from the fault bounds, or null when no class has one. Classes in config order, then
   * first seen; an enabled class without a bound is NOT_RUN. A class's diagnosis (slow, lost:
   * {@link VisibilityRules}) follows its reasons when the phase does not pass.
   */
  public static PhaseVerdict phase4(String campaign, CampaignConfig config, List<String> seenOrder,
      Map<String, FaultBound> bounds, Map<String, String> diagnoses,
      List<CheckResult> extraChecks, Instant time) {
    if (bounds.isEmpty()) {
      return null;
    }
    List<String> classes = new ArrayList<>(config == null ? List.of() : config.getFaults());
    for (String f : seenOrder) {
      if (!classes.contains(f)) {
        classes.add(f);
      }
    }
    for (String f : bounds.keySet()) {
      if (!classes.contains(f)) {
        classes.add(f);
      }
    }
    List<Verdict> verdicts = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    List<String> seedReasons = new ArrayList<>();
    boolean seedPass = true;
    ObjectNode byFault = SeedJson.object();
    Integer cycles = config == null ? null : config.getCyclesPerFault();
    Integer writes = config == null ? null : config.getWritesPerCycle();
    Integer maxCycles = null;
    Integer boundWrites = null;
    for (String fault : classes) {
      FaultBound b = bounds.get(fault);
      if (b == null) {
        verdicts.add(Verdict.NOT_RUN);
        reasons.add(fault + ": not run");
        continue;
      }
      verdicts.add(b.getVerdict());
      if (b.getVerdict() != Verdict.PASS && b.getReason() != null) {
        reasons.add(b.getReason());
      }
      String diagnosis = diagnoses.get(fault);
      if (diagnosis != null) {
        reasons.add(diagnosis);
      }
      if (b.getSource() == BoundSource.IMPORTED || b.getCycles() > 0) {
        byFault.set(fault, SeedJson.decimal(new BigDecimal(b.getBound())));
        if (!b.getSeedPass()) {
          seedPass = false;
          seedReasons.add(ConvergenceRules.seedReason(fault, b.getBound(), b.getThreshold()));
        }
        maxCycles = maxCycles == null ? b.getCycles() : Math.max(maxCycles, b.getCycles());
        if (boundWrites == null) {
          boundWrites = b.getWritesPerCycle();
        }
      }
    }
    ObjectNode artifact = SeedJson.object();
    artifact.put("phase", 4);
    artifact.put("pass", seedPass);
    putInt(artifact, "cycles_per_fault", cycles != null ? cycles : maxCycles);
    putInt(artifact, "writes_per_cycle", writes != null ? writes : boundWrites);
    artifact.set("convergence_by_fault", byFault);
    artifact.set("reasons", seedReasons(seedReasons));
    for (CheckResult c : extraChecks) {
      appendExtras(artifact, c);
    }
    return verdict(campaign, 4, null, new Judgement(Verdicts.worst(verdicts), reasons), artifact,
        time);
  }

  // ---------------------------------------------------------------------------------- helpers

  static PhaseVerdict verdict(String campaign, int phase, String node, Judgement j,
      ObjectNode artifact, Instant time) {
    return PhaseVerdict.newBuilder()
        .setCampaignId(campaign)
        .setPhase(phase)
        .setNode(node)
        .setVerdict(j.verdict())
        .setReasons(j.verdict() == Verdict.PASS ? List.of() : j.reasons())
        .setDetailsJson(artifact == null ? null : SeedJson.compact(artifact))
        .setUpdatedAt(time)
        .build();
  }

  /** The seed's reasons array: {@code [""]} when there are none. */
  static ArrayNode seedReasons(List<String> reasons) {
    ArrayNode a = SeedJson.MAPPER.createArrayNode();
    if (reasons.isEmpty()) {
      a.add("");
    } else {
      reasons.forEach(a::add);
    }
    return a;
  }

  /** Appends the check's values.extra_json keys that the artifact does not have yet. */
  static void appendExtras(ObjectNode artifact, CheckResult check) {
    appendExtras(artifact, check.getValues().get("extra_json"));
  }

  static void appendExtras(ObjectNode artifact, String extraJson) {
    if (extraJson == null) {
      return;
    }
    JsonNode extra = SeedJson.parse(extraJson);
    Iterator<Map.Entry<String, JsonNode>> fields = extra.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (!artifact.has(f.getKey())) {
        artifact.set(f.getKey(), f.getValue());
      }
    }
  }

  private static JsonNode number(long v) {
    return SeedJson.MAPPER.getNodeFactory().numberNode(v);
  }

  private static void putLong(ObjectNode o, String key, Long v) {
    if (v == null) {
      o.putNull(key);
    } else {
      o.put(key, v.longValue());
    }
  }

  private static void putInt(ObjectNode o, String key, Integer v) {
    if (v == null) {
      o.putNull(key);
    } else {
      o.put(key, v.intValue());
    }
  }

  private static String numberText(JsonNode v) {
    return v.isBigDecimal() ? v.decimalValue().toPlainString() : v.asText();
  }

  /** Counts of a phase 2 observation keyed by node, in node order. */
  static Map<String, Long> counts(List<String> names, List<Long> values) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), values.get(i));
    }
    return m;
  }
}
