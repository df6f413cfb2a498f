package dev.shipgate.streams;

import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.Thresholds;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.results.BoundSource;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.ConvergenceMath;
import dev.shipgate.schemas.WriteIds;
import dev.shipgate.state.CycleBook;
import dev.shipgate.state.FaultBook;
import dev.shipgate.state.NodeHeld;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Phase 4's convergence, as pure functions of the state: one cycle into {@link CycleConvergence}
 * (the seed's JSONL line plus the lost, unacknowledged-applied and foreign counts), one class
 * into {@link FaultBound} (the seed's bound, the Wilson lower bound, shipgate's verdict).
 *
 * <p>A node's count, where it lists ids, is the number of the campaign's own write ids of the
 * cycle it holds; without ids it is the seed's {@code nz(count)} capped at the cycle's writes
 * (counted rows beyond the writes cannot be the cycle's own).
 */
final class ConvergenceRules {
  private ConvergenceRules() {}

  /**
   * @param outcomes the cycle's write ids and outcomes (empty for an imported tally), in any
   *     order: the lost ids are listed in write order ({@link WriteIds#ORDER})
   * @param configuredNodes the nodes the campaign's configuration names, 0 when unknown: the
   *     per-node counts are as many, or as many as the polls named if more
   */
  static CycleConvergence cycle(String campaign, CycleBook cb, Map<String, WriteOutcome> outcomes,
      int configuredNodes) {
    long writes;
    long ok = 0;
    long quorum = 0;
    long fail = 0;
    long indeterminate = 0;
    List<String> okIds = new ArrayList<>();
    boolean tally = outcomes.isEmpty() && cb.getTallyOk() != null;
    if (!tally) {
      writes = outcomes.size();
      for (Map.Entry<String, WriteOutcome> w : outcomes.entrySet()) {
        switch (w.getValue()) {
          case OK -> {
            ok++;
            okIds.add(w.getKey());
          }
          case QUORUM_NOT_MET -> quorum++;
          case INDETERMINATE -> {
            indeterminate++;
            fail++;
          }
          default -> fail++;
        }
      }
    } else {
      ok = cb.getTallyOk();
      quorum = orZero(cb.getTallyQuorum());
      fail = orZero(cb.getTallyFail());
      writes = cb.getTallyWrites() != null ? cb.getTallyWrites() : ok + quorum + fail;
    }
    List<NodeHeld> finals = cb.getNodes() == null ? List.of() : cb.getNodes();
    // the counts are the seed point's (the poll the seed's fixed settle counts); the lost ids are
    // the end of the settle's
    List<NodeHeld> nodes = cb.getCounted() != null ? cb.getCounted() : finals;
    int width = configuredNodes;
    for (NodeHeld n : nodes) {
      width = Math.max(width, n.getIndex() + 1);
    }
    List<String> counts = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      counts.add("");
    }
    long node1 = 0;
    long node2 = 0;
    long foreign = 0;
    Set<String> unackedHeld = new HashSet<>();
    for (NodeHeld n : nodes) {
      if (n.getIndex() < 0) {
        continue;
      }
      counts.set(n.getIndex(), n.getRaw() != null ? n.getRaw()
          : n.getCount() != null ? n.getCount().toString() : "ERR");
      long held;
      Set<String> ids = n.getIds() == null ? null : new HashSet<>(n.getIds());
      if (ids != null && !outcomes.isEmpty()) {
        held = 0;
        for (String id : ids) {
          WriteOutcome outcome = outcomes.get(id);
          if (outcome == null) {
            continue;
          }
          held++;
          if (outcome != WriteOutcome.OK && (n.getIndex() == 1 || n.getIndex() == 2)) {
            unackedHeld.add(id);
          }
        }
        long others = orZero(n.getForeign()) + ids.size() - held;
        foreign = Math.max(foreign, others);
      } else {
        held = ConvergenceMath.nz(n.getCount(), n.getRaw());
        if (held > writes) {
          foreign = Math.max(foreign, held - writes);
          held = writes;
        }
        foreign = Math.max(foreign, orZero(n.getForeign()));
      }
      if (n.getIndex() == 1) {
        node1 = held;
      } else if (n.getIndex() == 2) {
        node2 = held;
      }
    }
    Map<String, List<String>> lost = new TreeMap<>();
    for (NodeHeld n : finals) {
      if (n.getIndex() < 0 || n.getIds() == null) {
        continue;
      }
      Set<String> ids = new HashSet<>(n.getIds());
      List<String> missing = new ArrayList<>();
      for (String id : okIds) {
        if (!ids.contains(id)) {
          missing.add(id);
        }
      }
      missing.sort(WriteIds.ORDER);
      lost.put(n.getNode(), missing);
    }
    return CycleConvergence.newBuilder()
        .setCampaignId(campaign)
        .setFault(cb.getFault())
        .setCycle(cb.getCycle())
        .setWrites(writes)
        .setOk(ok)
        .setQuorumNotMet(quorum)
        .setFail(fail)
        .setIndeterminate(indeterminate)
        .setNodeCounts(counts)
        .setMinPeer(Math.min(node1, node2))
        .setLostIds(new LinkedHashMap<>(lost))
        .setUnacknowledgedApplied(unackedHeld.size())
        .setForeignRecords(foreign)
        .setObserved(cb.getNodes() != null)
        .setUpdatedAt(Instant.ofEpochMilli(cb.getMaxEventTime()))
        // the schema's defaults, set here: a default left to the builder is looked up and deep
        // copied on every build (once per cycle, a few % of the stream thread)
        .setRecoveredIds(new LinkedHashMap<>())
        .setUnexpectedIds(new LinkedHashMap<>())
        .setDuplicatedIds(new LinkedHashMap<>())
        .setCountedAtSeedPoint(false)
        .setPoints(new ArrayList<>())
        .build();
  }

  /** How many lost ids a fault class keeps by name (the rest are counted). */
  static final int LOST_SAMPLE = 100;

  /** Acknowledged ids missing on at least one node, in id order. */
  static List<String> distinctLostIds(CycleConvergence cc) {
    Set<String> ids = new java.util.TreeSet<>(WriteIds.ORDER);
    cc.getLostIds().values().forEach(ids::addAll);
    return new ArrayList<>(ids);
  }

  /**
   * The class's bound, or null while it has nothing to show (no closed cycle, no recorded bound,
   * no failure to report).
   *
   * @param pending true while the campaign's verdict is not final: the record then shows the
   *     bound so far and the verdict PENDING
   */
  static FaultBound bound(String campaign, FaultBook fb, CampaignConfig config,
      Thresholds thresholds, boolean pending) {
    boolean measured = fb.getCycles() > 0;
    boolean imported = !measured && fb.getImportedBound() != null;
    if (!measured && !imported && fb.getNotApplied() == null && fb.getCheckError() == null) {
      return null;
    }
    String fault = fb.getFault();
    String thresholdText = thresholds.getConvergenceMin();
    BigDecimal threshold = new BigDecimal(thresholdText.trim());
    long thousandths;
    BigDecimal bound;
    if (imported) {
      bound = ConvergenceMath.plain(new BigDecimal(fb.getImportedBound()));
      thousandths = bound.movePointRight(3).setScale(0, RoundingMode.FLOOR).longValueExact();
    } else {
      thousandths = ConvergenceMath.thousandths(fb.getSumMin(), fb.getSumOk());
      bound = ConvergenceMath.bound(thousandths);
    }
    boolean seedPass = bound.compareTo(threshold) >= 0;
    String boundText = bound.toPlainString();
    Double wilson = null;
    if (measured && fb.getSumOk() > 0 && fb.getSumMin() <= fb.getSumOk()) {
      wilson = ConvergenceMath.wilsonLower(fb.getSumMin(), fb.getSumOk(),
          thresholds.getWilsonConfidenceZ());
    }
    Verdict verdict;
    String reason = null;
    if (fb.getNotApplied() != null) {
      verdict = Verdict.INCOMPLETE;
      reason = fault + ": fault not applied: " + fb.getNotApplied();
    } else if (fb.getCheckError() != null) {
      verdict = Verdict.INCOMPLETE;
      reason = fault + ": " + fb.getCheckError();
    } else if (!seedPass) {
      verdict = Verdict.FAIL;
      reason = seedReason(fault, boundText, thresholdText);
    } else if (imported) {
      verdict = Verdict.PASS;
    } else if (fb.getSumOk() == 0) {
      verdict = Verdict.INCONCLUSIVE;
      reason = fault + ": no acknowledged writes in " + fb.getCycles() + " cycles";
    } else {
      // counts above ok are not a proportion: judged as if every acknowledged write converged
      double lower = wilson != null ? wilson : ConvergenceMath.wilsonLower(fb.getSumOk(),
          fb.getSumOk(), thresholds.getWilsonConfidenceZ());
      if (BigDecimal.valueOf(lower).compareTo(threshold) < 0) {
        verdict = Verdict.INCONCLUSIVE;
        reason = String.format(Locale.ROOT,
            "%s: Wilson lower bound %.4f < %s (%d acknowledged writes in %d cycles)",
            fault, lower, thresholdText, fb.getSumOk(), fb.getCycles());
      } else {
        verdict = Verdict.PASS;
      }
    }
    if (pending) {
      verdict = Verdict.PENDING;
      reason = fault + ": " + fb.getCycles() + " cycle(s) judged so far; the campaign's verdict"
          + " is not final yet";
    }
    Integer writesPerCycle = imported ? fb.getImportedWritesPerCycle()
        : config == null ? null : config.getWritesPerCycle();
    List<String> notes = new ArrayList<>();
    if (measured && bound.compareTo(BigDecimal.ONE) > 0) {
      notes.add(fb.getUnacked() > 0
          ? "above 1: " + fb.getUnacked() + " of the campaign's own writes that were not"
              + " acknowledged were applied on a peer"
          : "above 1: the peers hold more of the cycles' writes than were acknowledged (writes"
              + " that were not acknowledged were applied)");
    }
    if (measured && fb.getForeign() > 0) {
      notes.add(fb.getForeign() + " records in the cycles' namespaces were not written by"
          + " this campaign; not counted");
    }
    return FaultBound.newBuilder()
        .setCampaignId(campaign)
        .setFault(fault)
        .setSource(imported ? BoundSource.IMPORTED : BoundSource.MEASURED)
        .setCycles(imported ? (fb.getImportedCycles() == null ? 0 : fb.getImportedCycles())
            : fb.getCycles())
        .setWritesPerCycle(writesPerCycle)
        .setSumOk(imported ? null : fb.getSumOk())
        .setSumMinPeer(imported ? null : fb.getSumMin())
        .setBound(boundText)
        .setBoundThousandths(thousandths)
        .setThreshold(thresholdText)
        .setWilsonLower(wilson)
        .setLostWrites(imported ? null : fb.getLost())
        .setLostIdsSample(imported ? List.of() : List.copyOf(fb.getLostSample()))
        .setUnacknowledgedApplied(imported ? 0 : fb.getUnacked())
        .setForeignRecords(imported ? 0 : fb.getForeign())
        .setBoundNote(notes.isEmpty() ? null : String.join("; ", notes))
        .setSeedPass(seedPass)
        .setVerdict(verdict)
        .setReason(reason)
        .setUpdatedAt(Instant.ofEpochMilli(fb.getMaxEventTime()))
        .build();
  }

  /** The seed's reason text, e.g. "partition_minority: 0.2 &lt; 0.995". */
  static String seedReason(String fault, String bound, String threshold) {
    return fault + ": " + bound + " < " + threshold;
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }
}
