package dev.shipgate.producer.campaign;

import dev.shipgate.events.CheckResult;
import java.util.List;

/**
 * The checks of phases 1 and 3 (a check profile: per-node assertions for phase 1, the migration
 * round trip for phase 3). The runner publishes what they return; Streams judges.
 *
 * <p>Contract: return {@code phase1.node} CheckResults (one per node) for phase 1 and a
 * {@code phase3.migration} CheckResult for phase 3, with the metric names CheckResult.avsc
 * documents. A check that could not produce a result returns a CheckResult with {@code error}
 * set rather than throwing; if an implementation throws anyway, the runner publishes one
 * CheckResult per expected check with the exception text as error (the phase is then
 * INCOMPLETE, never PASS).
 */
public interface PhaseChecks {

  /** Runs the checks of {@code phase} (1 or 3). */
  List<CheckResult> run(int phase, CheckContext context);
}
