package dev.shipgate.streams;

import dev.shipgate.events.WriteOutcome;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.state.CycleBook;
import dev.shipgate.state.CycleDigest;
import dev.shipgate.state.VisibilityBook;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Judges a phase 4 cycle once its evidence is complete: its {@link CycleConvergence} published,
 * its per-write state dropped, and what it adds to its fault class, a {@link CycleDigest}, handed
 * to its class's books wherever they are (the campaign judge's {@link ClassBooks}). A cycle is
 * complete when its final observation and every write and fault event that observation announced
 * are in, or its imported tally and observation.
 *
 * <p>The digest is all the class needs of a cycle, so the cycle can be judged where its evidence
 * is and the class kept elsewhere (docs/cycle-tasks.md). Before the cycle task knows the
 * campaign's configuration, a cycle's convergence is sized by the nodes its polls named.
 */
final class CycleJudge {
  private final OpenWrites writes;
  private final Decoded<CycleBook> cycles;
  private final ToIntFunction<String> configuredNodes;
  private final Consumer<CycleDigest> judged;
  private final Sends out;

  /**
   * @param configuredNodes a campaign's configured nodes, 0 when unknown
   * @param judged where a judged cycle's digest goes
   */
  CycleJudge(OpenWrites writes, Decoded<CycleBook> cycles, ToIntFunction<String> configuredNodes,
      Consumer<CycleDigest> judged, Sends out) {
    this.writes = writes;
    this.cycles = cycles;
    this.configuredNodes = configuredNodes;
    this.judged = judged;
    this.out = out;
  }

  /** Judges the cycle when its evidence is complete (see the class doc). */
  void closeIfComplete(String campaign, String key, CycleBook cb) {
    if (cb.getClosed() || cb.getNodes() == null) {
      return;
    }
    long distinct = writes.tallyOrEmpty(WriteTally.ofCycle(key)).distinct;
    boolean imported = cb.getTallyOk() != null && distinct == 0;
    boolean faultsIn = cb.getExpectedFaults() == null
        || VisibilityRules.faultEventsUpToFinal(cb) >= cb.getExpectedFaults();
    boolean complete = imported || (cb.getExpectedWrites() != null
        && distinct >= cb.getExpectedWrites() && faultsIn);
    if (complete) {
      close(campaign, key, cb);
    }
  }

  /**
   * A cycle's final observation or imported tally, or the campaign's end event, is in: from now on
   * a write may complete what {@code tallyKey} tallies.
   */
  void markCompletable(String tallyKey) {
    WriteTally tally = writes.tally(tallyKey);
    if (tally != null && !tally.completable) {
      tally.completable = true;
      writes.put(tallyKey, tally);
    }
  }

  /**
   * At finalization: the cycles that never had what they announced (an aborted cycle, a legacy
   * cycle without an announcement) are judged on what there is if they have a final observation;
   * the others stay open and are not counted.
   */
  void closeRemaining(String campaign) {
    List<Map.Entry<String, CycleBook>> open = new ArrayList<>();
    for (Map.Entry<String, CycleBook> e : cycles.scan(Keys.prefix(campaign))) {
      if (!e.getValue().getClosed() && e.getValue().getNodes() != null) {
        open.add(e);
      }
    }
    for (Map.Entry<String, CycleBook> e : open) {
      close(campaign, e.getKey(), e.getValue());
    }
  }

  /** The cycle judged: its convergence out, its per-write state dropped, its digest folded. */
  private void close(String campaign, String key, CycleBook cb) {
    WriteTally tally = writes.tallyOrEmpty(WriteTally.ofCycle(key));
    cb.setSeenWrites(tally.distinct);
    cb.setMaxEventTime(Math.max(cb.getMaxEventTime(), tally.maxEventTime));
    Map<String, WriteRecord> records = CycleWrites.ofKey(writes, key).takeAll();
    Map<String, WriteOutcome> outcomes = new HashMap<>();
    records.forEach((id, r) -> outcomes.put(id, r.outcome()));
    CycleConvergence cc = ConvergenceRules.cycle(campaign, cb, outcomes,
        configuredNodes.applyAsInt(campaign));
    VisibilityBook contribution = null;
    if (!records.isEmpty()) {
      // slow or lost: the set checker's lists on the cycle, its points into the class's book
      VisibilityRules.CycleSets sets = VisibilityRules.cycle(cb, records);
      cc.setRecoveredIds(new LinkedHashMap<>(sets.recovered()));
      cc.setUnexpectedIds(new LinkedHashMap<>(sets.unexpected()));
      cc.setDuplicatedIds(new LinkedHashMap<>(sets.duplicated()));
      cc.setCountedAtSeedPoint(sets.countedAtSeedPoint());
      contribution = VisibilityRules.contribution(cb, cc, sets.points());
      if (cb.getCycle() <= VisibilityRules.POINT_CYCLES) {
        cc.setPoints(sets.points());
      }
    }
    List<String> lost = ConvergenceRules.distinctLostIds(cc);
    CycleDigest digest = CycleDigest.newBuilder()
        .setCampaignId(campaign)
        .setFault(cb.getFault())
        .setCycle(cb.getCycle())
        .setOk(cc.getOk())
        .setMinPeer(cc.getMinPeer())
        .setLost(lost.size())
        .setLostSample(Samples.with(List.of(), cb.getCycle(), lost,
            ConvergenceRules.LOST_SAMPLE))
        .setUnacked(cc.getUnacknowledgedApplied())
        .setForeign(cc.getForeignRecords())
        .setMaxEventTime(cb.getMaxEventTime())
        .setVisibility(contribution)
        .build();
    cb.setClosed(true);
    cb.setNodes(null);
    cb.setCounted(null);
    cycles.put(key, cb);
    writes.delete(WriteTally.ofCycle(key));
    out.forward(key, cc); // a cycle is judged once: nothing to compare it with
    judged.accept(digest);
  }
}
