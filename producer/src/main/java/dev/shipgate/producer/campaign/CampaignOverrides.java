package dev.shipgate.producer.campaign;

import java.util.List;

/**
 * Command-line overrides of a campaign file, applied after it is read and validated exactly like
 * the file's own values (messages name the key path and the option, e.g.
 * {@code phase4.cycles (--cycles): expected an integer >= 1, got 0}). Null means "not given".
 *
 * @param campaignId --campaign-id
 * @param cycles --cycles (phase4.cycles)
 * @param writes --writes (phase4.writes_per_cycle)
 * @param concurrency --concurrency (phase4.concurrency)
 * @param faults --faults a,b (phase4.faults)
 * @param phases --phases 2,4 (phases)
 * @param nodes --nodes a@127.0.0.11:2222,... : name, address and optionally SSH port of each node,
 *     by index; the other node settings come from the file
 */
public record CampaignOverrides(String campaignId, Integer cycles, Integer writes,
    Integer concurrency, List<String> faults, List<Integer> phases, List<String> nodes) {

  public static CampaignOverrides none() {
    return new CampaignOverrides(null, null, null, null, null, null, null);
  }

  public CampaignOverrides withCampaignId(String id) {
    return new CampaignOverrides(id, cycles, writes, concurrency, faults, phases, nodes);
  }

  public CampaignOverrides withCycles(Integer n) {
    return new CampaignOverrides(campaignId, n, writes, concurrency, faults, phases, nodes);
  }

  public CampaignOverrides withWrites(Integer n) {
    return new CampaignOverrides(campaignId, cycles, n, concurrency, faults, phases, nodes);
  }

  public CampaignOverrides withConcurrency(Integer n) {
    return new CampaignOverrides(campaignId, cycles, writes, n, faults, phases, nodes);
  }

  public CampaignOverrides withFaults(List<String> f) {
    return new CampaignOverrides(campaignId, cycles, writes, concurrency, f, phases, nodes);
  }

  public CampaignOverrides withPhases(List<Integer> p) {
    return new CampaignOverrides(campaignId, cycles, writes, concurrency, faults, p, nodes);
  }

  public CampaignOverrides withNodes(List<String> n) {
    return new CampaignOverrides(campaignId, cycles, writes, concurrency, faults, phases, n);
  }
}
