package dev.shipgate.streams;

import dev.shipgate.events.CheckResult;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.events.Observation;
import dev.shipgate.events.WriteResult;
import dev.shipgate.state.CycleControl;
import dev.shipgate.state.CycleDigest;
import dev.shipgate.state.CycleProgress;
import dev.shipgate.state.CycleReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * A cycle task: the evidence one partition of the writes, observations, checks and faults topics
 * holds. A phase 4 cycle's own events are judged here ({@link CycleStage}); everything else, and
 * a copy of each fault event, goes to the campaign judge as a {@link CycleReport}, with the
 * stage's reports (digests, progress, the answer to a finalize). It hears the judge on the cycle
 * control topic ({@link CycleControl}): a campaign's configured nodes, finalize, judged.
 */
final class CycleTask implements CycleStage.Ledger {
  private final ProcessorContext<String, SpecificRecord> context;
  private final CycleStores.Opened stores;
  private final Sends out;
  private final CycleStage stage;

  /**
   * @param component the dead letters' component (the application id)
   * @param encoder the input record's wire bytes, for a dead letter
   */
  CycleTask(ProcessorContext<String, SpecificRecord> context, String component,
      Function<SpecificRecord, byte[]> encoder) {
    this.context = context;
    this.stores = CycleStores.Opened.from(context);
    this.out = new Sends(context, component, encoder);
    this.stage = new CycleStage(new OpenWrites(stores.writes()),
        new Decoded<>(stores.cycles(), Evidence.KEPT_CYCLES), out, this);
    if (BeforeCommit.install(context, stores.writeBacks(), stage::reportAll)) {
      stage.deferToCommits();
    }
  }

  // --------------------------------------------------------------------------- evidence

  void onWrite(WriteResult w, long timestamp) {
    out.at(timestamp);
    if (w.getPhase() == 4) {
      stage.onWrite(w);
    } else {
      toJudge(w.getCampaignId(), w);
    }
  }

  void onObservation(Observation o, long timestamp) {
    out.at(timestamp);
    if (o.getPhase() == 4 && o.getFault() != null && o.getCycle() != null) {
      stage.onObservation(o);
    } else {
      toJudge(o.getCampaignId(), o);
    }
  }

  void onCheck(CheckResult c, long timestamp) {
    out.at(timestamp);
    if (c.getPhase() == 4 && c.getFault() != null && c.getError() == null
        && "phase4.cycle".equals(c.getCheck())) {
      stage.onCheck(c);
    } else {
      toJudge(c.getCampaignId(), c);
    }
  }

  /** A fault event is the campaign's (the judge counts it) and, of a cycle, the cycle's too. */
  void onFault(FaultEvent f, long timestamp) {
    out.at(timestamp);
    if (f.getPhase() == 4 && f.getCycle() != null && !judged(f.getCampaignId())) {
      stage.onFault(f);
    }
    toJudge(f.getCampaignId(), f);
  }

  // --------------------------------------------------------------------------- the judge's word

  void onControl(CycleControl c, long timestamp) {
    out.at(timestamp);
    String campaign = c.getCampaignId();
    switch (c.getKind()) {
      case STARTED -> stores.nodes().put(campaign, c.getNodes());
      case FINALIZE -> {
        // the campaign's open cycles with a final observation judged on what they have, what
        // was counted reported, then this partition's answer
        stage.finalizeCampaign(campaign);
        stage.report(campaign);
        send(campaign, report(campaign).setDone(context.taskId().partition()).build());
      }
      case JUDGED -> {
        stores.judged().put(campaign, new byte[0]);
        stores.nodes().delete(campaign);
        stage.drop(campaign);
      }
      default -> throw new IllegalStateException("unknown control " + c.getKind());
    }
  }

  // --------------------------------------------------------------------------- the ledger

  @Override
  public boolean judged(String campaign) {
    return stores.judged().get(campaign) != null;
  }

  @Override
  public int configuredNodes(String campaign) {
    Integer n = stores.nodes().get(campaign);
    return n == null ? 0 : n;
  }

  @Override
  public void kept(CheckResult c) {
    toJudge(c.getCampaignId(), c);
  }

  @Override
  public void cycleJudged(CycleDigest digest) {
    send(digest.getCampaignId(), report(digest.getCampaignId()).setDigest(digest).build());
  }

  /**
   * Progress is sent with a digest or when the task commits; it asks for no commit of its own (a
   * report sent in a commit's flush asking for another would commit at every poll while live).
   */
  @Override
  public void progressed(String campaign, CycleStage.Progress p) {
    context.forward(new Record<>(campaign, report(campaign).setProgress(CycleProgress.newBuilder()
        .setCounts(new LinkedHashMap<>(p.counts))
        .setFaults(new ArrayList<>(p.faults))
        .setOpened(p.opened)
        .setClosed(p.closed)
        .setMaxEventTime(p.maxEventTime)
        .build()).build(), out.timestamp()));
  }

  // --------------------------------------------------------------------------- reports

  /** An event for the judge, with where it was read (for its dead letter, should it be late). */
  private void toJudge(String campaign, SpecificRecord event) {
    Optional<RecordMetadata> meta = context.recordMetadata();
    send(campaign, report(campaign)
        .setEvidence(event)
        .setSourceTopic(meta.map(RecordMetadata::topic).orElse(null))
        .setSourcePartition(meta.map(RecordMetadata::partition).orElse(null))
        .setSourceOffset(meta.map(RecordMetadata::offset).orElse(null))
        .build());
  }

  private static CycleReport.Builder report(String campaign) {
    return CycleReport.newBuilder()
        .setCampaignId(campaign)
        .setDigest(null)
        .setProgress(null)
        .setDone(null)
        .setEvidence(null)
        .setSourceTopic(null)
        .setSourcePartition(null)
        .setSourceOffset(null);
  }

  /**
   * To the judge, keyed by campaign; from live evidence, committed at once (a judged cycle, the
   * answer to a finalize, an event that is the judge's: not one per write or poll).
   */
  private void send(String campaign, CycleReport r) {
    context.forward(new Record<>(campaign, r, out.timestamp()));
    out.judged();
  }
}
