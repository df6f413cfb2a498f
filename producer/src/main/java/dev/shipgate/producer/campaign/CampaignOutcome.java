package dev.shipgate.producer.campaign;

import dev.shipgate.producer.progress.CycleReport;
import java.util.List;
import java.util.Map;

/**
 * How a campaign run ended, as the driver saw it. Not a verdict: Streams judges the events.
 *
 * @param campaignId the campaign
 * @param started true once STARTED was published (false when the lease was refused)
 * @param completed true when every enabled phase ran to its end and FINISHED was published
 * @param abortReason why it was aborted (Ctrl-C, an error), null when completed
 * @param cycles what each phase 4 cycle did, in run order
 * @param probes phase 2 probe statuses by check name (phase2.probe1 → "201")
 * @param problems what kept the campaign from measuring what it claims, one line each (a node
 *     unreachable, a namespace not empty, a fault not applied, a check that could not run); a
 *     run with problems exits non-zero
 */
public record CampaignOutcome(String campaignId, boolean started, boolean completed, String abortReason,
    List<CycleReport> cycles, Map<String, String> probes, List<String> problems) {

  public CampaignOutcome {
    problems = List.copyOf(problems);
  }
}
