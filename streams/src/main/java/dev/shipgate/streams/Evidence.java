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
import dev.shipgate.state.CampaignBook;
import dev.shipgate.state.CycleDigest;
import dev.shipgate.state.FaultBook;
import dev.shipgate.state.NodeHeld;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * The campaigns of one task as their evidence arrives: each decoded input event is booked
 * ({@link EvidenceStores}) and counted against what the campaign's end event announced, whatever
 * order the topics are read in; what it completes is judged there and then:
 *
 * <ul>
 *   <li>a phase 4 cycle's own events go to the {@link CycleStage}, which judges the cycle once
 *       its final observation and announced writes and fault events are in (or its imported
 *       tally and observation) and tells this side, its {@link CycleStage.Ledger}, what it
 *       counted and the cycle's digest, folded into its class ({@link ClassBooks}: the class's
 *       bound so far, PENDING until the campaign is final);
 *   <li>the campaign, by the {@link CampaignCompletion}: its pending state while evidence is
 *       missing, and once everything announced is in, the phase verdicts and the campaign
 *       verdict, published once.
 * </ul>
 *
 * <p>Evidence for a cycle or a campaign already judged is never reinterpreted: it is refused as a
 * dead letter with a LATE_EVIDENCE alert ({@link JudgeOutputs#late}). Output times are the latest
 * event time of the evidence behind them, so a replay in any order gives the same final records.
 * A campaign whose driver falls silent is watched by the {@link SilenceWatch}.
 */
final class Evidence {
  private static final Thresholds DEFAULT_THRESHOLDS = Thresholds.newBuilder().build();

  /** Books kept decoded in memory ({@link Decoded}): open campaigns, their classes, cycles. */
  private static final int KEPT_CAMPAIGNS = 64;
  private static final int KEPT_CLASSES = 128;
  private static final int KEPT_CYCLES = 256;

  private final ProcessorContext<String, SpecificRecord> context;
  private final EvidenceStores.Opened stores;
  private final OpenWrites writes;
  private final Decoded<CampaignBook> books;
  private final JudgeOutputs out;
  private final ClassBooks classes;
  private final CycleStage cycles;
  private final CampaignCompletion completion;
  private final SilenceWatch watch;

  /**
   * @param component the dead letters' component (the application id)
   * @param encoder the input record's wire bytes, for a dead letter
   */
  Evidence(ProcessorContext<String, SpecificRecord> context, String component,
      Function<SpecificRecord, byte[]> encoder) {
    this.context = context;
    this.stores = EvidenceStores.Opened.from(context);
    this.writes = new OpenWrites(stores.writes());
    this.books = new Decoded<>(stores.books(), KEPT_CAMPAIGNS);
    this.out = new JudgeOutputs(context, stores, component, encoder);
    this.classes = new ClassBooks(new Decoded<>(stores.faults(), KEPT_CLASSES),
        new Decoded<>(stores.visibility(), KEPT_CLASSES), out);
    this.cycles = new CycleStage(writes, new Decoded<>(stores.cycles(), KEPT_CYCLES), out,
        new CampaignSide());
    this.completion = new CampaignCompletion(stores, books, cycles, out);
    this.watch = new SilenceWatch(this, stores, context.currentSystemTimeMs());
    Runnable beforeCommit = () -> {
      cycles.reportAll();
      classes.emitPending(books::get);
    };
    if (BeforeCommit.install(context, stores, beforeCommit)) {
      cycles.deferToCommits();
      classes.deferToCommits();
    }
  }

  // --------------------------------------------------------------------------- liveness

  /** Notes that {@code campaign} published, and says so if it had been found stalled. */
  private void alive(String campaign, Instant eventTime) {
    long silentSince = watch.alive(campaign, eventTime.toEpochMilli(),
        context.currentSystemTimeMs());
    if (silentSince >= 0) {
      out.forward(campaign, Alert.newBuilder()
          .setCampaignId(campaign)
          .setKind(AlertKind.CAMPAIGN_RESUMED)
          .setMessage("campaign " + campaign + " resumed: published again after silence since "
              + SilenceWatch.iso(silentSince))
          .setEventTime(eventTime)
          .build());
    }
  }

  /** Wall-clock punctuation: the task's silent campaigns stalled or abandoned. */
  void onWallClock(long now) {
    watch.check(now);
  }

  /** Forwards {@code alert} for {@code campaign}, stamped {@code time} (a punctuation's). */
  void alert(String campaign, Alert alert, long time) {
    out.at(time);
    out.forward(campaign, alert);
  }

  /**
   * Judges a campaign whose driver fell silent: ABORTED with {@code reason} (what it announced,
   * if it ended, is not waited for any longer), with a CAMPAIGN_ABANDONED alert.
   */
  void abandon(String campaign, String reason, long lastEventMs) {
    cycles.report(campaign);
    CampaignBook book = book(campaign);
    if (book.getJudged()) {
      return;
    }
    long time = Math.max(lastEventMs, book.getMaxEventTime());
    out.at(time);
    String full = reason;
    if (book.getEnd() != null) {
      full += "; its " + book.getEnd().getType() + " event was in, but not every event it"
          + " announced arrived";
    }
    out.forward(campaign, Alert.newBuilder()
        .setCampaignId(campaign)
        .setKind(AlertKind.CAMPAIGN_ABANDONED)
        .setMessage("campaign " + campaign + " abandoned, judged ABORTED: " + full)
        .setEventTime(Instant.ofEpochMilli(time))
        .build());
    book.setEnd(CampaignEvent.newBuilder()
        .setCampaignId(campaign)
        .setEventId("abandoned/" + campaign)
        .setEventTime(Instant.ofEpochMilli(time))
        .setType(CampaignEventType.ABORTED)
        .setReason(full)
        .setManifest(null)
        .build());
    touch(book, Instant.ofEpochMilli(time));
    books.put(campaign, book);
    completion.advance(campaign, book);
  }

  // --------------------------------------------------------------------------- campaign events

  void onCampaign(CampaignEvent e, long timestamp) {
    out.at(timestamp);
    String campaign = e.getCampaignId();
    alive(campaign, e.getEventTime());
    CampaignBook book = book(campaign);
    if (book.getJudged()) {
      boolean same = e.getType() == CampaignEventType.STARTED
          ? book.getStarted() != null && book.getStarted().getEventId().equals(e.getEventId())
          : book.getEnd() != null && book.getEnd().getEventId().equals(e.getEventId());
      if (!same) {
        out.late(campaign, e, "the campaign was judged already (a " + e.getType()
            + " event after its final verdict)");
      }
      return;
    }
    touch(book, e.getEventTime());
    if (e.getType() == CampaignEventType.STARTED) {
      book.setStarted(e);
    } else {
      book.setEnd(e);
    }
    books.put(campaign, book);
    completion.advance(campaign, book);
  }

  // --------------------------------------------------------------------------- writes

  void onWrite(WriteResult w, long timestamp) {
    out.at(timestamp);
    String campaign = w.getCampaignId();
    alive(campaign, w.getEventTime());
    if (w.getPhase() == 4) {
      cycles.onWrite(w);
      return;
    }
    CampaignBook book = admit(campaign, w, w.getPhase(), "writes", w.getEventTime());
    if (book == null) {
      return;
    }
    if (w.getPhase() == 2) {
      String writeKey = campaign + "/p2/" + w.getWriteId();
      byte[] previous = writes.raw(writeKey);
      if (previous != null) {
        tallyPhase2(book, WriteOutcome.values()[previous[0]], -1);
      }
      tallyPhase2(book, w.getOutcome(), 1);
      writes.putRaw(writeKey, new byte[] {(byte) w.getOutcome().ordinal()});
    }
    books.put(campaign, book);
    completion.advance(campaign, book);
  }

  private static void tallyPhase2(CampaignBook book, WriteOutcome o, int d) {
    switch (o) {
      case OK -> book.setP2Ok(book.getP2Ok() + d);
      case QUORUM_NOT_MET -> book.setP2Quorum(book.getP2Quorum() + d);
      default -> book.setP2Fail(book.getP2Fail() + d);
    }
  }

  // --------------------------------------------------------------------------- observations

  void onObservation(Observation o, long timestamp) {
    out.at(timestamp);
    String campaign = o.getCampaignId();
    alive(campaign, o.getEventTime());
    if (o.getPhase() == 4 && o.getFault() != null && o.getCycle() != null) {
      cycles.onObservation(o);
      return;
    }
    CampaignBook book = admit(campaign, o, o.getPhase(), "observations", o.getEventTime());
    if (book == null) {
      return;
    }
    if (o.getPhase() == 2 && o.getFinal$()) {
      book.setP2Observed(held(o.getNodes()));
      books.put(campaign, book);
    } else {
      books.put(campaign, book);
    }
    completion.advance(campaign, book);
  }

  /** A poll's per-node counts and ids as a book keeps them. */
  static List<NodeHeld> held(List<NodeObservation> nodes) {
    List<NodeHeld> out = new ArrayList<>();
    for (NodeObservation n : nodes) {
      out.add(NodeHeld.newBuilder()
          .setNode(n.getNode())
          .setIndex(n.getNodeIndex())
          .setCount(n.getCount())
          .setRaw(n.getRawCount())
          .setIds(n.getIds() == null ? null : new ArrayList<>(n.getIds()))
          .setForeign(n.getForeignCount())
          .build());
    }
    return out;
  }

  // --------------------------------------------------------------------------- checks

  void onCheck(CheckResult c, long timestamp) {
    out.at(timestamp);
    String campaign = c.getCampaignId();
    alive(campaign, c.getEventTime());
    String check = c.getCheck();
    if (c.getPhase() == 4 && c.getFault() != null && c.getError() == null
        && "phase4.cycle".equals(check)) {
      cycles.onCheck(c);
      return;
    }
    CampaignBook book = admit(campaign, c, c.getPhase(), "checks", c.getEventTime());
    if (book == null) {
      return;
    }
    books.put(campaign, book);
    if (c.getPhase() == 4 && c.getFault() != null) {
      noteFault(book, c.getFault());
      books.put(campaign, book);
      if (c.getError() != null) {
        FaultBook fb = classes.fault(campaign, c.getFault());
        fb.setCheckError(check + " failed: " + c.getError());
        fb.setMaxEventTime(Math.max(fb.getMaxEventTime(), c.getEventTime().toEpochMilli()));
        classes.put(campaign, fb);
        classes.changed(campaign, book, fb);
      } else if ("phase4.bound".equals(check)) {
        FaultBook fb = classes.fault(campaign, c.getFault());
        fb.setImportedBound(c.getValues().get("bound").trim());
        Long cpf = c.getMetrics().get("cycles_per_fault");
        Long wpc = c.getMetrics().get("writes_per_cycle");
        fb.setImportedCycles(cpf == null ? null : cpf.intValue());
        fb.setImportedWritesPerCycle(wpc == null ? null : wpc.intValue());
        fb.setMaxEventTime(Math.max(fb.getMaxEventTime(), c.getEventTime().toEpochMilli()));
        classes.put(campaign, fb);
        classes.changed(campaign, book, fb);
      }
    }
    keep(c);
    completion.advance(campaign, book);
  }

  /** Keeps a check the final judgement reads, if it is one ({@link FinalJudge#checkSlot}). */
  private void keep(CheckResult c) {
    String slot = FinalJudge.checkSlot(c);
    if (slot != null) {
      stores.checks().put(c.getCampaignId() + "/" + slot, c);
    }
  }

  // --------------------------------------------------------------------------- fault events

  void onFault(FaultEvent f, long timestamp) {
    out.at(timestamp);
    String campaign = f.getCampaignId();
    alive(campaign, f.getEventTime());
    CampaignBook book = admit(campaign, f, f.getPhase(), "faults", f.getEventTime());
    if (book == null) {
      return;
    }
    String applied = f.getFault() + " on " + f.getTargetNode();
    if (f.getAction() == FaultAction.INJECTED) {
      Map<String, Long> open = new HashMap<>(book.getOpenFaults());
      open.put(applied, f.getEventTime().toEpochMilli());
      book.setOpenFaults(open);
    } else if (f.getAction() == FaultAction.HEALED && book.getOpenFaults().containsKey(applied)) {
      Map<String, Long> open = new HashMap<>(book.getOpenFaults());
      open.remove(applied);
      book.setOpenFaults(open);
    }
    books.put(campaign, book);
    if (f.getPhase() == 4 && f.getCycle() != null) {
      cycles.onFault(f);
    }
    if (f.getAction() == FaultAction.NOT_APPLIED) {
      String reason = f.getReason() == null ? "no reason given" : f.getReason();
      out.forward(campaign, Alert.newBuilder()
          .setCampaignId(campaign)
          .setKind(AlertKind.FAULT_NOT_APPLIED)
          .setMessage(f.getFault() + " on " + f.getTargetNode()
              + (f.getCycle() == null ? "" : " (cycle " + f.getCycle() + ")")
              + " not applied: " + reason)
          .setPhase(f.getPhase())
          .setFault(f.getFault())
          .setEventTime(f.getEventTime())
          .build());
      if (f.getPhase() == 4) {
        noteFault(book, f.getFault());
        books.put(campaign, book);
        FaultBook fb = classes.fault(campaign, f.getFault());
        if (fb.getNotApplied() == null) {
          fb.setNotApplied(reason);
        }
        fb.setMaxEventTime(Math.max(fb.getMaxEventTime(), f.getEventTime().toEpochMilli()));
        classes.put(campaign, fb);
        classes.changed(campaign, book, fb);
      }
    }
    completion.advance(campaign, book);
  }

  // --------------------------------------------------------------------------- books

  private CampaignBook book(String campaign) {
    CampaignBook book = books.get(campaign);
    return book != null ? book : CampaignBook.newBuilder().setSeen(new HashMap<>())
        .setFaultsSeen(new ArrayList<>()).build();
  }

  /**
   * The campaign's book with {@code value} counted (as {@code <phase>/<kind>}) and its time noted,
   * or null when the campaign was judged already: then {@code value} is refused as late evidence.
   */
  private CampaignBook admit(String campaign, SpecificRecord value, int phase, String kind,
      Instant time) {
    CampaignBook book = book(campaign);
    if (book.getJudged()) {
      out.late(campaign, value, "the campaign was judged already");
      return null;
    }
    count(book, phase + "/" + kind);
    touch(book, time);
    return book;
  }

  private static void count(CampaignBook book, String kind) {
    Map<String, Long> seen = new HashMap<>(book.getSeen());
    seen.merge(kind, 1L, Long::sum);
    book.setSeen(seen);
  }

  private static void touch(CampaignBook book, Instant time) {
    book.setMaxEventTime(Math.max(book.getMaxEventTime(), time.toEpochMilli()));
  }

  /** Adds {@code fault} to the classes seen; true when it is new. */
  private static boolean noteFault(CampaignBook book, String fault) {
    if (fault != null && !book.getFaultsSeen().contains(fault)) {
      List<String> seen = new ArrayList<>(book.getFaultsSeen());
      seen.add(fault);
      book.setFaultsSeen(seen);
      return true;
    }
    return false;
  }

  // --------------------------------------------------------------------------- the cycles' ledger

  /** The campaigns' side as the {@link CycleStage} sees it: their books, their classes. */
  private final class CampaignSide implements CycleStage.Ledger {
    @Override
    public boolean judged(String campaign) {
      return book(campaign).getJudged();
    }

    @Override
    public CampaignConfig config(String campaign) {
      return Evidence.config(book(campaign));
    }

    @Override
    public void kept(CheckResult c) {
      keep(c);
    }

    @Override
    public void cycleJudged(CycleDigest digest) {
      classes.fold(book(digest.getCampaignId()), digest);
    }

    @Override
    public void progressed(String campaign, CycleStage.Progress p) {
      CampaignBook book = book(campaign);
      if (book.getJudged()) {
        return; // never: a campaign's progress is reported before it is judged
      }
      Map<String, Long> seen = new HashMap<>(book.getSeen());
      p.counts.forEach((kind, n) -> seen.merge(kind, n, Long::sum));
      book.setSeen(seen);
      book.setMaxEventTime(Math.max(book.getMaxEventTime(), p.maxEventTime));
      p.faults.forEach(f -> noteFault(book, f));
      books.put(campaign, book);
      completion.advance(campaign, book);
  }
  }

  static CampaignConfig config(CampaignBook book) {
    return book.getStarted() == null ? null : book.getStarted().getConfig();
  }

  static Thresholds thresholds(CampaignBook book) {
    CampaignConfig config = config(book);
    return config == null ? DEFAULT_THRESHOLDS : config.getThresholds();
  }

}
