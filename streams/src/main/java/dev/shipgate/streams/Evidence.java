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
import dev.shipgate.state.CycleControl;
import dev.shipgate.state.CycleControlKind;
import dev.shipgate.state.CycleDigest;
import dev.shipgate.state.CycleProgress;
import dev.shipgate.state.CycleReport;
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
 * The campaign judge of one task: the campaigns whose id hashes to its partition, from their
 * campaign events and what the cycle tasks report of them ({@link CycleReport}: the events that are
 * not a cycle's own, judged cycles' digests, progress, answers to a finalize), counted against
 * what each campaign's end event announced, whatever order they arrive in; what it completes is
 * judged there and then:
 *
 * <ul>
 *   <li>a judged cycle's digest is folded into its class ({@link ClassBooks}: the class's bound so
 *       far, PENDING until the campaign is final);
 *   <li>the campaign, by the {@link CampaignCompletion}: its pending state while evidence is
 *       missing, and once everything announced is in and every cycle met was judged (or the cycle
 *       tasks answered a finalize), the phase verdicts and the campaign verdict, published once.
 * </ul>
 *
 * <p>It tells every cycle task ({@link CycleControl}, to every partition) a campaign's configured
 * nodes when its STARTED event is in, to finalize it, and that it was judged. Evidence for a
 * campaign already judged is never reinterpreted: it is refused as a dead letter with a
 * LATE_EVIDENCE alert ({@link Sends#late}). Output times are the latest event time of the evidence
 * behind them, so a replay in any order gives the same final records. A campaign whose driver
 * falls silent is watched by the {@link SilenceWatch}.
 */
final class Evidence {
  private static final Thresholds DEFAULT_THRESHOLDS = Thresholds.newBuilder().build();

  /** Books kept decoded in memory ({@link Decoded}): open campaigns, their classes, cycles. */
  private static final int KEPT_CAMPAIGNS = 64;
  private static final int KEPT_CLASSES = 128;
  static final int KEPT_CYCLES = 256;

  private final ProcessorContext<String, SpecificRecord> context;
  private final EvidenceStores.Opened stores;
  private final Decoded<CampaignBook> books;
  private final JudgeOutputs out;
  private final ClassBooks classes;
  private final CampaignCompletion completion;
  private final SilenceWatch watch;

  /**
   * @param component the dead letters' component (the application id)
   * @param encoder the input record's wire bytes, for a dead letter
   * @param control the partitioner of the cycle control topic
   */
  Evidence(ProcessorContext<String, SpecificRecord> context, String component,
      Function<SpecificRecord, byte[]> encoder, ToEveryPartition control) {
    this.context = context;
    this.stores = EvidenceStores.Opened.from(context);
    this.books = new Decoded<>(stores.books(), KEPT_CAMPAIGNS);
    this.out = new JudgeOutputs(context, stores, component, encoder);
    this.classes = new ClassBooks(new Decoded<>(stores.faults(), KEPT_CLASSES),
        new Decoded<>(stores.visibility(), KEPT_CLASSES), out);
    this.completion = new CampaignCompletion(stores, books, out, control);
    this.watch = new SilenceWatch(this, stores, context.currentSystemTimeMs());
    if (BeforeCommit.install(context, stores.writeBacks(), () -> classes.emitPending(books::get))) {
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
      if (e.getConfig() != null) {
        out.forward(campaign, CycleControl.newBuilder().setCampaignId(campaign)
            .setKind(CycleControlKind.STARTED).setNodes(e.getConfig().getNodes().size()).build());
        out.judged();
      }
    } else {
      book.setEnd(e);
    }
    books.put(campaign, book);
    completion.advance(campaign, book);
  }

  // --------------------------------------------------------------------------- writes

  /** A write that is not a cycle's (phases 1-3). */
  private void onWrite(WriteResult w) {
    String campaign = w.getCampaignId();
    alive(campaign, w.getEventTime());
    CampaignBook book = admit(campaign, w, w.getPhase(), "writes", w.getEventTime());
    if (book == null) {
      return;
    }
    if (w.getPhase() == 2) {
      String writeKey = campaign + "/p2/" + w.getWriteId();
      byte[] previous = stores.phase2().get(writeKey);
      if (previous != null) {
        tallyPhase2(book, WriteOutcome.values()[previous[0]], -1);
      }
      tallyPhase2(book, w.getOutcome(), 1);
      stores.phase2().put(writeKey, new byte[] {(byte) w.getOutcome().ordinal()});
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

  /** An observation that is not a cycle's poll. */
  private void onObservation(Observation o) {
    String campaign = o.getCampaignId();
    alive(campaign, o.getEventTime());
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

  /** A check that is not a cycle's imported tally, or the copy of one with seed extras. */
  private void onCheck(CheckResult c) {
    String campaign = c.getCampaignId();
    String check = c.getCheck();
    if (c.getPhase() == 4 && c.getFault() != null && c.getError() == null
        && "phase4.cycle".equals(check)) {
      // counted by its cycle task (late, if the campaign was judged meanwhile, when that count
      // comes): its extras only
      if (!book(campaign).getJudged()) {
        keep(c);
      }
      return;
    }
    alive(campaign, c.getEventTime());
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

  /** A fault event (of a cycle too: its cycle's part is its cycle task's). */
  private void onFault(FaultEvent f) {
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

  // --------------------------------------------------------------------------- reports

  /** What a cycle task reports: an event, a judged cycle, progress or its answer to a finalize. */
  void onReport(CycleReport r, long timestamp) {
    out.at(timestamp);
    Object e = r.getEvidence();
    if (e != null) {
      out.readFrom(new Sends.Source(r.getSourceTopic(), r.getSourcePartition(),
          r.getSourceOffset()));
      if (e instanceof WriteResult w) {
        onWrite(w);
      } else if (e instanceof Observation o) {
        onObservation(o);
      } else if (e instanceof CheckResult c) {
        onCheck(c);
      } else {
        onFault((FaultEvent) e);
      }
    } else if (r.getDigest() != null) {
      onDigest(r.getDigest());
    } else if (r.getProgress() != null) {
      onProgress(r.getCampaignId(), r.getProgress());
    } else if (r.getDone() != null) {
      onDone(r.getCampaignId(), r.getDone());
    }
  }

  /** A judged cycle, into its class. */
  private void onDigest(CycleDigest d) {
    String campaign = d.getCampaignId();
    CampaignBook book = book(campaign);
    if (book.getJudged()) {
      out.lateAlert(campaign, "late evidence for campaign " + campaign + ": cycle " + d.getCycle()
          + " of " + d.getFault() + " judged by its cycle task after the campaign's final verdict;"
          + " not counted");
      return;
    }
    classes.fold(book, d);
  }

  /** What a cycle task counted of the campaign since its last report. */
  private void onProgress(String campaign, CycleProgress p) {
    if (p.getMaxEventTime() > 0) {
      alive(campaign, Instant.ofEpochMilli(p.getMaxEventTime()));
    }
    CampaignBook book = book(campaign);
    if (book.getJudged()) {
      long n = p.getCounts().values().stream().mapToLong(Long::longValue).sum();
      if (n > 0) {
        out.lateAlert(campaign, "late evidence for campaign " + campaign + ": " + n + " events"
            + " counted by a cycle task after the campaign's final verdict " + p.getCounts()
            + "; not counted");
      }
      return;
    }
    Map<String, Long> seen = new HashMap<>(book.getSeen());
    p.getCounts().forEach((kind, n) -> seen.merge(kind, n, Long::sum));
    if (p.getOpened() != 0) {
      seen.merge(CampaignCompletion.CYCLES_OPENED, (long) p.getOpened(), Long::sum);
    }
    if (p.getClosed() != 0) {
      seen.merge(CampaignCompletion.CYCLES_CLOSED, (long) p.getClosed(), Long::sum);
    }
    book.setSeen(seen);
    book.setMaxEventTime(Math.max(book.getMaxEventTime(), p.getMaxEventTime()));
    p.getFaults().forEach(f -> noteFault(book, f));
    books.put(campaign, book);
    completion.advance(campaign, book);
  }

  /** A cycle task's answer to the campaign's finalize: it has closed what it had. */
  private void onDone(String campaign, int partition) {
    CampaignBook book = book(campaign);
    if (book.getJudged() || book.getDonePartitions().contains(partition)) {
      return;
    }
    List<Integer> done = new ArrayList<>(book.getDonePartitions());
    done.add(partition);
    book.setDonePartitions(done);
    books.put(campaign, book);
    completion.advance(campaign, book);
  }

  static CampaignConfig config(CampaignBook book) {
    return book.getStarted() == null ? null : book.getStarted().getConfig();
  }

  static Thresholds thresholds(CampaignBook book) {
    CampaignConfig config = config(book);
    return config == null ? DEFAULT_THRESHOLDS : config.getThresholds();
  }

}
