package dev.shipgate.streams;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.PhaseSummary;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.SeedJson;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
 * The campaign verdict under the strict rule: PASS only when every phase in
 * {@code config.phases_enabled} is PASS. A phase without a verdict is NOT_RUN; once the campaign
 * was ABORTED, a phase without a verdict, NOT_RUN or INCONCLUSIVE was cut short and is INCOMPLETE,
 * and the campaign is at best INCOMPLETE. Without a STARTED event the campaign is never PASS. Emits the verdict with
 * the seed-shaped campaign-summary.json whenever it changes, and a
 * {@link AlertKind#VERDICT_CHANGED} alert when the verdict itself flips.
 */
public final class CampaignVerdictTopology {
  private CampaignVerdictTopology() {}

  static final String CAMPAIGN_STORE = "campaign-campaigns";
  static final String PHASE_STORE = "campaign-phase-verdicts";
  static final String LAST_STORE = "campaign-last-verdicts";

  private static final DateTimeFormatter COMPLETED_AT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  /**
   * Adds the campaign verdict computation to {@code builder}.
   *
   * @param phaseVerdicts phase verdicts read back from the output topic
   * @return the output stream (CampaignVerdict and Alert values)
   */
  public static KStream<String, SpecificRecord> build(StreamsBuilder builder,
      SchemaRegistry registry, KStream<String, SpecificRecord> campaigns,
      KStream<String, SpecificRecord> phaseVerdicts) {
    builder.addStateStore(CampaignLedger.storeBuilder(CAMPAIGN_STORE, registry));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PHASE_STORE),
        Serdes.String(), Topics.PHASE_VERDICTS.valueSerde(registry)));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LAST_STORE),
        Serdes.String(), Topics.CAMPAIGN_VERDICTS.valueSerde(registry)));
    return campaigns.merge(phaseVerdicts)
        .process(CampaignProcessor::new, Named.as("campaign-verdicts"), CAMPAIGN_STORE,
            PHASE_STORE, LAST_STORE);
  }

  static final class CampaignProcessor
      implements Processor<String, SpecificRecord, String, SpecificRecord> {
    private ProcessorContext<String, SpecificRecord> context;
    private CampaignLedger ledger;
    private KeyValueStore<String, PhaseVerdict> phases;
    private KeyValueStore<String, CampaignVerdict> last;

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
      this.context = context;
      this.ledger = new CampaignLedger(context.getStateStore(CAMPAIGN_STORE));
      this.phases = context.getStateStore(PHASE_STORE);
      this.last = context.getStateStore(LAST_STORE);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
      SpecificRecord value = record.value();
      String campaign;
      Instant time;
      if (value instanceof CampaignEvent e) {
        ledger.record(e);
        campaign = e.getCampaignId();
        time = e.getEventTime();
      } else if (value instanceof PhaseVerdict v) {
        campaign = v.getCampaignId();
        time = v.getUpdatedAt();
        phases.put(record.key(), v);
      } else {
        return;
      }
      Map<String, PhaseVerdict> byKey = new TreeMap<>();
      try (KeyValueIterator<String, PhaseVerdict> it =
          phases.prefixScan(Keys.prefix(campaign), new StringSerializer())) {
        it.forEachRemaining(kv -> byKey.put(kv.key, kv.value));
      }
      CampaignVerdict verdict = evaluate(campaign, ledger.started(campaign), ledger.end(campaign),
          byKey, time);
      CampaignVerdict previous = last.get(campaign);
      if (previous != null && sameContent(previous, verdict)) {
        return;
      }
      last.put(campaign, verdict);
      long ts = record.timestamp();
      context.forward(new Record<String, SpecificRecord>(campaign, verdict, ts));
      if (previous != null && previous.getVerdict() != verdict.getVerdict()) {
        context.forward(new Record<String, SpecificRecord>(campaign, Alert.newBuilder()
            .setCampaignId(campaign)
            .setKind(AlertKind.VERDICT_CHANGED)
            .setMessage("campaign " + campaign + " verdict " + previous.getVerdict() + " -> "
                + verdict.getVerdict()
                + (verdict.getReasons().isEmpty() ? "" : ": " + verdict.getReasons().get(0)))
            .setVerdict(verdict.getVerdict())
            .setPreviousVerdict(previous.getVerdict())
            .setEventTime(time)
            .build(), ts));
      }
    }

    private static boolean sameContent(CampaignVerdict a, CampaignVerdict b) {
      return CampaignVerdict.newBuilder(a).setUpdatedAt(Instant.EPOCH).build()
          .equals(CampaignVerdict.newBuilder(b).setUpdatedAt(Instant.EPOCH).build());
    }
  }

  /**
   * The strict rule over the campaign's phase verdicts (keyed by output key).
   *
   * @param started the STARTED event, or null
   * @param end the FINISHED or ABORTED event, or null
   */
  static CampaignVerdict evaluate(String campaign, CampaignEvent started, CampaignEvent end,
      Map<String, PhaseVerdict> byKey, Instant time) {
    CampaignConfig config = started == null ? null : started.getConfig();
    boolean aborted = end != null && end.getType() == CampaignEventType.ABORTED;
    CampaignState state = end != null
        ? (aborted ? CampaignState.ABORTED : CampaignState.FINISHED)
        : started != null ? CampaignState.RUNNING : CampaignState.UNKNOWN;
    List<String> nodes = new ArrayList<>(config == null ? List.of() : config.getNodes());
    for (PhaseVerdict v : byKey.values()) {
      if (v.getPhase() == 1 && v.getNode() != null && !nodes.contains(v.getNode())) {
        nodes.add(v.getNode());
      }
    }
    List<PhaseSummary> summaries = new ArrayList<>();
    List<Verdict> verdicts = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    String abortNote = aborted ? "campaign aborted"
        + (end.getReason() == null ? "" : ": " + end.getReason()) : null;
    if (config == null) {
      verdicts.add(Verdict.INCOMPLETE);
      reasons.add("no campaign-started event");
    } else {
      for (int phase : config.getPhasesEnabled()) {
        PhaseVerdict whole = byKey.get(Keys.phase(campaign, phase));
        Verdict v = whole == null ? (aborted ? Verdict.INCOMPLETE : Verdict.NOT_RUN)
            : whole.getVerdict();
        // a phase whose evidence is missing or too thin when the campaign was aborted was cut
        // short: INCOMPLETE, not NOT_RUN or INCONCLUSIVE
        boolean cutShort = aborted && whole != null
            && (v == Verdict.NOT_RUN || v == Verdict.INCONCLUSIVE);
        if (cutShort) {
          v = Verdict.INCOMPLETE;
        }
        verdicts.add(v);
        if (whole == null) {
          reasons.add("phase " + phase + ": " + (aborted ? "no verdict, " + abortNote
              : "not run"));
        } else {
          for (String r : whole.getReasons()) {
            reasons.add("phase " + phase + ": " + r);
          }
          if (cutShort) {
            reasons.add("phase " + phase + ": " + abortNote);
          }
        }
        if (phase == 1 && !config.getNodes().isEmpty()) {
          for (String node : config.getNodes()) {
            PhaseVerdict nv = byKey.get(Keys.phase1Node(campaign, node));
            summaries.add(PhaseSummary.newBuilder()
                .setPhase(1)
                .setNode(node)
                .setVerdict(nv != null ? nv.getVerdict()
                    : aborted || whole != null ? Verdict.INCOMPLETE : Verdict.NOT_RUN)
                .setReasons(nv != null ? nv.getReasons()
                    : List.of(whole != null ? "node-" + node + " report missing"
                        : aborted ? abortNote : "not run"))
                .build());
          }
        } else {
          List<String> phaseReasons = new ArrayList<>(whole != null ? whole.getReasons()
              : List.of(aborted ? abortNote : "not run"));
          if (cutShort) {
            phaseReasons.add(abortNote);
          }
          summaries.add(PhaseSummary.newBuilder()
              .setPhase(phase)
              .setVerdict(v)
              .setReasons(phaseReasons)
              .build());
        }
      }
      if (config.getPhasesEnabled().isEmpty()) {
        verdicts.add(Verdict.NOT_RUN);
        reasons.add("no phases enabled");
      }
    }
    if (aborted) {
      // an aborted campaign did not run what it was configured to run: never PASS
      verdicts.add(Verdict.INCOMPLETE);
      if (reasons.isEmpty()) {
        reasons.add(abortNote);
      }
    }
    Verdict verdict = Verdicts.worst(verdicts);
    boolean pass = verdict == Verdict.PASS;
    String completedAt = end == null ? null
        : COMPLETED_AT.format(end.getEventTime().truncatedTo(ChronoUnit.SECONDS));

    ObjectNode summary = SeedJson.object();
    summary.put("campaign_id", campaign);
    if (config == null || config.getTargetRef() == null) {
      summary.putNull("ai_memory_git_ref");
    } else {
      summary.put("ai_memory_git_ref", config.getTargetRef());
    }
    if (completedAt == null) {
      summary.putNull("completed_at");
    } else {
      summary.put("completed_at", completedAt);
    }
    summary.put("overall_pass", pass);
    ArrayNode artifacts = summary.putArray("phases");
    for (String node : nodes) {
      addArtifact(artifacts, byKey.get(Keys.phase1Node(campaign, node)));
    }
    for (int phase = 2; phase <= 4; phase++) {
      addArtifact(artifacts, byKey.get(Keys.phase(campaign, phase)));
    }
    if (config != null) {
      PhaseRules.appendExtras(summary, config.getExtraJson());
    }
    return CampaignVerdict.newBuilder()
        .setCampaignId(campaign)
        .setState(state)
        .setVerdict(verdict)
        .setOverallPass(pass)
        .setTargetName(config == null ? null : config.getTargetName())
        .setTargetVersion(config == null ? null : config.getTargetVersion())
        .setTargetRef(config == null ? null : config.getTargetRef())
        .setCompletedAt(completedAt)
        .setPhases(summaries)
        .setReasons(pass ? List.of() : reasons)
        .setSummaryJson(SeedJson.compact(summary))
        .setUpdatedAt(time)
        .build();
  }

  private static void addArtifact(ArrayNode artifacts, PhaseVerdict v) {
    if (v != null && v.getDetailsJson() != null) {
      artifacts.add(SeedJson.parse(v.getDetailsJson()));
    }
  }
}
