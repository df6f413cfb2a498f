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
import dev.shipgate.state.CycleBook;
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
 *   <li>a phase 4 cycle whose final observation and announced writes and fault events are in (or
 *       its imported tally and observation), by the {@link CycleJudge}: its convergence, its
 *       per-write state dropped, its digest folded into its class ({@link ClassBooks}: the
 *       class's bound so far, PENDING until the campaign is final);
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
  private final Decoded<CycleBook> cycles;
  private final JudgeOutputs out;
  private final ClassBooks classes;
  private final CycleJudge cycleJudge;
  private final CampaignCompletion completion;
  private final SilenceWatch watch;
  /** The records of the cycle the last phase 4 write or poll was of, with its keys. */
  private CycleWrites lastCycle;

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
    this.cycles = new Decoded<>(stores.cycles(), KEPT_CYCLES);
    this.out = new JudgeOutputs(context, stores, component, encoder);
    this.classes = new ClassBooks(new Decoded<>(stores.faults(), KEPT_CLASSES),
        new Decoded<>(stores.visibility(), KEPT_CLASSES), out);
    this.cycleJudge = new CycleJudge(writes, cycles, classes, out);
    this.completion = new CampaignCompletion(stores, writes, books, cycles, out, cycleJudge);
    this.watch = new SilenceWatch(this, stores, context.currentSystemTimeMs());
    if (BeforeCommit.install(context, stores, () -> classes.emitPending(books::get))) {
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
    WriteTally tally = writes.tallyOrEmpty(WriteTally.ofCampaign(campaign));
    long time = Math.max(lastEventMs, Math.max(book.getMaxEventTime(), tally.maxEventTime));
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
      cycleJudge.markCompletable(WriteTally.ofCampaign(campaign));
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
      onPhase4Write(campaign, w);
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

  /**
   * A phase 4 write: its outcome, and its share of its cycle's and its campaign's
   * {@link WriteTally}. The campaign's book is read only when the write may change something
   * beyond the tallies: the campaign's first write (is it judged already?), a cycle's first write,
   * a write that may complete its cycle or, once the end event is in, the campaign. A campaign
   * with a tally is not judged: the tally is folded into the book when it is.
   */
  private void onPhase4Write(String campaign, WriteResult w) {
    long time = w.getEventTime().toEpochMilli();
    CycleWrites cycleWrites = cycleWrites(campaign, w.getFault(), w.getCycle());
    String campaignTallyKey = cycleWrites.campaignTallyKey();
    WriteTally all = writes.tally(campaignTallyKey);
    boolean firstOfCampaign = all == null;
    CampaignBook book = null;
    if (firstOfCampaign) {
      book = book(campaign);
      if (book.getJudged()) {
        out.late(campaign, w, "the campaign was judged already");
        return;
      }
      all = new WriteTally();
      all.completable = book.getEnd() != null;
    }
    all.add(time, false);
    writes.put(campaignTallyKey, all);
    String key = cycleWrites.key();
    String tallyKey = cycleWrites.tallyKey();
    WriteTally tally = writes.tally(tallyKey);
    if (tally == null) {
      // the cycle's first write (or one after it was judged, when its tally is gone)
      CycleBook cb = cycles.get(key);
      if (cb != null && cb.getClosed()) {
        out.late(campaign, w, "cycle " + w.getCycle() + " of " + w.getFault() + " was judged"
            + " already");
        return;
      }
      tally = new WriteTally();
      tally.completable = cb != null && (cb.getNodes() != null || cb.getTallyOk() != null);
      book = book != null ? book : book(campaign);
      if (noteFault(book, w.getFault())) {
        books.put(campaign, book);
      }
    }
    tally.add(time, cycleWrites.write(w));
    writes.put(tallyKey, tally);
    if (tally.completable) {
      book = book != null ? book : book(campaign);
      cycleJudge.closeIfComplete(campaign, book, key, cycle(key, w.getFault(), w.getCycle()));
    }
    if (firstOfCampaign || all.completable) {
      completion.advance(campaign, book != null ? book : book(campaign));
    }
  }

  /** The per-write records of that cycle, with its keys built once for a run of its events. */
  private CycleWrites cycleWrites(String campaign, String fault, int cycle) {
    if (lastCycle == null || !lastCycle.isOf(campaign, fault, cycle)) {
      lastCycle = new CycleWrites(writes, campaign, fault, cycle);
    }
    return lastCycle;
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
    CampaignBook book = admit(campaign, o, o.getPhase(), "observations", o.getEventTime());
    if (book == null) {
      return;
    }
    if (o.getPhase() == 4 && o.getFault() != null && o.getCycle() != null) {
      CycleWrites cycleWrites = cycleWrites(campaign, o.getFault(), o.getCycle());
      String key = cycleWrites.key();
      CycleBook cb = cycle(key, o.getFault(), o.getCycle());
      if (cb.getClosed()) {
        books.put(campaign, book);
        out.late(campaign, o, "cycle " + o.getCycle() + " of " + o.getFault() + " was judged"
            + " already");
        return;
      }
      cycleWrites.sight(o);
      long time = o.getEventTime().toEpochMilli();
      if (o.getSeedPoint() && !o.getFinal$()) {
        cb.setCounted(held(o.getNodes()));
        cb.setSeedPointAt(time);
      }
      if (!o.getFinal$()) {
        if (o.getSeedPoint()) {
          cycles.put(key, cb);
        }
        books.put(campaign, book);
        completion.advance(campaign, book);
        return;
      }
      if (o.getSeedPoint()) {
        // the settle ended at (or before) the seed point: the final poll is the counted one
        cb.setCounted(null);
        cb.setSeedPointAt(time);
      }
      cb.setNodes(held(o.getNodes()));
      cb.setFinalAt(time);
      cb.setExpectedWrites(o.getCycleWrites());
      cb.setExpectedFaults(o.getCycleFaults());
      cb.setMaxEventTime(Math.max(cb.getMaxEventTime(), time));
      cycles.put(key, cb);
      cycleJudge.markCompletable(cycleWrites.tallyKey());
      noteFault(book, o.getFault());
      books.put(campaign, book);
      cycleJudge.closeIfComplete(campaign, book, key, cb);
    } else if (o.getPhase() == 2 && o.getFinal$()) {
      book.setP2Observed(held(o.getNodes()));
      books.put(campaign, book);
    } else {
      books.put(campaign, book);
    }
    completion.advance(campaign, book);
  }

  private static List<NodeHeld> held(List<NodeObservation> nodes) {
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
    CampaignBook book = admit(campaign, c, c.getPhase(), "checks", c.getEventTime());
    if (book == null) {
      return;
    }
    books.put(campaign, book);
    String check = c.getCheck();
    if (c.getPhase() == 4 && c.getFault() != null) {
      noteFault(book, c.getFault());
      books.put(campaign, book);
      if (c.getError() != null) {
        FaultBook fb = classes.fault(campaign, c.getFault());
        fb.setCheckError(check + " failed: " + c.getError());
        fb.setMaxEventTime(Math.max(fb.getMaxEventTime(), c.getEventTime().toEpochMilli()));
        classes.put(campaign, fb);
        classes.changed(campaign, book, fb);
      } else if ("phase4.cycle".equals(check)) {
        String key = Keys.cycle(campaign, c.getFault(), c.getCycle());
        CycleBook cb = cycle(key, c.getFault(), c.getCycle());
        if (cb.getClosed()) {
          out.late(campaign, c, "cycle " + c.getCycle() + " of " + c.getFault() + " was judged"
              + " already");
          return;
        }
        Map<String, Long> m = c.getMetrics();
        cb.setTallyOk(m.getOrDefault("ok", 0L));
        cb.setTallyQuorum(m.getOrDefault("quorum_not_met", 0L));
        cb.setTallyFail(m.getOrDefault("fail", 0L));
        cb.setTallyWrites(m.getOrDefault("writes",
            cb.getTallyOk() + cb.getTallyQuorum() + cb.getTallyFail()));
        cb.setMaxEventTime(Math.max(cb.getMaxEventTime(), c.getEventTime().toEpochMilli()));
        cycles.put(key, cb);
        cycleJudge.markCompletable(WriteTally.ofCycle(key));
        cycleJudge.closeIfComplete(campaign, book, key, cb);
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
    String slot = FinalJudge.checkSlot(c);
    if (slot != null) {
      stores.checks().put(campaign + "/" + slot, c);
    }
    completion.advance(campaign, book);
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
      String key = Keys.cycle(campaign, f.getFault(), f.getCycle());
      CycleBook cb = cycle(key, f.getFault(), f.getCycle());
      if (!cb.getClosed()) {
        // a closed cycle's later fault events (a kill's restart after the settle) were not
        // announced by its final poll and are not its writes' window
        List<Long> times = new ArrayList<>(cb.getFaultTimes());
        times.add((long) f.getAction().ordinal());
        times.add(f.getEventTime().toEpochMilli());
        cb.setFaultTimes(times);
        // not the cycle's time: an event after its final poll may be read before or after the
        // cycle closes (see VisibilityRules.faultWindow)
        cycles.put(key, cb);
        cycleJudge.closeIfComplete(campaign, book, key, cb);
      }
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

  private CycleBook cycle(String key, String fault, int cycle) {
    CycleBook cb = cycles.get(key);
    return cb != null ? cb : newCycle(fault, cycle);
  }

  /**
   * A cycle's empty book: the schema's defaults, set here (a default left to the builder is looked
   * up and deep copied on every build, and a book is built for every cycle).
   */
  static CycleBook newCycle(String fault, int cycle) {
    return CycleBook.newBuilder()
        .setFault(fault)
        .setCycle(cycle)
        .setTallyWrites(null)
        .setTallyOk(null)
        .setTallyQuorum(null)
        .setTallyFail(null)
        .setNodes(null)
        .setExpectedWrites(null)
        .setSeenWrites(0)
        .setClosed(false)
        .setMaxEventTime(0)
        .setCounted(null)
        .setSeedPointAt(null)
        .setFinalAt(null)
        .setExpectedFaults(null)
        .setFaultTimes(new ArrayList<>())
        .build();
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
    count(book, phase, kind);
    touch(book, time);
    return book;
  }

  private static void count(CampaignBook book, int phase, String kind) {
    Map<String, Long> seen = new HashMap<>(book.getSeen());
    seen.merge(phase + "/" + kind, 1L, Long::sum);
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

  static CampaignConfig config(CampaignBook book) {
    return book.getStarted() == null ? null : book.getStarted().getConfig();
  }

  static Thresholds thresholds(CampaignBook book) {
    CampaignConfig config = config(book);
    return config == null ? DEFAULT_THRESHOLDS : config.getThresholds();
  }

}
