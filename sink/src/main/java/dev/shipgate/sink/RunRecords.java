package dev.shipgate.sink;

import dev.shipgate.events.FaultEvent;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.VisibilitySummary;
import java.util.List;
import java.util.Objects;

/**
 * The latest result records of one campaign, as Streams last published them, plus the driver's
 * fault events: everything {@link RunArtifactsWriter} needs to write {@code runs/<campaign-id>/}.
 *
 * @param campaignId the campaign id (validated by the writer, never trusted)
 * @param verdict the campaign verdict, or {@code null} while Streams has not published one
 * @param phases phase verdicts: phase 1 per node (and the phase 1 aggregate), 2, 3, 4
 * @param bounds per-fault convergence bounds
 * @param cycles per-cycle convergence records
 * @param faults the fault events (phase 2 probes, phase 4 cycles), one per event id, in arrival
 *     order
 * @param visibility per-fault visibility summaries (slow or lost)
 */
public record RunRecords(String campaignId, CampaignVerdict verdict, List<PhaseVerdict> phases,
    List<FaultBound> bounds, List<CycleConvergence> cycles, List<FaultEvent> faults,
    List<VisibilitySummary> visibility) {

  public RunRecords {
    phases = List.copyOf(Objects.requireNonNull(phases, "phases"));
    bounds = List.copyOf(Objects.requireNonNull(bounds, "bounds"));
    cycles = List.copyOf(Objects.requireNonNull(cycles, "cycles"));
    faults = List.copyOf(Objects.requireNonNull(faults, "faults"));
    visibility = List.copyOf(Objects.requireNonNull(visibility, "visibility"));
  }

  /** The records of a campaign without visibility summaries (an imported run). */
  public RunRecords(String campaignId, CampaignVerdict verdict, List<PhaseVerdict> phases,
      List<FaultBound> bounds, List<CycleConvergence> cycles, List<FaultEvent> faults) {
    this(campaignId, verdict, phases, bounds, cycles, faults, List.of());
  }

  /** The records of a campaign without fault events (an imported run, or none received yet). */
  public RunRecords(String campaignId, CampaignVerdict verdict, List<PhaseVerdict> phases,
      List<FaultBound> bounds, List<CycleConvergence> cycles) {
    this(campaignId, verdict, phases, bounds, cycles, List.of());
  }
}
