package dev.shipgate.producer.importer;

import dev.shipgate.events.GateConfig;
import java.util.List;

/**
 * Options of one import.
 *
 * @param campaignId imports the run under this campaign id instead of the one in its
 *     campaign-summary.json (the demo imports the sample under a fresh id); required to import a
 *     single JSONL file; allowed only when the path holds one run. Null: from the artifacts.
 * @param phasesEnabled the phases the campaign must have evidence for; null: the seed protocol's
 *     {@code [1, 2, 3, 4]}
 * @param targetName the system under test; null: {@code ai-memory}
 * @param followSymlinks follow symbolic links that stay inside the import root (default: refuse
 *     every link, with a line each)
 */
public record ImportOptions(String campaignId, List<Integer> phasesEnabled, String targetName,
    boolean followSymlinks, GateConfig gate) {

  /** No gate: the imported runs count towards the built-in soak profile of their version. */
  public ImportOptions(String campaignId, List<Integer> phasesEnabled, String targetName,
      boolean followSymlinks) {
    this(campaignId, phasesEnabled, targetName, followSymlinks, null);
  }

  /** The seed protocol's phases. */
  public static final List<Integer> SEED_PHASES = List.of(1, 2, 3, 4);

  /** The seed's system under test. */
  public static final String SEED_TARGET = "ai-memory";

  public ImportOptions {
    phasesEnabled = phasesEnabled == null ? null : List.copyOf(phasesEnabled);
    if (phasesEnabled != null) {
      for (Integer phase : phasesEnabled) {
        if (phase < 1 || phase > 4) {
          throw new IllegalArgumentException("phases_enabled: phase " + phase
              + " is not one of 1, 2, 3, 4");
        }
      }
    }
    if (targetName != null && targetName.isBlank()) {
      throw new IllegalArgumentException("target name must not be blank");
    }
  }

  /** No overrides: everything from the artifacts and the seed protocol. */
  public static ImportOptions defaults() {
    return new ImportOptions(null, null, null, false);
  }

  public ImportOptions withCampaignId(String id) {
    return new ImportOptions(id, phasesEnabled, targetName, followSymlinks, gate);
  }

  public ImportOptions withPhasesEnabled(List<Integer> phases) {
    return new ImportOptions(campaignId, phases, targetName, followSymlinks, gate);
  }

  public ImportOptions withTargetName(String name) {
    return new ImportOptions(campaignId, phasesEnabled, name, followSymlinks, gate);
  }

  public ImportOptions withFollowSymlinks(boolean follow) {
    return new ImportOptions(campaignId, phasesEnabled, targetName, follow, gate);
  }

  /** The cross-run gate the imported runs' STARTED config names (null: the built-in soak). */
  public ImportOptions withGate(GateConfig g) {
    return new ImportOptions(campaignId, phasesEnabled, targetName, followSymlinks, g);
  }

  List<Integer> effectivePhases() {
    return phasesEnabled == null ? SEED_PHASES : phasesEnabled;
  }

  String effectiveTargetName() {
    return targetName == null ? SEED_TARGET : targetName;
  }
}
