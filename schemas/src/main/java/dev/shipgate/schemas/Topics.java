package dev.shipgate.schemas;

import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.events.Observation;
import dev.shipgate.events.WriteResult;
import dev.shipgate.results.Alert;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.DeadLetter;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.SoakVerdict;
import dev.shipgate.results.VisibilitySummary;
import dev.shipgate.schemas.serde.TrustedAvroClasses;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * The one typed registry of shipgate's topics, shared by the driver, the importer, Streams, the
 * sink, the local stack and every test.
 *
 * <p>Input topics are keyed by campaign id, so everything one campaign needs is co-partitioned, and
 * keep their records forever ({@code retention.ms=-1}) so any campaign can be re-analysed by
 * replaying them. Output topics are compacted: the latest record per key is the current state.
 */
public final class Topics {
  private Topics() {}

  static {
    TrustedAvroClasses.install();
  }

  /** Partitions of every topic: enough to spread campaigns, few enough for a one-broker stack. */
  public static final int PARTITIONS = 3;

  private static final Map<String, String> RETAIN_FOREVER =
      Map.of("cleanup.policy", "delete", "retention.ms", "-1");
  /**
   * Compaction that compacts on a busy broker: the cleaner never touches the active segment, and
   * the default segment (1 GiB or 7 days) never rolls, so the default topic keeps every update
   * (60k campaign-verdict records were seen for ~100 campaigns). A segment rolls after a minute
   * or 8 MiB, and is cleaned once a tenth of the log is dirty: a compacted output stays near one
   * record per key plus at most one segment per partition of recent updates.
   */
  private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact",
      "segment.ms", "60000", "segment.bytes", String.valueOf(8 << 20),
      "min.cleanable.dirty.ratio", "0.1", "min.compaction.lag.ms", "0");
  private static final Map<String, String> DELETE_30_DAYS =
      Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(30L * 24 * 3600 * 1000));

  public static final Topic<String, CampaignEvent> CAMPAIGNS = Topic.keyedByString(
      "shipgate.campaigns", CampaignEvent.class, PARTITIONS, "delete", RETAIN_FOREVER,
      "Campaign lifecycle: started (with configuration), finished, aborted. Key: campaign id.");
  public static final Topic<String, WriteResult> WRITES = Topic.keyedByString(
      "shipgate.writes", WriteResult.class, PARTITIONS, "delete", RETAIN_FOREVER,
      "One record per write to the system under test. Key: campaign id.");
  public static final Topic<String, FaultEvent> FAULTS = Topic.keyedByString(
      "shipgate.faults", FaultEvent.class, PARTITIONS, "delete", RETAIN_FOREVER,
      "Faults injected, healed or not applied, with evidence. Key: campaign id.");
  public static final Topic<String, Observation> OBSERVATIONS = Topic.keyedByString(
      "shipgate.observations", Observation.class, PARTITIONS, "delete", RETAIN_FOREVER,
      "Per-node counts and ids at each poll. Key: campaign id.");
  public static final Topic<String, CheckResult> CHECKS = Topic.keyedByString(
      "shipgate.checks", CheckResult.class, PARTITIONS, "delete", RETAIN_FOREVER,
      "Check results: phase 1 node reports, phase 2 probes and tallies, phase 3 migration reports,"
          + " imported phase 4 tallies and bounds. Key: campaign id.");

  public static final Topic<String, CycleConvergence> CYCLE_CONVERGENCE = Topic.keyedByString(
      "shipgate.cycle-convergence", CycleConvergence.class, PARTITIONS, "compact", COMPACTED,
      "Per-cycle convergence (one run-chaos.sh JSONL line). Key: <campaign>/<fault>/<cycle>.");
  public static final Topic<String, FaultBound> FAULT_BOUNDS = Topic.keyedByString(
      "shipgate.fault-bounds", FaultBound.class, PARTITIONS, "compact", COMPACTED,
      "Convergence bound per fault class, updated every cycle. Key: <campaign>/<fault>.");
  public static final Topic<String, VisibilitySummary> VISIBILITY = Topic.keyedByString(
      "shipgate.visibility", VisibilitySummary.class, PARTITIONS, "compact", COMPACTED,
      "Slow or lost: visibility latency per node, set-checker counts and write windows per fault"
          + " class, updated every cycle. Key: <campaign>/<fault>.");
  public static final Topic<String, PhaseVerdict> PHASE_VERDICTS = Topic.keyedByString(
      "shipgate.phase-verdicts", PhaseVerdict.class, PARTITIONS, "compact", COMPACTED,
      "Phase verdicts with the seed-shaped artifact. Key: <campaign>/<phase>[/<node>].");
  public static final Topic<String, CampaignVerdict> CAMPAIGN_VERDICTS = Topic.keyedByString(
      "shipgate.campaign-verdicts", CampaignVerdict.class, PARTITIONS, "compact", COMPACTED,
      "Campaign verdicts under the strict rule, with campaign-summary.json. Key: campaign id.");
  public static final Topic<String, SoakVerdict> SOAK_VERDICTS = Topic.keyedByString(
      "shipgate.soak-verdicts", SoakVerdict.class, PARTITIONS, "compact", COMPACTED,
      "Cross-run (soak) verdict per target version, updated as its runs' final verdicts arrive."
          + " Key: <target_name>@<version>.");
  public static final Topic<String, Alert> ALERTS = Topic.keyedByString(
      "shipgate.alerts", Alert.class, PARTITIONS, "delete", DELETE_30_DAYS,
      "Final non-PASS verdicts, thresholds breached, faults not applied, stalled and abandoned"
          + " campaigns, soak regressions, dead letters. Key: campaign id (soak: gate key).");
  public static final Topic<String, DeadLetter> DEAD_LETTERS = Topic.keyedByString(
      "shipgate.dead-letters", DeadLetter.class, PARTITIONS, "delete", RETAIN_FOREVER,
      "Events that could not be processed, with the original bytes and the reason. Key: original key.");

  /** Topics the driver and the importer write. */
  public static List<Topic<String, ? extends SpecificRecord>> inputs() {
    return List.of(CAMPAIGNS, WRITES, FAULTS, OBSERVATIONS, CHECKS);
  }

  /** Topics Streams writes. */
  public static List<Topic<String, ? extends SpecificRecord>> outputs() {
    return List.of(CYCLE_CONVERGENCE, FAULT_BOUNDS, VISIBILITY, PHASE_VERDICTS, CAMPAIGN_VERDICTS,
        SOAK_VERDICTS, ALERTS, DEAD_LETTERS);
  }

  /** Every topic, inputs first. */
  public static List<Topic<String, ? extends SpecificRecord>> all() {
    return List.of(CAMPAIGNS, WRITES, FAULTS, OBSERVATIONS, CHECKS, CYCLE_CONVERGENCE,
        FAULT_BOUNDS, VISIBILITY, PHASE_VERDICTS, CAMPAIGN_VERDICTS, SOAK_VERDICTS, ALERTS,
        DEAD_LETTERS);
  }
}
