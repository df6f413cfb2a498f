package dev.shipgate.streams;

import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.FaultBound;
import dev.shipgate.schemas.ConvergenceMath;
import dev.shipgate.state.CampaignBook;
import dev.shipgate.state.CycleDigest;
import dev.shipgate.state.FaultBook;
import dev.shipgate.state.VisibilityBook;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The fault classes of a task's campaigns: each class's {@link FaultBook} and visibility book, the
 * judged cycles' {@link CycleDigest}s folded in (in any order: sums, maxima and samples of the
 * lowest cycles), and the class's {@link FaultBound} so far (PENDING until the campaign is final),
 * with an alert when it falls below its threshold.
 *
 * <p>A class's bound so far and its visibility summary are emitted at once when the evidence is
 * live ({@link LiveCommits}); judged from a backlog (an import, a replay, a restart), once per
 * class at the task's next commit ({@link #emitPending}), as Kafka Streams' record cache does for
 * a table: one record per class and commit with the state so far, instead of one per cycle (each
 * costs a bound, a summary, their hashes and their encodings). A class of a campaign judged in
 * the meantime is skipped: its final bound is out.
 */
final class ClassBooks {
  /** A class whose bound changed on backlog evidence, the latest stamp of that evidence. */
  private record Pending(String campaign, String fault, long timestamp) {}

  private final Decoded<FaultBook> faults;
  private final Decoded<VisibilityBook> visibility;
  private final JudgeOutputs out;
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private boolean deferring;

  ClassBooks(Decoded<FaultBook> faults, Decoded<VisibilityBook> visibility, JudgeOutputs out) {
    this.faults = faults;
    this.visibility = visibility;
    this.out = out;
  }

  /** Folds a judged cycle into its class ({@code book}: its campaign's). */
  void fold(CampaignBook book, CycleDigest d) {
    String campaign = d.getCampaignId();
    String faultKey = Keys.fault(campaign, d.getFault());
    if (d.getVisibility() != null) {
      VisibilityBook vb = visibility(faultKey);
      VisibilityRules.merge(vb, d.getVisibility());
      visibility.put(faultKey, vb);
    }
    FaultBook fb = fault(campaign, d.getFault());
    try {
      fb.setSumOk(Math.addExact(fb.getSumOk(), d.getOk()));
      fb.setSumMin(Math.addExact(fb.getSumMin(), d.getMinPeer()));
      fb.setLost(Math.addExact(fb.getLost(), d.getLost()));
      fb.setLostSample(Samples.merge(fb.getLostSample(), d.getLostSample(),
          ConvergenceRules.LOST_SAMPLE));
      fb.setUnacked(Math.addExact(fb.getUnacked(), d.getUnacked()));
      fb.setForeign(Math.addExact(fb.getForeign(), d.getForeign()));
      ConvergenceMath.thousandths(fb.getSumMin(), fb.getSumOk());
      fb.setCycles(fb.getCycles() + 1);
    } catch (ArithmeticException e) {
      // never reached within the evidence ceilings; if it were, no bound beats a wrapped one
      fb.setCheckError("sums out of range after cycle " + d.getCycle() + " (" + e.getMessage()
          + "); not judged");
    }
    fb.setMaxEventTime(Math.max(fb.getMaxEventTime(), d.getMaxEventTime()));
    faults.put(faultKey, fb);
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
