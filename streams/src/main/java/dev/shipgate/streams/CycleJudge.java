package dev.shipgate.streams;

import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.FaultBound;
import dev.shipgate.schemas.ConvergenceMath;
import dev.shipgate.state.CampaignBook;
import dev.shipgate.state.CycleBook;
import dev.shipgate.state.FaultBook;
import dev.shipgate.state.VisibilityBook;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Judges a phase 4 cycle into its fault class once the cycle's evidence is complete: its
 * {@link CycleConvergence}, its share of the class's {@link FaultBook} and visibility book, the
 * class's {@link FaultBound} so far (with an alert when it falls below its threshold), and its
 * per-write state dropped. A cycle is complete when its final observation and every write and
 * fault event that observation announced are in, or its imported tally and observation.
 *
 * <p>A class's bound so far and its visibility summary are emitted at once when the evidence is
 * live ({@link LiveCommits}); judged from a backlog (an import, a replay, a restart), once per
 * class at the task's next commit ({@link #emitPending}), as Kafka Streams' record cache does for
 * a table: one record per class and commit with the state so far, instead of one per cycle (each
 * costs a bound, a summary, their hashes and their encodings). A class of a campaign judged in
 * the meantime is skipped: its final bound is out.
 */
final class CycleJudge {
  /** A class whose bound changed on backlog evidence, the latest stamp of that evidence. */
  private record Pending(String campaign, String fault, long timestamp) {}

  private final OpenWrites writes;
  private final Decoded<CycleBook> cycles;
  private final Decoded<FaultBook> faults;
  private final Decoded<VisibilityBook> visibility;
  private final JudgeOutputs out;
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private boolean deferring;

  CycleJudge(OpenWrites writes, Decoded<CycleBook> cycles, Decoded<FaultBook> faults,
      Decoded<VisibilityBook> visibility, JudgeOutputs out) {
    this.writes = writes;
    this.cycles = cycles;
    this.faults = faults;
    this.visibility = visibility;
    this.out = out;
  }

  /** Judges the cycle when its evidence is complete (see the class doc). */
  void closeIfComplete(String campaign, CampaignBook book, String key, CycleBook cb) {
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
      close(campaign, book, key, cb);
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
  void closeRemaining(String campaign, CampaignBook book) {
    List<Map.Entry<String, CycleBook>> open = new ArrayList<>();
    for (Map.Entry<String, CycleBook> e : cycles.scan(Keys.prefix(campaign))) {
      if (!e.getValue().getClosed() && e.getValue().getNodes() != null) {
        open.add(e);
      }
    }
    for (Map.Entry<String, CycleBook> e : open) {
      close(campaign, book, e.getKey(), e.getValue());
    }
  }

  /** The cycle's convergence into its class, its per-write state dropped. */
  private void close(String campaign, CampaignBook book, String key, CycleBook cb) {
    WriteTally tally = writes.tallyOrEmpty(WriteTally.ofCycle(key));
    cb.setSeenWrites(tally.distinct);
    cb.setMaxEventTime(Math.max(cb.getMaxEventTime(), tally.maxEventTime));
    Map<String, WriteRecord> records = CycleWrites.ofKey(writes, key).takeAll();
    Map<String, WriteOutcome> outcomes = new HashMap<>();
    records.forEach((id, r) -> outcomes.put(id, r.outcome()));
    CampaignConfig config = Evidence.config(book);
    CycleConvergence cc = ConvergenceRules.cycle(campaign, cb, outcomes, config);
    if (!records.isEmpty()) {
      // slow or lost: the set checker's lists on the cycle, its points into the class's book
      VisibilityRules.CycleSets sets = VisibilityRules.cycle(cb, records);
      cc.setRecoveredIds(new LinkedHashMap<>(sets.recovered()));
      cc.setUnexpectedIds(new LinkedHashMap<>(sets.unexpected()));
      cc.setDuplicatedIds(new LinkedHashMap<>(sets.duplicated()));
      cc.setCountedAtSeedPoint(sets.countedAtSeedPoint());
      String faultKey = Keys.fault(campaign, cb.getFault());
      VisibilityBook vb = visibility(faultKey);
      VisibilityRules.fold(vb, cb, cc, sets.points());
      visibility.put(faultKey, vb);
      if (cb.getCycle() <= VisibilityRules.POINT_CYCLES) {
        cc.setPoints(sets.points());
      }
    }
    FaultBook fb = fault(campaign, cb.getFault());
    try {
      fb.setSumOk(Math.addExact(fb.getSumOk(), cc.getOk()));
      fb.setSumMin(Math.addExact(fb.getSumMin(), cc.getMinPeer()));
      List<String> lost = ConvergenceRules.distinctLostIds(cc);
      fb.setLost(Math.addExact(fb.getLost(), lost.size()));
      fb.setLostSample(ConvergenceRules.withLostSample(fb.getLostSample(), cb.getCycle(), lost));
      fb.setUnacked(Math.addExact(fb.getUnacked(), cc.getUnacknowledgedApplied()));
      fb.setForeign(Math.addExact(fb.getForeign(), cc.getForeignRecords()));
      ConvergenceMath.thousandths(fb.getSumMin(), fb.getSumOk());
      fb.setCycles(fb.getCycles() + 1);
    } catch (ArithmeticException e) {
      // never reached within the evidence ceilings; if it were, no bound beats a wrapped one
      fb.setCheckError("sums out of range after cycle " + cb.getCycle() + " (" + e.getMessage()
          + "); not judged");
    }
    fb.setMaxEventTime(Math.max(fb.getMaxEventTime(), cb.getMaxEventTime()));
    cb.setClosed(true);
    cb.setNodes(null);
    cb.setCounted(null);
    cycles.put(key, cb);
    writes.delete(WriteTally.ofCycle(key));
    faults.put(Keys.fault(campaign, cb.getFault()), fb);
    out.forward(key, cc); // a cycle is judged once: nothing to compare it with
    changed(campaign, book, fb);
  }

  /**
   * From now on a backlog's bounds and summaries wait for the task's commit, whose flush calls
   * {@link #emitPending} (without it they are emitted at once).
   */
  void deferToCommits() {
    deferring = true;
  }

  /**
   * The class's book changed on the evidence being handled: its bound so far and its visibility
   * summary, at once when that evidence is live, else at the next commit.
   */
  void changed(String campaign, CampaignBook book, FaultBook fb) {
    if (!deferring || out.live()) {
      emitClass(campaign, book, fb);
      return;
    }
    String faultKey = Keys.fault(campaign, fb.getFault());
    Pending was = pending.get(faultKey);
    long ts = was == null ? out.timestamp() : Math.max(was.timestamp(), out.timestamp());
    pending.put(faultKey, new Pending(campaign, fb.getFault(), ts));
  }

  /**
   * Before the task commits: the bound so far and the visibility summary of every class changed
   * since the last commit, unless its campaign was judged since ({@code books}: a campaign's book,
   * or null).
   */
  void emitPending(Function<String, CampaignBook> books) {
    if (pending.isEmpty()) {
      return;
    }
    List<Pending> due = new ArrayList<>(pending.values());
    pending.clear();
    for (Pending p : due) {
      CampaignBook book = books.apply(p.campaign());
      if (book == null || book.getJudged()) {
        continue;
      }
      out.at(p.timestamp());
      emitClass(p.campaign(), book, fault(p.campaign(), p.fault()));
    }
  }

  private void emitClass(String campaign, CampaignBook book, FaultBook fb) {
    emitBound(campaign, book, fb);
    String faultKey = Keys.fault(campaign, fb.getFault());
    VisibilityBook vb = visibility.get(faultKey);
    if (vb != null) {
      out.emit(faultKey, VisibilityRules.summary(campaign, fb.getFault(), vb,
          Evidence.config(book), true));
    }
  }

  private VisibilityBook visibility(String faultKey) {
    VisibilityBook vb = visibility.get(faultKey);
    return vb != null ? vb : VisibilityRules.empty();
  }

  /** The class's book, or an empty one (not stored) when there is none. */
  FaultBook fault(String campaign, String fault) {
    FaultBook fb = faults.get(Keys.fault(campaign, fault));
    return fb != null ? fb : FaultBook.newBuilder().setFault(fault).build();
  }

  /** Stores the class's book. */
  void put(String campaign, FaultBook fb) {
    faults.put(Keys.fault(campaign, fb.getFault()), fb);
  }

  /** The class's bound so far (PENDING unless final), and an alert when it falls below. */
  private void emitBound(String campaign, CampaignBook book, FaultBook fb) {
    FaultBound bound = ConvergenceRules.bound(campaign, fb, Evidence.config(book),
        Evidence.thresholds(book), !book.getJudged());
    if (bound == null) {
      return;
    }
    Boolean previous = fb.getSeedPass();
    if (previous == null || previous != bound.getSeedPass()) {
      fb.setSeedPass(bound.getSeedPass());
      put(campaign, fb);
      if (!bound.getSeedPass()) {
        out.forward(campaign, Alert.newBuilder()
            .setCampaignId(campaign)
            .setKind(AlertKind.THRESHOLD_BREACHED)
            .setMessage(ConvergenceRules.seedReason(fb.getFault(), bound.getBound(),
                bound.getThreshold()))
            .setPhase(4)
            .setFault(fb.getFault())
            .setEventTime(bound.getUpdatedAt())
            .build());
      }
    }
    out.emit(Keys.fault(campaign, fb.getFault()), bound);
  }
}
