package dev.shipgate.streams;

import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.Thresholds;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.Diagnosis;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.results.VisibilitySummary;
import dev.shipgate.state.CampaignBook;
import dev.shipgate.state.FaultBook;
import dev.shipgate.state.NodeHeld;
import dev.shipgate.state.VisibilityBook;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * A campaign's final judgement, once its evidence is complete: the final fault bounds, the phase
 * verdicts with their seed-shaped artifacts ({@link PhaseRules}) and the campaign verdict
 * ({@link CampaignRules}), all from the state, all stamped with the latest event time of the
 * campaign's evidence, published once.
 */
final class FinalJudge {
  private static final String[] PHASE2_KINDS = {"writes", "counts", "probe1", "probe2",
      "precondition"};

  private final EvidenceStores.Opened stores;

  FinalJudge(EvidenceStores.Opened stores) {
    this.stores = stores;
  }

  /**
   * Where a check is kept for the final judgement ({@code <phase>/...}), or null when it is
   * judged elsewhere (phase 4 tallies and bounds go to the cycle and class books).
   */
  static String checkSlot(CheckResult c) {
    String check = c.getCheck();
    if (c.getPhase() == 1 && "phase1.node".equals(check) && c.getNode() != null) {
      return "1/" + c.getNode();
    }
    if (c.getPhase() == 2 && check.startsWith("phase2.")) {
      return "2/" + check.substring("phase2.".length());
    }
    if (c.getPhase() == 3 && "phase3.migration".equals(check)) {
      return "3/migration";
    }
    if (c.getPhase() == 4 && c.getValues().containsKey("extra_json")) {
      return "4/extra/" + check + "/" + c.getFault() + "/" + c.getCycle();
    }
    return null;
  }

  /** The campaign verdict and the final fault bounds it was judged on, by class. */
  record Judgement(CampaignVerdict verdict, Map<String, FaultBound> bounds) {}

  /** Publishes the final records through {@code emit} and returns what they say. */
  Judgement finalize(String campaign, CampaignBook book,
      BiConsumer<String, SpecificRecord> emit) {
    CampaignConfig config = Evidence.config(book);
    Thresholds t = Evidence.thresholds(book);
    Instant time = Instant.ofEpochMilli(book.getMaxEventTime());

    Map<String, FaultBound> bounds = new LinkedHashMap<>();
    Map<String, String> diagnoses = new LinkedHashMap<>();
    List<String> classes = new ArrayList<>(config == null ? List.of() : config.getFaults());
    for (String f : book.getFaultsSeen()) {
      if (!classes.contains(f)) {
        classes.add(f);
      }
    }
    for (String fault : classes) {
      FaultBook fb = stores.faults().get(Keys.fault(campaign, fault));
      if (fb == null) {
        continue;
      }
      FaultBound b = ConvergenceRules.bound(campaign, fb, config, t, false);
      VisibilityBook vb = stores.visibility().get(Keys.fault(campaign, fault));
      if (vb != null) {
        VisibilitySummary summary = VisibilityRules.summary(campaign, fault, vb, config, false);
        emit.accept(Keys.fault(campaign, fault), summary);
        if (summary.getDiagnosis() != Diagnosis.NONE
            && summary.getDiagnosis() != Diagnosis.UNKNOWN) {
          diagnoses.put(fault, fault + ": " + summary.getDiagnosisText());
        }
        if (b != null) {
          slowness(b, summary, t.getVisibilityP99Ms());
        }
      }
      if (b != null) {
        bounds.put(fault, b);
        emit.accept(Keys.fault(campaign, fault), b);
      }
    }

    Map<String, PhaseVerdict> phases = new TreeMap<>();
    Map<String, CheckResult> checks = new TreeMap<>();
    try (KeyValueIterator<String, CheckResult> it =
        stores.checks().prefixScan(Keys.prefix(campaign), new StringSerializer())) {
      it.forEachRemaining(kv -> checks.put(kv.key.substring(campaign.length() + 1), kv.value));
    }
    List<String> nodes = config == null ? List.of() : config.getNodes();

    Map<String, PhaseVerdict> nodeVerdicts = new TreeMap<>();
    checks.forEach((slot, c) -> {
      if (slot.startsWith("1/")) {
        PhaseVerdict v = PhaseRules.phase1Node(campaign, c.getNode(), c, t, time);
        nodeVerdicts.put(c.getNode(), v);
        phases.put(Keys.phase1Node(campaign, c.getNode()), v);
      }
    });
    put(phases, Keys.phase(campaign, 1), PhaseRules.phase1(campaign, nodes, nodeVerdicts, time));

    boolean phase2Writes = book.getP2Ok() + book.getP2Quorum() + book.getP2Fail() > 0;
    put(phases, Keys.phase(campaign, 2), PhaseRules.phase2(campaign, nodes, t,
        checks.get("2/writes"),
        phase2Writes ? new PhaseRules.Tally(book.getP2Ok(), book.getP2Quorum(), book.getP2Fail())
            : null,
        checks.get("2/counts"), ownPhase2Counts(campaign, book), checks.get("2/probe1"),
        checks.get("2/probe2"), checks.get("2/precondition"), time));

    put(phases, Keys.phase(campaign, 3), PhaseRules.phase3(campaign, t,
        checks.get("3/migration"), time));

    List<CheckResult> extras = new ArrayList<>();
    checks.forEach((slot, c) -> {
      if (slot.startsWith("4/extra/")) {
        extras.add(c);
      }
    });
    put(phases, Keys.phase(campaign, 4), PhaseRules.phase4(campaign, config,
        book.getFaultsSeen(), bounds, diagnoses, extras, time));

    phases.forEach(emit);
    CampaignVerdict verdict = CampaignRules.finalVerdict(campaign, book.getStarted(),
        book.getEnd(), book.getEnd().getManifest(), phases, time);
    emit.accept(campaign, verdict);
    return new Judgement(verdict, bounds);
  }

  /**
   * A campaign that sets thresholds.visibility_p99_ms fails a class whose p99 visibility latency
   * is above it, whatever its bound (the seed's pass, {@code seed_pass}, is left as it is).
   */
  static void slowness(FaultBound b, VisibilitySummary summary, Long thresholdMs) {
    if (thresholdMs == null || summary.getP99Ms() == null || summary.getP99Ms() <= thresholdMs) {
      return;
    }
    String why = b.getFault() + ": p99 visibility " + summary.getP99Ms() + " ms > "
        + thresholdMs + " ms (thresholds.visibility_p99_ms)";
    switch (b.getVerdict()) {
      case PASS, INCONCLUSIVE -> {
        b.setVerdict(Verdict.FAIL);
        b.setReason(why);
      }
      case FAIL -> b.setReason(b.getReason() == null ? why : b.getReason() + "; "
          + why.substring(b.getFault().length() + 2));
      default -> { }
    }
  }

  /**
   * Phase 2's final observation as counts per node: where a node listed ids, only the ids the
   * campaign wrote in phase 2.
   */
  private Map<String, Long> ownPhase2Counts(String campaign, CampaignBook book) {
    if (book.getP2Observed() == null) {
      return null;
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    for (NodeHeld n : book.getP2Observed()) {
      if (n.getIds() == null) {
        counts.put(n.getNode(), n.getCount());
      } else {
        counts.put(n.getNode(), n.getIds().stream().distinct()
            .filter(id -> stores.phase2().get(campaign + "/p2/" + id) != null).count());
      }
    }
    return counts;
  }

  private static void put(Map<String, PhaseVerdict> phases, String key, PhaseVerdict v) {
    if (v != null) {
      phases.put(key, v);
    }
  }
}
