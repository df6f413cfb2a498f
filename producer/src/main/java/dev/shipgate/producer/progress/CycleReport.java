package dev.shipgate.producer.progress;

import java.util.List;
import java.util.Map;

/**
 * What one phase 4 cycle did, as the driver saw it (the verdict is Streams' job).
 *
 * @param fault fault class
 * @param cycle cycle number, from 1
 * @param cycles cycles per fault class
 * @param ok acknowledged writes
 * @param quorumNotMet refused writes
 * @param fail failed writes
 * @param indeterminate writes without an answer
 * @param faultAction INJECTED, NOT_APPLIED, or null when the fault was never reached
 * @param polls observations published during the settle
 * @param converged every live node held every acked write at the final observation
 * @param missing per node, the acked write ids it did not hold at the final observation
 */
public record CycleReport(String fault, int cycle, int cycles, int ok, int quorumNotMet, int fail,
    int indeterminate, String faultAction, int polls, boolean converged,
    Map<String, List<String>> missing) {

  public int failed() {
    return quorumNotMet + fail + indeterminate;
  }
}
