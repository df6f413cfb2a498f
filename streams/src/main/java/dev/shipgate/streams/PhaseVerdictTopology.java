package dev.shipgate.streams;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.events.Thresholds;
import dev.shipgate.events.WriteResult;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * Phase verdicts with their seed-shaped artifacts ({@link PhaseRules}): phase 1 per node and as a
 * whole, phase 2 and phase 3 from checks, phase 2 writes and observations, phase 4 from the fault
 * bounds read back from {@code shipgate.fault-bounds}. A verdict is emitted when it changes; the
 * STARTED event re-evaluates every phase of its campaign (it may arrive after the evidence).
 */
public final class PhaseVerdictTopology {
  private PhaseVerdictTopology() {}

  static final String CAMPAIGN_STORE = "phase-campaigns";
  static final String CHECK_STORE = "phase-checks";
  static final String TALLY_STORE = "phase-tallies";
  static final String BOUND_STORE = "phase-bounds";
  static final String LAST_STORE = "phase-last-verdicts";

  private static final String[] PHASE2_KINDS =
      {"writes", "counts", "probe1", "probe2", "precondition"};

  /**
   * Adds the phase verdict computation to {@code builder}.
   *
   * @param faultBounds fault bounds read back from the output topic
   * @return the output stream (PhaseVerdict values)
   */
  public static KStream<String, SpecificRecord> build(StreamsBuilder builder,
      SchemaRegistry registry, KStream<String, SpecificRecord> campaigns,
      KStream<String, SpecificRecord> checks, KStream<String, SpecificRecord> writes,
      KStream<String, SpecificRecord> observations, KStream<String, SpecificRecord> faultBounds) {
    builder.addStateStore(CampaignLedger.storeBuilder(CAMPAIGN_STORE, registry));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CHECK_STORE),
        Serdes.String(), Topics.CHECKS.valueSerde(registry)));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TALLY_STORE),
        Serdes.String(), Serdes.String()));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BOUND_STORE),
        Serdes.String(), Topics.FAULT_BOUNDS.valueSerde(registry)));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LAST_STORE),
        Serdes.String(), Topics.PHASE_VERDICTS.valueSerde(registry)));
    return campaigns
        .merge(checks)
        .merge(writes.filter((k, v) -> ((WriteResult) v).getPhase() == 2))
        .merge(observations.filter((k, v) -> ((Observation) v).getPhase() == 2
            && ((Observation) v).getFinal$()))
        .merge(faultBounds)
        .process(PhaseProcessor::new, Named.as("phase-verdicts"), CAMPAIGN_STORE, CHECK_STORE,
            TALLY_STORE, BOUND_STORE, LAST_STORE);
  }

  static final class PhaseProcessor
      implements Processor<String, SpecificRecord, String, SpecificRecord> {
    private ProcessorContext<String, SpecificRecord> context;
    private CampaignLedger ledger;
    private KeyValueStore<String, CheckResult> checks;
    private KeyValueStore<String, String> tallies;
    private KeyValueStore<String, FaultBound> bounds;
    private KeyValueStore<String, PhaseVerdict> last;
    private long ts;

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
      this.context = context;
      this.ledger = new CampaignLedger(context.getStateStore(CAMPAIGN_STORE));
      this.checks = context.getStateStore(CHECK_STORE);
      this.tallies = context.getStateStore(TALLY_STORE);
      this.bounds = context.getStateStore(BOUND_STORE);
      this.last = context.getStateStore(LAST_STORE);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
      ts = record.timestamp();
      SpecificRecord value = record.value();
      if (value instanceof CampaignEvent e) {
        ledger.record(e);
        if (e.getType() == CampaignEventType.STARTED) {
          String c = e.getCampaignId();
          phase1(c, null, e.getEventTime());
          phase2(c, e.getEventTime());
          phase3(c, e.getEventTime());
          phase4(c, e.getEventTime());
        }
      } else if (value instanceof CheckResult c) {
        onCheck(c);
      } else if (value instanceof WriteResult w) {
        onWrite(w);
      } else if (value instanceof Observation o) {
        onObservation(o);
      } else if (value instanceof FaultBound b) {
        onBound(b);
      }
    }

    private void onCheck(CheckResult c) {
      String campaign = c.getCampaignId();
      Instant time = c.getEventTime();
      String check = c.getCheck();
      if (c.getPhase() == 1 && "phase1.node".equals(check)) {
        checks.put(Keys.phase1Node(campaign, c.getNode()), c);
        phase1(campaign, c.getNode(), time);
      } else if (c.getPhase() == 2 && check.startsWith("phase2.")) {
        checks.put(campaign + "/2/" + check.substring("phase2.".length()), c);
        phase2(campaign, time);
      } else if (c.getPhase() == 3 && "phase3.migration".equals(check)) {
        checks.put(campaign + "/3/migration", c);
        phase3(campaign, time);
      } else if (c.getPhase() == 4 && c.getValues().containsKey("extra_json")) {
        // Only the extra top-level keys of phase4.json matter here; bounds come from Convergence.
        checks.put(campaign + "/4/extra/" + check + "/" + c.getFault() + "/" + c.getCycle(), c);
        phase4(campaign, time);
      }
    }

    private void onWrite(WriteResult w) {
      String campaign = w.getCampaignId();
      String idKey = campaign + "/2/w/" + w.getWriteId();
      String outcome = w.getOutcome().name();
      String previous = tallies.get(idKey);
      if (outcome.equals(previous)) {
        return;
      }
      tallies.put(idKey, outcome);
      long[] t = tally(campaign);
      if (t == null) {
        t = new long[3];
      }
      if (previous != null) {
        t[bucket(previous)]--;
      }
      t[bucket(outcome)]++;
      tallies.put(campaign + "/2/tally", t[0] + "," + t[1] + "," + t[2]);
      phase2(campaign, w.getEventTime());
    }

    private static int bucket(String outcome) {
      switch (outcome) {
        case "OK":
          return 0;
        case "QUORUM_NOT_MET":
          return 1;
        default:
          return 2;
      }
    }

    private long[] tally(String campaign) {
      String text = tallies.get(campaign + "/2/tally");
      if (text == null) {
        return null;
      }
      String[] p = text.split(",");
      return new long[] {Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2])};
    }

    private void onObservation(Observation o) {
      Map<String, Long> counts = new LinkedHashMap<>();
      Map<String, List<String>> ids = new LinkedHashMap<>();
      for (NodeObservation n : o.getNodes()) {
        counts.put(n.getNode(), n.getCount());
        if (n.getIds() != null) {
          ids.put(n.getNode(), new ArrayList<>(n.getIds()));
        }
      }
      tallies.put(o.getCampaignId() + "/2/observed", write(counts));
      tallies.put(o.getCampaignId() + "/2/observed-ids", write(ids));
      phase2(o.getCampaignId(), o.getEventTime());
    }

    /**
     * The observed counts, where a node listed ids: only the ids the campaign wrote in phase 2
     * (a record an earlier run left under the same name never counts).
     */
    private Map<String, Long> ownCounts(String campaign, Map<String, Long> observed) {
      String text = tallies.get(campaign + "/2/observed-ids");
      if (observed == null || text == null) {
        return observed;
      }
      Map<String, List<String>> ids =
          read(text, new TypeReference<LinkedHashMap<String, List<String>>>() {});
      Map<String, Long> out = new LinkedHashMap<>(observed);
      ids.forEach((node, held) -> out.put(node, held.stream().distinct()
          .filter(id -> tallies.get(campaign + "/2/w/" + id) != null).count()));
      return out;
    }

    private void onBound(FaultBound b) {
      String campaign = b.getCampaignId();
      bounds.put(Keys.fault(campaign, b.getFault()), b);
      List<String> seen = seenFaults(campaign);
      if (!seen.contains(b.getFault())) {
        seen.add(b.getFault());
        tallies.put(campaign + "/4/faults", write(seen));
      }
      phase4(campaign, b.getUpdatedAt());
    }

    private List<String> seenFaults(String campaign) {
      String text = tallies.get(campaign + "/4/faults");
      return text == null ? new ArrayList<>() : read(text, new TypeReference<List<String>>() {});
    }

    private void phase1(String campaign, String node, Instant time) {
      Thresholds t = ledger.thresholds(campaign);
      Map<String, PhaseVerdict> nodeVerdicts = new TreeMap<>();
      List<CheckResult> reports = new ArrayList<>();
      try (KeyValueIterator<String, CheckResult> it =
          checks.prefixScan(campaign + "/1/", new StringSerializer())) {
        it.forEachRemaining(kv -> reports.add(kv.value));
      }
      for (CheckResult report : reports) {
        PhaseVerdict v = PhaseRules.phase1Node(campaign, report.getNode(), report, t,
            report.getNode().equals(node) ? time : report.getEventTime());
        nodeVerdicts.put(report.getNode(), v);
        emit(Keys.phase1Node(campaign, report.getNode()), v);
      }
      emit(Keys.phase(campaign, 1),
          PhaseRules.phase1(campaign, ledger.nodes(campaign), nodeVerdicts, time));
    }

    private void phase2(String campaign, Instant time) {
      Map<String, CheckResult> byKind = new LinkedHashMap<>();
      for (String kind : PHASE2_KINDS) {
        byKind.put(kind, checks.get(campaign + "/2/" + kind));
      }
      long[] t = tally(campaign);
      String observed = tallies.get(campaign + "/2/observed");
      Map<String, Long> observedCounts = ownCounts(campaign, observed == null ? null
          : read(observed, new TypeReference<LinkedHashMap<String, Long>>() {}));
      emit(Keys.phase(campaign, 2), PhaseRules.phase2(campaign, ledger.nodes(campaign),
          ledger.thresholds(campaign), byKind.get("writes"),
          t == null ? null : new PhaseRules.Tally(t[0], t[1], t[2]), byKind.get("counts"),
          observedCounts, byKind.get("probe1"), byKind.get("probe2"),
          byKind.get("precondition"), time));
    }

    private void phase3(String campaign, Instant time) {
      emit(Keys.phase(campaign, 3), PhaseRules.phase3(campaign, ledger.thresholds(campaign),
          checks.get(campaign + "/3/migration"), time));
    }

    private void phase4(String campaign, Instant time) {
      Map<String, FaultBound> byFault = new LinkedHashMap<>();
      List<String> seen = seenFaults(campaign);
      for (String fault : seen) {
        FaultBound b = bounds.get(Keys.fault(campaign, fault));
        if (b != null) {
          byFault.put(fault, b);
        }
      }
      List<CheckResult> extras = new ArrayList<>();
      try (KeyValueIterator<String, CheckResult> it =
          checks.prefixScan(campaign + "/4/extra/", new StringSerializer())) {
        it.forEachRemaining(kv -> extras.add(kv.value));
      }
      emit(Keys.phase(campaign, 4), PhaseRules.phase4(campaign, ledger.config(campaign), seen,
          byFault, extras, time));
    }

    private void emit(String key, PhaseVerdict verdict) {
      if (verdict == null) {
        return;
      }
      PhaseVerdict previous = last.get(key);
      if (previous != null && sameContent(previous, verdict)) {
        return;
      }
      last.put(key, verdict);
      context.forward(new Record<String, SpecificRecord>(key, verdict, ts));
    }

    private static boolean sameContent(PhaseVerdict a, PhaseVerdict b) {
      return a.getVerdict() == b.getVerdict() && a.getReasons().equals(b.getReasons())
          && java.util.Objects.equals(a.getDetailsJson(), b.getDetailsJson())
          && java.util.Objects.equals(a.getNode(), b.getNode());
    }
  }

  private static String write(Object value) {
    try {
      return JsonSerde.MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T read(String text, TypeReference<T> type) {
    try {
      return JsonSerde.MAPPER.readValue(text, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
