package dev.shipgate.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipgate.results.PhaseSummary;
import dev.shipgate.results.SoakRun;
import dev.shipgate.results.SoakVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.sink.ReleasePage;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A target version's {@code releases/<version>/summary.json} in the original ship-gate's
 * release-summary schema ({@code ship-gate-docs/release-summary.schema.json}), from its soak
 * verdict: the top-level fields describe the window's latest run (its phases, wall time and
 * date), {@code verdict} is "pass" only when the soak gate passed and is final, and the soak's
 * own figures are under {@code soak}.
 */
final class ReleaseSummaryJson {
  private ReleaseSummaryJson() {}

  /** The schema's version pattern. */
  static final Pattern VERSION = Pattern.compile("^v\\d+\\.\\d+\\.\\d+(?:\\.\\d+)?(?:-[A-Za-z0-9.-]+)?$");

  private static final Map<Integer, String> NAMES = Map.of(1, "functional", 2, "federation",
      3, "migration", 4, "chaos");

  /**
   * The schema's spelling of {@code version}: as it is, with a "v" added (3.5.17), or the last
   * segment of a ref (release/v0.6.3); null if none fits.
   */
  static String schemaVersion(String version) {
    String last = version.substring(version.lastIndexOf('/') + 1);
    for (String candidate : new String[] {version, "v" + version, last, "v" + last}) {
      if (VERSION.matcher(candidate).matches()) {
        return candidate;
      }
    }
    return null;
  }

  /** Whether the soak gate passes: final and PASS. */
  static boolean passes(SoakVerdict v) {
    return v.getFinal$() && v.getVerdict() == Verdict.PASS;
  }

  /**
   * The summary, or an exception naming why none can be written (the schema needs a version of
   * its pattern and at least one phase).
   */
  static ObjectNode of(SoakVerdict v, String version) {
    String schemaVersion = schemaVersion(version);
    if (schemaVersion == null) {
      throw new ShipgateException("version '" + version + "' does not fit the release-summary"
          + " schema's pattern " + VERSION.pattern());
    }
    List<SoakRun> runs = v.getRuns();
    SoakRun last = runs.get(runs.size() - 1);
    ArrayNode phases = JsonNodeFactory.instance.arrayNode();
    Map<Integer, Boolean> byPhase = new TreeMap<>();
    Map<Integer, StringBuilder> notes = new TreeMap<>();
    for (PhaseSummary p : last.getPhases()) {
      byPhase.merge(p.getPhase(), p.getVerdict() == Verdict.PASS, Boolean::logicalAnd);
      StringBuilder n = notes.computeIfAbsent(p.getPhase(), k -> new StringBuilder());
      String what = (p.getNode() == null ? "" : "node " + p.getNode() + ": ") + p.getVerdict()
          + (p.getReasons().isEmpty() ? "" : " (" + String.join("; ", p.getReasons()) + ")");
      n.append(n.length() == 0 ? "" : ", ").append(what);
    }
    if (byPhase.isEmpty()) {
      throw new ShipgateException("the latest run of " + v.getGateKey() + ", "
          + last.getCampaignId() + ", has no phase verdicts: the release-summary schema needs"
          + " at least one phase");
    }
    int pass = 0;
    int fail = 0;
    for (Map.Entry<Integer, Boolean> e : byPhase.entrySet()) {
      ObjectNode p = phases.addObject();
      p.put("phase", e.getKey());
      p.put("name", NAMES.getOrDefault(e.getKey(), "phase " + e.getKey()));
      p.put("pass", e.getValue());
      p.put("notes", notes.get(e.getKey()).toString());
      if (e.getValue()) {
        pass++;
      } else {
        fail++;
      }
    }
    Long wall = last.getWallSeconds() != null ? last.getWallSeconds() : v.getWallMedianSeconds();
    boolean passes = passes(v);
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("version", schemaVersion);
    s.put("campaign_run_id", last.getCampaignId());
    String completed = last.getCompletedAt();
    s.put("date", completed != null && completed.length() >= 10 ? completed.substring(0, 10)
        : java.time.Instant.ofEpochMilli(last.getCompletedMs()).toString().substring(0, 10));
    if (wall != null) {
      s.put("wall_seconds", wall);
      s.put("wall_human", human(wall));
    } else {
      // required by the schema; unknown is said, not guessed
      s.put("wall_seconds", 0);
      s.put("wall_human", "unknown");
    }
    s.put("pass_count", pass);
    s.put("fail_count", fail);
    s.put("verdict", passes ? "pass" : "fail");
    s.putNull("nhi_verdict");
    s.put("headline", v.getTargetName() + " " + schemaVersion + " — " + v.getProfile() + " "
        + v.getVerdict() + (v.getFinal$() ? "" : " (not final)") + " — " + v.getRunsPassed()
        + "/" + v.getRunsCounted() + " runs green of " + v.getRunsExpected() + " expected — "
        + pass + "/" + (pass + fail) + " phases green in " + last.getCampaignId()
        + (wall == null ? "" : " — " + human(wall) + " wall") + " — " + s.get("date").asText());
    s.set("phases", phases);
    ObjectNode evidence = s.putObject("evidence");
    evidence.put("campaign_dir", "runs/" + last.getCampaignId());
    evidence.put("campaign_summary_json", "runs/" + last.getCampaignId()
        + "/campaign-summary.json");
    evidence.put("offline_html", "runs/" + last.getCampaignId() + "/index.html");
    evidence.put("release_page", "runs/releases/" + ReleasePage.fileName(v.getGateKey()));
    ObjectNode soak = s.putObject("soak");
    soak.put("gate", v.getGateKey());
    soak.put("profile", v.getProfile());
    soak.put("verdict", v.getVerdict().name());
    soak.put("final", v.getFinal$());
    soak.put("runs_expected", v.getRunsExpected());
    soak.put("runs_counted", v.getRunsCounted());
    soak.put("runs_passed", v.getRunsPassed());
    ArrayNode failed = soak.putArray("failed_runs");
    v.getFailedRuns().forEach(failed::add);
    ArrayNode reasons = soak.putArray("reasons");
    v.getReasons().forEach(reasons::add);
    soak.put("bound_fault", v.getBoundFault());
    soak.put("min_bound", v.getMinBound());
    putNullable(soak, "bound_min", v.getBoundMin());
    putNullable(soak, "bound_max", v.getBoundMax());
    putNullable(soak, "wall_median_seconds", v.getWallMedianSeconds());
    putNullable(soak, "wall_p99_seconds", v.getWallP99Seconds());
    putNullable(soak, "baseline_wall_seconds", v.getBaselineWallSeconds());
    soak.put("drift", v.getDrift());
    soak.put("p99_wall_ceiling_seconds", v.getP99WallCeilingSeconds());
    soak.put("first_run_at", v.getFirstRunAt());
    soak.put("last_run_at", v.getLastRunAt());
    ObjectNode release = s.putObject("release");
    release.put("target", v.getTargetName());
    release.put("tag", schemaVersion);
    return s;
  }

  private static void putNullable(ObjectNode o, String k, Number n) {
    if (n == null) {
      o.putNull(k);
    } else if (n instanceof Double d) {
      o.put(k, d);
    } else {
      o.put(k, n.longValue());
    }
  }

  /** 840 → "14m", 116 → "1m56s", 3 → "3s" (the seed's spelling). */
  static String human(long seconds) {
    long h = seconds / 3600;
    long m = seconds % 3600 / 60;
    long s = seconds % 60;
    StringBuilder b = new StringBuilder();
    if (h > 0) {
      b.append(h).append('h');
    }
    if (m > 0) {
      b.append(m).append('m');
    }
    if (s > 0 || b.length() == 0) {
      b.append(s).append('s');
    }
    return b.toString();
  }
}
