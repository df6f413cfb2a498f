package dev.shipgate.streams;

import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.FaultAction;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.events.Thresholds;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.events.WriteResult;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.BoundSource;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.ConvergenceMath;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Phase 4 convergence, live: per cycle (writes, imported tallies, the final observation) into
 * {@link CycleConvergence}, and per fault class into {@link FaultBound} with the seed's bound, the
 * Wilson lower bound, lost acknowledged writes and shipgate's verdict.
 *
 * <p>A cycle is emitted once it has a final observation or an imported tally, and again whenever
 * it changes (a late write after the observation updates it). The fault aggregate is kept as sums
 * plus each cycle's last contribution, so a cycle update costs O(cycle), never O(class).
 *
 * <p>Alerts: {@link AlertKind#THRESHOLD_BREACHED} when a class's seed pass turns false,
 * {@link AlertKind#FAULT_NOT_APPLIED} on every NOT_APPLIED fault event.
 */
public final class ConvergenceTopology {
  private ConvergenceTopology() {}

  static final String CAMPAIGN_STORE = "convergence-campaigns";
  static final String CYCLE_STORE = "convergence-cycles";
  static final String FAULT_STORE = "convergence-faults";

  /**
   * Adds the convergence computation to {@code builder}.
   *
   * @return the output stream (CycleConvergence, FaultBound and Alert values)
   */
  public static KStream<String, SpecificRecord> build(StreamsBuilder builder,
      SchemaRegistry registry, KStream<String, SpecificRecord> campaigns,
      KStream<String, SpecificRecord> writes, KStream<String, SpecificRecord> observations,
      KStream<String, SpecificRecord> checks, KStream<String, SpecificRecord> faults) {
    builder.addStateStore(CampaignLedger.storeBuilder(CAMPAIGN_STORE, registry));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CYCLE_STORE),
        Serdes.String(), JsonSerde.of(CycleState.class)));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FAULT_STORE),
        Serdes.String(), JsonSerde.of(FaultState.class)));
    return campaigns
        .merge(writes.filter((k, v) -> ((WriteResult) v).getPhase() == 4))
        .merge(observations.filter((k, v) -> ((Observation) v).getPhase() == 4
            && ((Observation) v).getFinal$()))
        .merge(checks.filter((k, v) -> ((CheckResult) v).getPhase() == 4))
        .merge(faults)
        .process(ConvergenceProcessor::new, Named.as("convergence"), CAMPAIGN_STORE, CYCLE_STORE,
            FAULT_STORE);
  }

  /** State of one cycle, stored under {@code <campaign>/<fault>/<cycle>}. */
  public static final class CycleState {
    public String fault;
    public int cycle;
    /** write id → outcome, in arrival order; a repeated event does not count twice. */
    public LinkedHashMap<String, String> writes = new LinkedHashMap<>();
    public Tally tally;
    /** The final observation, null until it arrives. */
    public List<NodeCount> nodes;
    public boolean counted;
    public long contribOk;
    public long contribMin;
    public long contribLost;
    public long contribUnacked;
    public long contribForeign;
    public String fingerprint;
  }

  /** An imported per-cycle tally. */
  public static final class Tally {
    public long writes;
    public long ok;
    public long quorumNotMet;
    public long fail;
  }

  /** One node of a final observation. */
  public static final class NodeCount {
    public String node;
    public int index;
    public Long count;
    public String raw;
    public List<String> ids;
    /** Records the driver saw but did not count (not the campaign's), null when unknown. */
    public Long foreign;
  }

  /** Aggregate of one fault class, stored under {@code <campaign>/<fault>}. */
  public static final class FaultState {
    public String fault;
    public int cycles;
    public long sumOk;
    public long sumMin;
    public long lostWrites;
    public String importedBound;
    public Integer importedCycles;
    public Integer importedWritesPerCycle;
    public long unackedApplied;
    public long foreignRecords;
    public String notApplied;
    public String checkError;
    public Boolean seedPass;
    public String fingerprint;
  }

  static final class ConvergenceProcessor
      implements Processor<String, SpecificRecord, String, SpecificRecord> {
    private ProcessorContext<String, SpecificRecord> context;
    private CampaignLedger ledger;
    private KeyValueStore<String, CycleState> cycles;
    private KeyValueStore<String, FaultState> faults;

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
      this.context = context;
      this.ledger = new CampaignLedger(context.getStateStore(CAMPAIGN_STORE));
      this.cycles = context.getStateStore(CYCLE_STORE);
      this.faults = context.getStateStore(FAULT_STORE);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
      SpecificRecord value = record.value();
      long ts = record.timestamp();
      if (value instanceof CampaignEvent e) {
        ledger.record(e);
        if (e.getType() == CampaignEventType.STARTED) {
          reevaluate(e.getCampaignId(), e.getEventTime(), ts);
        }
      } else if (value instanceof WriteResult w) {
        onWrite(w, ts);
      } else if (value instanceof Observation o) {
        onObservation(o, ts);
      } else if (value instanceof CheckResult c) {
        onCheck(c, ts);
      } else if (value instanceof FaultEvent f) {
        onFault(f, ts);
      }
    }

    private void onWrite(WriteResult w, long ts) {
      String campaign = w.getCampaignId();
      CycleState state = cycle(campaign, w.getFault(), w.getCycle());
      String previous = state.writes.put(w.getWriteId(), w.getOutcome().name());
      if (w.getOutcome().name().equals(previous)) {
        return;
      }
      updateCycle(campaign, state, w.getEventTime(), ts);
    }

    private void onObservation(Observation o, long ts) {
      String campaign = o.getCampaignId();
      CycleState state = cycle(campaign, o.getFault(), o.getCycle());
      List<NodeCount> nodes = new ArrayList<>();
      for (NodeObservation n : o.getNodes()) {
        NodeCount c = new NodeCount();
        c.node = n.getNode();
        c.index = n.getNodeIndex();
        c.count = n.getCount();
        c.raw = n.getRawCount();
        c.ids = n.getIds() == null ? null : new ArrayList<>(n.getIds());
        c.foreign = n.getForeignCount();
        nodes.add(c);
      }
      state.nodes = nodes;
      updateCycle(campaign, state, o.getEventTime(), ts);
    }

    private void onCheck(CheckResult c, long ts) {
      String campaign = c.getCampaignId();
      if (c.getError() != null) {
        if (c.getFault() != null) {
          FaultState fault = fault(campaign, c.getFault());
          fault.checkError = c.getCheck() + " failed: " + c.getError();
          emitBound(campaign, fault, c.getEventTime(), ts);
        }
        return;
      }
      if ("phase4.cycle".equals(c.getCheck())) {
        CycleState state = cycle(campaign, c.getFault(), c.getCycle());
        Map<String, Long> m = c.getMetrics();
        Tally t = new Tally();
        t.ok = m.getOrDefault("ok", 0L);
        t.quorumNotMet = m.getOrDefault("quorum_not_met", 0L);
        t.fail = m.getOrDefault("fail", 0L);
        t.writes = m.getOrDefault("writes", t.ok + t.quorumNotMet + t.fail);
        state.tally = t;
        updateCycle(campaign, state, c.getEventTime(), ts);
      } else if ("phase4.bound".equals(c.getCheck())) {
        FaultState fault = fault(campaign, c.getFault());
        fault.importedBound = c.getValues().get("bound").trim();
        Long cpf = c.getMetrics().get("cycles_per_fault");
        Long wpc = c.getMetrics().get("writes_per_cycle");
        fault.importedCycles = cpf == null ? null : cpf.intValue();
        fault.importedWritesPerCycle = wpc == null ? null : wpc.intValue();
        emitBound(campaign, fault, c.getEventTime(), ts);
      }
    }

    private void onFault(FaultEvent f, long ts) {
      if (f.getAction() != FaultAction.NOT_APPLIED) {
        return;
      }
      String campaign = f.getCampaignId();
      String reason = f.getReason() == null ? "no reason given" : f.getReason();
      context.forward(new Record<String, SpecificRecord>(campaign, Alert.newBuilder()
          .setCampaignId(campaign)
          .setKind(AlertKind.FAULT_NOT_APPLIED)
          .setMessage(f.getFault() + " on " + f.getTargetNode()
              + (f.getCycle() == null ? "" : " (cycle " + f.getCycle() + ")")
              + " not applied: " + reason)
          .setPhase(f.getPhase())
          .setFault(f.getFault())
          .setEventTime(f.getEventTime())
          .build(), ts));
      if (f.getPhase() == 4) {
        FaultState fault = fault(campaign, f.getFault());
        fault.notApplied = reason;
        emitBound(campaign, fault, f.getEventTime(), ts);
      }
    }

    private void reevaluate(String campaign, Instant time, long ts) {
      List<FaultState> states = new ArrayList<>();
      try (KeyValueIterator<String, FaultState> it =
          faults.prefixScan(Keys.prefix(campaign), new StringSerializer())) {
        it.forEachRemaining(kv -> states.add(kv.value));
      }
      for (FaultState state : states) {
        emitBound(campaign, state, time, ts);
      }
    }

    private CycleState cycle(String campaign, String fault, int cycle) {
      CycleState state = cycles.get(Keys.cycle(campaign, fault, cycle));
      if (state == null) {
        state = new CycleState();
        state.fault = fault;
        state.cycle = cycle;
      }
      return state;
    }

    private FaultState fault(String campaign, String fault) {
      FaultState state = faults.get(Keys.fault(campaign, fault));
      if (state == null) {
        state = new FaultState();
        state.fault = fault;
      }
      return state;
    }

    private void updateCycle(String campaign, CycleState state, Instant time, long ts) {
      String key = Keys.cycle(campaign, state.fault, state.cycle);
      if (state.nodes == null && state.tally == null) {
        cycles.put(key, state);
        return;
      }
      CycleConvergence cc = cycleRecord(campaign, state, ledger.config(campaign), time);
      long lost = distinctLost(cc.getLostIds());
      FaultState fault = fault(campaign, state.fault);
      try {
        long sumOk = Math.addExact(fault.sumOk, cc.getOk() - state.contribOk);
        long sumMin = Math.addExact(fault.sumMin, cc.getMinPeer() - state.contribMin);
        long lostWrites = Math.addExact(fault.lostWrites, lost - state.contribLost);
        long unacked = Math.addExact(fault.unackedApplied,
            cc.getUnacknowledgedApplied() - state.contribUnacked);
        long foreign = Math.addExact(fault.foreignRecords,
            cc.getForeignRecords() - state.contribForeign);
        ConvergenceMath.thousandths(sumMin, sumOk); // the bound of these sums must exist too
        fault.sumOk = sumOk;
        fault.sumMin = sumMin;
        fault.lostWrites = lostWrites;
        fault.unackedApplied = unacked;
        fault.foreignRecords = foreign;
      } catch (ArithmeticException e) {
        // never reached within the evidence ceilings; if it were, no bound is better than a
        // wrapped one
        fault.checkError = "sums out of range after cycle " + state.cycle + " ("
            + e.getMessage() + "); not judged";
        cycles.put(key, state);
        emitBound(campaign, fault, time, ts);
        return;
      }
      if (!state.counted) {
        fault.cycles++;
        state.counted = true;
      }
      state.contribOk = cc.getOk();
      state.contribMin = cc.getMinPeer();
      state.contribLost = lost;
      state.contribUnacked = cc.getUnacknowledgedApplied();
      state.contribForeign = cc.getForeignRecords();
      String fingerprint = fingerprint(cc);
      boolean changed = !fingerprint.equals(state.fingerprint);
      state.fingerprint = fingerprint;
      cycles.put(key, state);
      if (changed) {
        context.forward(new Record<String, SpecificRecord>(key, cc, ts));
      }
      emitBound(campaign, fault, time, ts);
    }

    private void emitBound(String campaign, FaultState state, Instant time, long ts) {
      String key = Keys.fault(campaign, state.fault);
      FaultBound bound = boundRecord(campaign, state, ledger.config(campaign),
          ledger.thresholds(campaign), time);
      if (bound == null) {
        faults.put(key, state);
        return;
      }
      String fingerprint = fingerprint(bound);
      boolean changed = !fingerprint.equals(state.fingerprint);
      Boolean previousPass = state.seedPass;
      state.fingerprint = fingerprint;
      state.seedPass = bound.getSeedPass();
      faults.put(key, state);
      if (!changed) {
        return;
      }
      context.forward(new Record<String, SpecificRecord>(key, bound, ts));
      if (!bound.getSeedPass() && !Boolean.FALSE.equals(previousPass)) {
        context.forward(new Record<String, SpecificRecord>(campaign, Alert.newBuilder()
            .setCampaignId(campaign)
            .setKind(AlertKind.THRESHOLD_BREACHED)
            .setMessage(seedReason(state.fault, bound.getBound(), bound.getThreshold()))
            .setPhase(4)
            .setFault(state.fault)
            .setEventTime(time)
            .build(), ts));
      }
    }
  }

  static CycleConvergence cycleRecord(String campaign, CycleState state, CampaignConfig config,
      Instant time) {
    long writes;
    long ok;
    long quorum;
    long fail;
    long indeterminate = 0;
    List<String> okIds = new ArrayList<>();
    boolean writesKnown = !state.writes.isEmpty() || state.tally != null;
    if (!state.writes.isEmpty() || state.tally == null) {
      writes = state.writes.size();
      ok = 0;
      quorum = 0;
      fail = 0;
      for (Map.Entry<String, String> w : state.writes.entrySet()) {
        switch (WriteOutcome.valueOf(w.getValue())) {
          case OK:
            ok++;
            okIds.add(w.getKey());
            break;
          case QUORUM_NOT_MET:
            quorum++;
            break;
          case INDETERMINATE:
            indeterminate++;
            fail++;
            break;
          default:
            fail++;
        }
      }
    } else {
      writes = state.tally.writes;
      ok = state.tally.ok;
      quorum = state.tally.quorumNotMet;
      fail = state.tally.fail;
    }
    int width = config == null ? 0 : config.getNodes().size();
    if (state.nodes != null) {
      for (NodeCount n : state.nodes) {
        width = Math.max(width, n.index + 1);
      }
    }
    List<String> counts = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      counts.add("");
    }
    long node1 = 0;
    long node2 = 0;
    long foreign = 0;
    Set<String> unackedHeld = new HashSet<>();
    Map<String, List<String>> lost = new LinkedHashMap<>();
    if (state.nodes != null) {
      for (NodeCount n : state.nodes) {
        if (n.index < 0) {
          continue;
        }
        counts.set(n.index, n.raw != null ? n.raw : n.count != null ? n.count.toString() : "ERR");
        long held;
        if (n.ids != null && !state.writes.isEmpty()) {
          // only the campaign's own writes count: a record of an earlier run under a same-named
          // key, or anyone else's, can never raise the bound
          held = 0;
          for (String id : new HashSet<>(n.ids)) {
            String outcome = state.writes.get(id);
            if (outcome == null) {
              continue;
            }
            held++;
            if (!WriteOutcome.OK.name().equals(outcome) && (n.index == 1 || n.index == 2)) {
              unackedHeld.add(id);
            }
          }
          long others = (n.foreign == null ? 0 : n.foreign) + n.ids.size() - held;
          foreign = Math.max(foreign, others);
        } else {
          held = ConvergenceMath.nz(n.count, n.raw);
          if (writesKnown && held > writes) {
            // counted rows beyond the cycle's writes cannot be the cycle's own
            foreign = Math.max(foreign, held - writes);
            held = writes;
          }
          if (n.foreign != null) {
            foreign = Math.max(foreign, n.foreign);
          }
        }
        if (n.index == 1) {
          node1 = held;
        } else if (n.index == 2) {
          node2 = held;
        }
        if (n.ids != null) {
          Set<String> ids = new HashSet<>(n.ids);
          List<String> missing = new ArrayList<>();
          for (String id : okIds) {
            if (!ids.contains(id)) {
              missing.add(id);
            }
          }
          lost.put(n.node, missing);
        }
      }
    }
    return CycleConvergence.newBuilder()
        .setCampaignId(campaign)
        .setFault(state.fault)
        .setCycle(state.cycle)
        .setWrites(writes)
        .setOk(ok)
        .setQuorumNotMet(quorum)
        .setFail(fail)
        .setIndeterminate(indeterminate)
        .setNodeCounts(counts)
        .setMinPeer(Math.min(node1, node2))
        .setLostIds(lost)
        .setUnacknowledgedApplied(unackedHeld.size())
        .setForeignRecords(foreign)
        .setObserved(state.nodes != null)
        .setUpdatedAt(time)
        .build();
  }

  static FaultBound boundRecord(String campaign, FaultState state, CampaignConfig config,
      Thresholds thresholds, Instant time) {
    boolean measured = state.cycles > 0;
    boolean imported = !measured && state.importedBound != null;
    if (!measured && !imported && state.notApplied == null && state.checkError == null) {
      return null;
    }
    String thresholdText = thresholds.getConvergenceMin();
    BigDecimal threshold = new BigDecimal(thresholdText.trim());
    long thousandths;
    BigDecimal bound;
    if (imported) {
      bound = ConvergenceMath.plain(new BigDecimal(state.importedBound));
      thousandths = bound.movePointRight(3).setScale(0, java.math.RoundingMode.FLOOR)
          .longValueExact();
    } else {
      thousandths = ConvergenceMath.thousandths(state.sumMin, state.sumOk);
      bound = ConvergenceMath.bound(thousandths);
    }
    boolean seedPass = bound.compareTo(threshold) >= 0;
    String boundText = bound.toPlainString();
    Double wilson = null;
    Verdict verdict;
    String reason = null;
    if (measured && state.sumOk > 0 && state.sumMin <= state.sumOk) {
      wilson = ConvergenceMath.wilsonLower(state.sumMin, state.sumOk,
          thresholds.getWilsonConfidenceZ());
    }
    if (state.notApplied != null) {
      verdict = Verdict.INCOMPLETE;
      reason = state.fault + ": fault not applied: " + state.notApplied;
    } else if (state.checkError != null) {
      verdict = Verdict.INCOMPLETE;
      reason = state.fault + ": " + state.checkError;
    } else if (!seedPass) {
      verdict = Verdict.FAIL;
      reason = seedReason(state.fault, boundText, thresholdText);
    } else if (imported) {
      verdict = Verdict.PASS;
    } else if (state.sumOk == 0) {
      verdict = Verdict.INCONCLUSIVE;
      reason = state.fault + ": no acknowledged writes in " + state.cycles + " cycles";
    } else {
      // Counts above ok are not a proportion; judge them as if every acknowledged write converged.
      double lower = wilson != null ? wilson : ConvergenceMath.wilsonLower(state.sumOk,
          state.sumOk, thresholds.getWilsonConfidenceZ());
      if (BigDecimal.valueOf(lower).compareTo(threshold) < 0) {
        verdict = Verdict.INCONCLUSIVE;
        reason = String.format(Locale.ROOT,
            "%s: Wilson lower bound %.4f < %s (%d acknowledged writes in %d cycles)",
            state.fault, lower, thresholdText, state.sumOk, state.cycles);
      } else {
        verdict = Verdict.PASS;
      }
    }
    Integer writesPerCycle = imported ? state.importedWritesPerCycle
        : config == null ? null : config.getWritesPerCycle();
    List<String> notes = new ArrayList<>();
    if (measured && bound.compareTo(BigDecimal.ONE) > 0) {
      notes.add(state.unackedApplied > 0
          ? "above 1: " + state.unackedApplied + " of the campaign's own writes that were not"
              + " acknowledged were applied on a peer"
          : "above 1: the peers hold more of the cycles' writes than were acknowledged (writes"
              + " that were not acknowledged were applied)");
    }
    if (measured && state.foreignRecords > 0) {
      notes.add(state.foreignRecords + " records in the cycles' namespaces were not written by"
          + " this campaign; not counted");
    }
    return FaultBound.newBuilder()
        .setCampaignId(campaign)
        .setFault(state.fault)
        .setSource(imported ? BoundSource.IMPORTED : BoundSource.MEASURED)
        .setCycles(imported ? (state.importedCycles == null ? 0 : state.importedCycles)
            : state.cycles)
        .setWritesPerCycle(writesPerCycle)
        .setSumOk(imported ? null : state.sumOk)
        .setSumMinPeer(imported ? null : state.sumMin)
        .setBound(boundText)
        .setBoundThousandths(thousandths)
        .setThreshold(thresholdText)
        .setWilsonLower(wilson)
        .setLostWrites(state.lostWrites)
        .setUnacknowledgedApplied(imported ? 0 : state.unackedApplied)
        .setForeignRecords(imported ? 0 : state.foreignRecords)
        .setBoundNote(notes.isEmpty() ? null : String.join("; ", notes))
        .setSeedPass(seedPass)
        .setVerdict(verdict)
        .setReason(reason)
        .setUpdatedAt(time)
        .build();
  }

  /** The seed's reason text, e.g. "partition_minority: 0.2 &lt; 0.995". */
  static String seedReason(String fault, String bound, String threshold) {
    return fault + ": " + bound + " < " + threshold;
  }

  private static long distinctLost(Map<String, List<String>> lost) {
    Set<String> ids = new LinkedHashSet<>();
    lost.values().forEach(ids::addAll);
    return ids.size();
  }

  /** A record's content without its update time, to emit only what changed. */
  static String fingerprint(CycleConvergence cc) {
    CycleConvergence copy = CycleConvergence.newBuilder(cc).setUpdatedAt(Instant.EPOCH).build();
    return copy.toString();
  }

  static String fingerprint(FaultBound b) {
    return FaultBound.newBuilder(b).setUpdatedAt(Instant.EPOCH).build().toString();
  }
}
