package dev.shipgate.streams;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.EventSource;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.PhaseSummary;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.SeedJson;
import dev.shipgate.schemas.Verdicts;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The campaign verdict under the strict rule: PASS only when every phase in
 * {@code config.phases_enabled} is PASS. Given once, when everything the campaign's end event
 * announced has been judged ({@link #finalVerdict}); before that the verdict is PENDING
 * ({@link #pending}), never PASS, FAIL or NOT_RUN.
 *
 * <p>A phase without a verdict is NOT_RUN when the manifest says nothing was published for it (or
 * there is no manifest: events from before manifests); INCOMPLETE when evidence was announced but
 * gave no verdict. Once the campaign was ABORTED, a phase without a verdict, NOT_RUN or
 * INCONCLUSIVE was cut short and is INCOMPLETE, and the campaign is at best INCOMPLETE. Without a
 * STARTED event the campaign is never PASS.
 */
final class CampaignRules {
  private CampaignRules() {}

  private static final DateTimeFormatter COMPLETED_AT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  /**
   * The verdict while evidence is still to come: RUNNING (no end event) or FINISHING (the end
   * event is in, some of what it announced is not), verdict PENDING.
   *
   * @param judged events judged so far, announced: events the end event announced (0 when none)
   */
  /** The state of a campaign not judged yet: FINISHING once it ended, else RUNNING. */
  static CampaignState pendingState(CampaignEvent started, CampaignEvent end) {
    return end != null ? CampaignState.FINISHING
        : started != null ? CampaignState.RUNNING : CampaignState.UNKNOWN;
  }

  static CampaignVerdict pending(String campaign, CampaignEvent started, CampaignEvent end,
      long judged, long announced, Instant time) {
    CampaignConfig config = started == null ? null : started.getConfig();
    CampaignState state = pendingState(started, end);
    List<PhaseSummary> phases = new ArrayList<>();
    if (config != null) {
      for (int phase : config.getPhasesEnabled()) {
        phases.add(PhaseSummary.newBuilder().setPhase(phase).setVerdict(Verdict.PENDING)
            .setReasons(List.of()).build());
      }
    }
    String why = end == null ? (started == null ? "no campaign-started event yet"
        : "campaign running") : started == null ? "ended, but no campaign-started event yet"
        : "ended; " + judged + " of the " + announced + " events it announced judged so far";
    ObjectNode summary = summary(campaign, config, null, false);
    return CampaignVerdict.newBuilder()
        .setCampaignId(campaign)
        .setState(state)
        .setVerdict(Verdict.PENDING)
        .setOverallPass(false)
        .setTargetName(config == null ? null : config.getTargetName())
        .setTargetVersion(config == null ? null : config.getTargetVersion())
        .setTargetRef(config == null ? null : config.getTargetRef())
        .setCompletedAt(null)
        .setPhases(phases)
        .setReasons(List.of("pending: " + why))
        .setSummaryJson(SeedJson.compact(summary))
        .setUpdatedAt(time)
        .build();
  }

  /**
   * The final verdict over the campaign's phase verdicts (keyed by output key).
   *
   * @param started the STARTED event, or null
   * @param end the FINISHED or ABORTED event
   * @param manifest what the end event announced, null when it announced nothing
   */
  static CampaignVerdict finalVerdict(String campaign, CampaignEvent started, CampaignEvent end,
      Map<String, Long> manifest, Map<String, PhaseVerdict> byKey, Instant time) {
    CampaignConfig config = started == null ? null : started.getConfig();
    boolean aborted = end.getType() == CampaignEventType.ABORTED;
    CampaignState state = aborted ? CampaignState.ABORTED : CampaignState.FINISHED;
    List<String> nodes = new ArrayList<>(config == null ? List.of() : config.getNodes());
    for (PhaseVerdict v : byKey.values()) {
      if (v.getPhase() == 1 && v.getNode() != null && !nodes.contains(v.getNode())) {
        nodes.add(v.getNode());
      }
    }
    List<PhaseSummary> summaries = new ArrayList<>();
    List<Verdict> verdicts = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    String abortNote = aborted ? "campaign aborted"
        + (end.getReason() == null ? "" : ": " + end.getReason()) : null;
    if (config == null) {
      verdicts.add(Verdict.INCOMPLETE);
      reasons.add("no campaign-started event");
    } else {
      for (int phase : config.getPhasesEnabled()) {
        PhaseVerdict whole = byKey.get(Keys.phase(campaign, phase));
        boolean announced = announced(manifest, phase);
        String missingWhy = aborted ? "no verdict, " + abortNote
            : announced ? "evidence was published but gave no verdict"
                : manifest == null ? "not run" : "not run: no evidence was published for it";
        Verdict v = whole == null ? (aborted || announced ? Verdict.INCOMPLETE : Verdict.NOT_RUN)
            : whole.getVerdict();
        // a phase whose evidence is missing or too thin when the campaign was aborted was cut
        // short: INCOMPLETE, not NOT_RUN or INCONCLUSIVE
        boolean cutShort = aborted && whole != null
            && (v == Verdict.NOT_RUN || v == Verdict.INCONCLUSIVE);
        if (cutShort) {
          v = Verdict.INCOMPLETE;
        }
        verdicts.add(v);
        if (whole == null) {
          reasons.add("phase " + phase + ": " + missingWhy);
        } else {
          for (String r : whole.getReasons()) {
            reasons.add("phase " + phase + ": " + r);
          }
          if (cutShort) {
            reasons.add("phase " + phase + ": " + abortNote);
          }
        }
        if (phase == 1 && !config.getNodes().isEmpty()) {
          for (String node : config.getNodes()) {
            PhaseVerdict nv = byKey.get(Keys.phase1Node(campaign, node));
            summaries.add(PhaseSummary.newBuilder()
                .setPhase(1)
                .setNode(node)
                .setVerdict(nv != null ? nv.getVerdict()
                    : aborted || whole != null || announced ? Verdict.INCOMPLETE
                        : Verdict.NOT_RUN)
                .setReasons(nv != null ? nv.getReasons()
                    : List.of(whole != null ? "node-" + node + " report missing" : missingWhy))
                .build());
          }
        } else {
          List<String> phaseReasons = new ArrayList<>(whole != null ? whole.getReasons()
              : List.of(missingWhy));
          if (cutShort) {
            phaseReasons.add(abortNote);
          }
          summaries.add(PhaseSummary.newBuilder()
              .setPhase(phase)
              .setVerdict(v)
              .setReasons(phaseReasons)
              .build());
        }
      }
      if (config.getPhasesEnabled().isEmpty()) {
        verdicts.add(Verdict.NOT_RUN);
        reasons.add("no phases enabled");
      }
    }
    if (aborted) {
      // an aborted campaign did not run what it was configured to run: never PASS
      verdicts.add(Verdict.INCOMPLETE);
      if (reasons.isEmpty()) {
        reasons.add(abortNote);
      }
    }
    Verdict verdict = Verdicts.worst(verdicts);
    boolean pass = verdict == Verdict.PASS;
    String completedAt = COMPLETED_AT.format(end.getEventTime().truncatedTo(ChronoUnit.SECONDS));
    ObjectNode summary = summary(campaign, config, completedAt, pass);
    ArrayNode artifacts = summary.withArray("phases");
    for (String node : nodes) {
      addArtifact(artifacts, byKey.get(Keys.phase1Node(campaign, node)));
    }
    for (int phase = 2; phase <= 4; phase++) {
      addArtifact(artifacts, byKey.get(Keys.phase(campaign, phase)));
    }
    if (config != null) {
      PhaseRules.appendExtras(summary, config.getExtraJson());
    }
    return CampaignVerdict.newBuilder()
        .setCampaignId(campaign)
        .setState(state)
        .setVerdict(verdict)
        .setOverallPass(pass)
        .setTargetName(config == null ? null : config.getTargetName())
        .setTargetVersion(config == null ? null : config.getTargetVersion())
        .setTargetRef(config == null ? null : config.getTargetRef())
        .setCompletedAt(completedAt)
        .setStartedAt(startedAt(started))
        .setWallSeconds(wallSeconds(started, end))
        .setPhases(summaries)
        .setReasons(pass ? List.of() : reasons)
        .setSummaryJson(SeedJson.compact(summary))
        .setUpdatedAt(time)
        .build();
  }

  /**
   * When the campaign started: a live driver's STARTED event time; for an import, the earliest
   * started_at of its artifacts (the import's event times are synthetic); else null.
   */
  static Instant startedAt(CampaignEvent started) {
    if (started == null) {
      return null;
    }
    if (started.getSource() == EventSource.LIVE) {
      return started.getEventTime();
    }
    String imported = started.getConfig() == null ? null
        : started.getConfig().getSettings().get(IMPORTED_STARTED_AT);
    try {
      return imported == null ? null : Instant.parse(imported);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /** Whole seconds from the start to the end event, null when the start is unknown. */
  static Long wallSeconds(CampaignEvent started, CampaignEvent end) {
    Instant from = startedAt(started);
    if (from == null || end == null || end.getEventTime().isBefore(from)) {
      return null;
    }
    return java.time.Duration.between(from, end.getEventTime()).getSeconds();
  }

  /** The setting an import's STARTED event carries its artifacts' earliest started_at in. */
  static final String IMPORTED_STARTED_AT = "imported_started_at";

  /** Whether the manifest announces any evidence of {@code phase}. */
  static boolean announced(Map<String, Long> manifest, int phase) {
    if (manifest == null) {
      return false;
    }
    String prefix = phase + "/";
    return manifest.entrySet().stream()
        .anyMatch(e -> e.getKey().startsWith(prefix) && e.getValue() != null && e.getValue() > 0);
  }

  /** The seed's campaign-summary.json, phases array empty. */
  private static ObjectNode summary(String campaign, CampaignConfig config, String completedAt,
      boolean pass) {
    ObjectNode summary = SeedJson.object();
    summary.put("campaign_id", campaign);
    if (config == null || config.getTargetRef() == null) {
      summary.putNull("ai_memory_git_ref");
    } else {
      summary.put("ai_memory_git_ref", config.getTargetRef());
    }
    if (completedAt == null) {
      summary.putNull("completed_at");
    } else {
      summary.put("completed_at", completedAt);
    }
    summary.put("overall_pass", pass);
    summary.putArray("phases");
    return summary;
  }

  private static void addArtifact(ArrayNode artifacts, PhaseVerdict v) {
    if (v != null && v.getDetailsJson() != null) {
      artifacts.add(SeedJson.parse(v.getDetailsJson()));
    }
  }
}
