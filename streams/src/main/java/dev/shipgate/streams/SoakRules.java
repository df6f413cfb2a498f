package dev.shipgate.streams;

import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.GateConfig;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.SoakRun;
import dev.shipgate.results.SoakVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.Verdicts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cross-run (soak) rules of a target version, the seed's 14-day soak
 * ({@code ship-gate-docs/soak.md}) as the built-in {@code soak} profile:
 *
 * <ol>
 *   <li>every run {@code overall_pass} (one red run fails the soak, naming it);
 *   <li>the phase 4 {@code bound_fault} bound at least {@code min_bound} in every run, even when
 *       the phase passed (a run without that bound cannot show it: INCONCLUSIVE);
 *   <li>every run's wall time within {@code drift} of the baseline (configured, else the median of
 *       the window's wall times), and the window's p99 wall time at most the ceiling, judged once
 *       the window holds its expected runs (a run whose wall time is unknown cannot show either:
 *       INCONCLUSIVE);
 *   <li>at least {@code expected_runs} runs: fewer is INCOMPLETE, never PASS.
 * </ol>
 *
 * FAIL wins over INCOMPLETE, INCOMPLETE over INCONCLUSIVE. The window's runs are ordered by
 * completion time then campaign id, so the verdict does not depend on the order they arrive in.
 */
final class SoakRules {
  private SoakRules() {}

  static final String SOAK = "soak";
  static final String RELEASE = "release";
  /** Runs kept per gate key (the newest). */
  static final int MAX_RUNS = 1000;

  /** A gate's rules, every field resolved against its profile. */
  record Gate(String profile, int expectedRuns, String boundFault, double minBound, double drift,
      Long baselineWallSeconds, long p99CeilingSeconds) {

    static Gate of(GateConfig c) {
      String profile = c == null ? SOAK : c.getProfile();
      boolean soak = !RELEASE.equals(profile);
      return new Gate(soak ? SOAK : RELEASE,
          c != null && c.getExpectedRuns() != null ? c.getExpectedRuns() : soak ? 84 : 1,
          c != null && c.getBoundFault() != null ? c.getBoundFault() : "kill_primary_mid_write",
          c != null && c.getMinBound() != null ? c.getMinBound() : 0.995,
          c != null && c.getDrift() != null ? c.getDrift() : soak ? 0.25 : 0,
          c == null ? null : c.getBaselineWallSeconds(),
          c != null && c.getP99WallCeilingSeconds() != null ? c.getP99WallCeilingSeconds()
              : soak ? 1200 : 0);
    }
  }

  /**
   * The gate key of a campaign: {@code <target_name>@<version>}, the version being
   * target_version, else target_ref (the seed's git ref, e.g. v0.6.0); null when neither is
   * known (such a run counts towards no gate).
   */
  static String gateKey(String targetName, String version) {
    return targetName == null || version == null || version.isBlank() ? null
        : targetName + "@" + version;
  }

  /** A final campaign verdict as a run of its gate, or null when it has no gate key. */
  static SoakRun run(CampaignVerdict v, CampaignConfig config, Map<String, FaultBound> bounds) {
    String version = v.getTargetVersion() != null ? v.getTargetVersion() : v.getTargetRef();
    String key = gateKey(v.getTargetName(), version);
    if (key == null) {
      return null;
    }
    Map<String, Double> byFault = new TreeMap<>();
    bounds.forEach((fault, b) -> {
      try {
        byFault.put(fault, Double.parseDouble(b.getBound()));
      } catch (NumberFormatException | NullPointerException e) {
        // no numeric bound (no cycles judged): the run has none for the bound rule
      }
    });
    return SoakRun.newBuilder()
        .setCampaignId(v.getCampaignId())
        .setGateKey(key)
        .setTargetName(v.getTargetName())
        .setTargetVersion(version)
        .setCompletedAt(v.getCompletedAt())
        .setCompletedMs(v.getUpdatedAt().toEpochMilli())
        .setVerdict(v.getVerdict())
        .setOverallPass(v.getOverallPass())
        .setState(v.getState())
        .setBounds(byFault)
        .setWallSeconds(v.getWallSeconds())
        .setReasons(v.getReasons())
        .setPhases(v.getPhases())
        .setGate(config == null ? null : config.getGate())
        .build();
  }

  /** The runs with {@code run} in (replacing an earlier verdict of the same campaign), ordered. */
  static List<SoakRun> add(List<SoakRun> runs, SoakRun run) {
    List<SoakRun> next = new ArrayList<>();
    for (SoakRun r : runs) {
      if (!r.getCampaignId().equals(run.getCampaignId())) {
        next.add(r);
      }
    }
    next.add(run);
    next.sort(Comparator.comparingLong(SoakRun::getCompletedMs)
        .thenComparing(SoakRun::getCampaignId));
    while (next.size() > MAX_RUNS) {
      next.remove(0);
    }
    return next;
  }

  /** The soak verdict of {@code runs} (ordered, non-empty) under {@code gate}. */
  static SoakVerdict judge(List<SoakRun> runs, Gate gate) {
    SoakRun last = runs.get(runs.size() - 1);
    List<String> failed = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    List<Verdict> verdicts = new ArrayList<>();
    int passed = 0;
    Double boundMin = null;
    Double boundMax = null;
    List<Long> walls = new ArrayList<>();
    List<String> noBound = new ArrayList<>();
    List<String> noWall = new ArrayList<>();
    for (SoakRun r : runs) {
      List<String> why = new ArrayList<>();
      if (r.getOverallPass()) {
        passed++;
      } else {
        why.add(r.getState() + " " + r.getVerdict()
            + (r.getReasons().isEmpty() ? "" : " (" + r.getReasons().get(0) + ")"));
      }
      Double b = r.getBounds().get(gate.boundFault());
      if (b == null) {
        noBound.add(r.getCampaignId());
      } else {
        boundMin = boundMin == null ? b : Math.min(boundMin, b);
        boundMax = boundMax == null ? b : Math.max(boundMax, b);
        if (b < gate.minBound()) {
          why.add(gate.boundFault() + " bound " + fmt(b) + " < " + fmt(gate.minBound()));
        }
      }
      if (r.getWallSeconds() == null) {
        noWall.add(r.getCampaignId());
      } else {
        walls.add(r.getWallSeconds());
      }
      if (!why.isEmpty()) {
        failed.add(r.getCampaignId() + ": " + String.join("; ", why));
      }
    }
    List<Long> sorted = new ArrayList<>(walls);
    sorted.sort(null);
    Long median = sorted.isEmpty() ? null : sorted.get((sorted.size() - 1) / 2);
    Long p99 = sorted.isEmpty() ? null
        : sorted.get(Math.max(0, (int) Math.ceil(0.99 * sorted.size()) - 1));
    Long baseline = gate.baselineWallSeconds() != null ? gate.baselineWallSeconds() : median;
    boolean durationRules = gate.drift() > 0 || gate.p99CeilingSeconds() > 0;
    // a red run or a low bound fails the soak for good; the duration rules are judged on the
    // whole window only (its median and p99 move as runs arrive: a FAIL on them before would
    // not be a final one)
    boolean complete = runs.size() >= gate.expectedRuns();
    if (complete && gate.drift() > 0 && baseline != null && baseline > 0) {
      for (SoakRun r : runs) {
        Long w = r.getWallSeconds();
        if (w != null && Math.abs(w - baseline) > gate.drift() * baseline) {
          failed.add(r.getCampaignId() + ": wall time " + w + " s is "
              + String.format(Locale.ROOT, "%+.0f", 100.0 * (w - baseline) / baseline)
              + " % from the baseline " + baseline + " s (band +-"
              + String.format(Locale.ROOT, "%.0f", 100 * gate.drift()) + " %)");
        }
      }
    }
    if (!failed.isEmpty()) {
      verdicts.add(Verdict.FAIL);
      reasons.add(failed.size() + " of " + runs.size() + " runs break the gate: "
          + String.join("; ", failed.subList(0, Math.min(5, failed.size())))
          + (failed.size() > 5 ? "; and " + (failed.size() - 5) + " more" : ""));
    }
    if (complete && gate.p99CeilingSeconds() > 0 && p99 != null
        && p99 > gate.p99CeilingSeconds()) {
      verdicts.add(Verdict.FAIL);
      reasons.add("p99 wall time " + p99 + " s > " + gate.p99CeilingSeconds() + " s");
    }
    if (runs.size() < gate.expectedRuns()) {
      verdicts.add(Verdict.INCOMPLETE);
      reasons.add(runs.size() + " of the " + gate.expectedRuns() + " expected runs");
    }
    if (!noBound.isEmpty()) {
      verdicts.add(Verdict.INCONCLUSIVE);
      reasons.add(noBound.size() + " runs have no " + gate.boundFault() + " bound (e.g. "
          + noBound.get(0) + "): the bound rule cannot be shown");
    }
    if (durationRules && !noWall.isEmpty()) {
      verdicts.add(Verdict.INCONCLUSIVE);
      reasons.add(noWall.size() + " runs have no known wall time (e.g. " + noWall.get(0)
          + "): the duration rules cannot be shown");
    }
    Verdict verdict = Verdicts.worst(verdicts.isEmpty() ? List.of(Verdict.PASS) : verdicts);
    boolean fin = verdict == Verdict.FAIL || complete;
    return SoakVerdict.newBuilder()
        .setGateKey(last.getGateKey())
        .setTargetName(last.getTargetName())
        .setTargetVersion(last.getTargetVersion())
        .setProfile(gate.profile())
        .setVerdict(verdict)
        .setFinal$(fin)
        .setRunsExpected(gate.expectedRuns())
        .setRunsCounted(runs.size())
        .setRunsPassed(passed)
        .setFailedRuns(failed)
        .setReasons(reasons)
        .setBoundFault(gate.boundFault())
        .setMinBound(gate.minBound())
        .setBoundMin(boundMin)
        .setBoundMax(boundMax)
        .setDrift(gate.drift())
        .setBaselineWallSeconds(baseline)
        .setWallMedianSeconds(median)
        .setWallP99Seconds(p99)
        .setP99WallCeilingSeconds(gate.p99CeilingSeconds())
        .setFirstRunAt(runs.get(0).getCompletedAt())
        .setLastRunAt(last.getCompletedAt())
        .setRuns(runs)
        .setUpdatedAt(Instant.ofEpochMilli(runs.stream().mapToLong(SoakRun::getCompletedMs)
            .max().orElse(0)))
        .build();
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.4f", d).replaceAll("0+$", "").replaceAll("\\.$", ".0");
  }
}
