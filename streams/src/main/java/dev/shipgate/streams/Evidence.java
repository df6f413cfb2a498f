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
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.DeadLetter;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.SoakRun;
import dev.shipgate.results.Verdict;
import dev.shipgate.results.VisibilitySummary;
import dev.shipgate.schemas.AlertIds;
import dev.shipgate.schemas.ConvergenceMath;
import dev.shipgate.schemas.DeadLetters;
import dev.shipgate.state.CampaignBook;
import dev.shipgate.state.CycleBook;
import dev.shipgate.state.FaultBook;
import dev.shipgate.state.NodeHeld;
import dev.shipgate.state.VisibilityBook;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Everything Streams knows of the campaigns of one task, and the one place their evidence is
 * judged: each decoded input event is booked ({@link EvidenceStores}), counted against what the
 * campaign's end event announced, and turned into outputs when, and only when, the evidence for
 * them is complete, whatever order the topics are read in:
 *
 * <ul>
 *   <li>a phase 4 cycle is judged ({@link CycleConvergence}, its share of the class's
 *       {@link FaultBound}) once its final observation and every write that observation announced
 *       have arrived, or its imported tally and observation; its per-write state is then dropped;
 *   <li>a fault bound is published after each judged cycle with the bound so far and verdict
 *       PENDING, and with its verdict once the campaign is final;
 *   <li>the campaign is final once its end event is in and every event it announced has been
 *       judged: then the phase verdicts and the campaign verdict are published, once. Before,
 *       the campaign verdict is PENDING (RUNNING, FINISHING).
 * </ul>
 *
 * <p>Evidence for a cycle or a campaign already judged is never reinterpreted: it is refused as a
 * dead letter with a LATE_EVIDENCE alert. Output times are the latest event time of the evidence
 * behind them, so a replay in any order gives the same final records.
 */
final class Evidence {
  private static final Thresholds DEFAULT_THRESHOLDS = Thresholds.newBuilder().build();
  /** The manifest's entry for phase 4 writes, counted in the campaign's {@link WriteTally}. */
  private static final String PHASE4_WRITES = "4/writes";

  /** Books kept decoded in memory ({@link Decoded}): open campaigns, their classes, cycles. */
  private static final int KEPT_CAMPAIGNS = 64;
  private static final int KEPT_CLASSES = 128;
  private static final int KEPT_CYCLES = 256;

  private final ProcessorContext<String, SpecificRecord> context;
  private final EvidenceStores.Opened stores;
  private final OpenWrites writes;
  private final Decoded<CampaignBook> books;
  private final Decoded<CycleBook> cycles;
  private final Decoded<FaultBook> faults;
  private final Decoded<VisibilityBook> visibility;
  private final LiveCommits commits;
  private final FinalJudge judge;
  private final String component;
  private final Function<SpecificRecord, byte[]> encoder;
  private final SilenceWatch watch;
  private long ts;

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
    this.faults = new Decoded<>(stores.faults(), KEPT_CLASSES);
    this.visibility = new Decoded<>(stores.visibility(), KEPT_CLASSES);
    this.judge = new FinalJudge(stores);
    this.commits = new LiveCommits(context);
    this.component = component;
    this.encoder = encoder;
    this.watch = new SilenceWatch(this, stores, context.currentSystemTimeMs());
  }

  // --------------------------------------------------------------------------- liveness

  /** Notes that {@code campaign} published, and says so if it had been found stalled. */
  private void alive(String campaign, Instant eventTime) {
    long silentSince = watch.alive(campaign, eventTime.toEpochMilli(),
        context.currentSystemTimeMs());
    if (silentSince >= 0) {
      forward(campaign, Alert.newBuilder()
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
    ts = time;
    forward(campaign, alert);
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
    ts = time;
    String full = reason;
    if (book.getEnd() != null) {
      full += "; its " + book.getEnd().getType() + " event was in, but not every event it"
          + " announced arrived";
    }
    forward(campaign, Alert.newBuilder()
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
    advance(campaign, book);
  }

  // --------------------------------------------------------------------------- campaign events

  void onCampaign(CampaignEvent e, long timestamp) {
    ts = timestamp;
    String campaign = e.getCampaignId();
    alive(campaign, e.getEventTime());
    CampaignBook book = book(campaign);
    if (book.getJudged()) {
      boolean same = e.getType() == CampaignEventType.STARTED
          ? book.getStarted() != null && book.getStarted().getEventId().equals(e.getEventId())
          : book.getEnd() != null && book.getEnd().getEventId().equals(e.getEventId());
      if (!same) {
        late(campaign, e, "the campaign was judged already (a " + e.getType()
            + " event after its final verdict)");
      }
      return;
    }
    touch(book, e.getEventTime());
    if (e.getType() == CampaignEventType.STARTED) {
      book.setStarted(e);
    } else {
      book.setEnd(e);
      markCompletable(WriteTally.ofCampaign(campaign));
    }
    books.put(campaign, book);
    advance(campaign, book);
  }

  // --------------------------------------------------------------------------- writes

  void onWrite(WriteResult w, long timestamp) {
    ts = timestamp;
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
    advance(campaign, book);
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
    String campaignTallyKey = WriteTally.ofCampaign(campaign);
    WriteTally all = writes.tally(campaignTallyKey);
    boolean firstOfCampaign = all == null;
    CampaignBook book = null;
    if (firstOfCampaign) {
      book = book(campaign);
      if (book.getJudged()) {
        late(campaign, w, "the campaign was judged already");
        return;
      }
      all = new WriteTally();
      all.completable = book.getEnd() != null;
    }
    all.add(time, false);
    writes.put(campaignTallyKey, all);
    String key = Keys.cycle(campaign, w.getFault(), w.getCycle());
    String tallyKey = WriteTally.ofCycle(key);
    WriteTally tally = writes.tally(tallyKey);
    if (tally == null) {
      // the cycle's first write (or one after it was judged, when its tally is gone)
      CycleBook cb = cycles.get(key);
      if (cb != null && cb.getClosed()) {
        late(campaign, w, "cycle " + w.getCycle() + " of " + w.getFault() + " was judged"
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
    tally.add(time, new CycleWrites(writes, key).write(w));
    writes.put(tallyKey, tally);
    if (tally.completable) {
      book = book != null ? book : book(campaign);
      closeIfComplete(campaign, book, key, cycle(key, w.getFault(), w.getCycle()));
    }
    if (firstOfCampaign || all.completable) {
      advance(campaign, book != null ? book : book(campaign));
    }
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
    ts = timestamp;
    String campaign = o.getCampaignId();
    alive(campaign, o.getEventTime());
    CampaignBook book = admit(campaign, o, o.getPhase(), "observations", o.getEventTime());
    if (book == null) {
      return;
    }
    if (o.getPhase() == 4 && o.getFault() != null && o.getCycle() != null) {
      String key = Keys.cycle(campaign, o.getFault(), o.getCycle());
      CycleBook cb = cycle(key, o.getFault(), o.getCycle());
      if (cb.getClosed()) {
        books.put(campaign, book);
        late(campaign, o, "cycle " + o.getCycle() + " of " + o.getFault() + " was judged"
            + " already");
        return;
      }
      new CycleWrites(writes, key).sight(o);
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
        advance(campaign, book);
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
      markCompletable(WriteTally.ofCycle(key));
      noteFault(book, o.getFault());
      books.put(campaign, book);
      closeIfComplete(campaign, book, key, cb);
    } else if (o.getPhase() == 2 && o.getFinal$()) {
      book.setP2Observed(held(o.getNodes()));
      books.put(campaign, book);
    } else {
      books.put(campaign, book);
    }
    advance(campaign, book);
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
    ts = timestamp;
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
        FaultBook fb = fault(campaign, c.getFault());
        fb.setCheckError(check + " failed: " + c.getError());
        fb.setMaxEventTime(Math.max(fb.getMaxEventTime(), c.getEventTime().toEpochMilli()));
        faults.put(Keys.fault(campaign, c.getFault()), fb);
        emitBound(campaign, book, fb);
      } else if ("phase4.cycle".equals(check)) {
        String key = Keys.cycle(campaign, c.getFault(), c.getCycle());
        CycleBook cb = cycle(key, c.getFault(), c.getCycle());
        if (cb.getClosed()) {
          late(campaign, c, "cycle " + c.getCycle() + " of " + c.getFault() + " was judged"
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
        markCompletable(WriteTally.ofCycle(key));
        closeIfComplete(campaign, book, key, cb);
      } else if ("phase4.bound".equals(check)) {
        FaultBook fb = fault(campaign, c.getFault());
        fb.setImportedBound(c.getValues().get("bound").trim());
        Long cpf = c.getMetrics().get("cycles_per_fault");
        Long wpc = c.getMetrics().get("writes_per_cycle");
        fb.setImportedCycles(cpf == null ? null : cpf.intValue());
        fb.setImportedWritesPerCycle(wpc == null ? null : wpc.intValue());
        fb.setMaxEventTime(Math.max(fb.getMaxEventTime(), c.getEventTime().toEpochMilli()));
        faults.put(Keys.fault(campaign, c.getFault()), fb);
        emitBound(campaign, book, fb);
      }
    }
    String slot = FinalJudge.checkSlot(c);
    if (slot != null) {
      stores.checks().put(campaign + "/" + slot, c);
    }
    advance(campaign, book);
  }

  // --------------------------------------------------------------------------- fault events

  void onFault(FaultEvent f, long timestamp) {
    ts = timestamp;
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
        closeIfComplete(campaign, book, key, cb);
      }
    }
    if (f.getAction() == FaultAction.NOT_APPLIED) {
      String reason = f.getReason() == null ? "no reason given" : f.getReason();
      forward(campaign, Alert.newBuilder()
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
        FaultBook fb = fault(campaign, f.getFault());
        if (fb.getNotApplied() == null) {
          fb.setNotApplied(reason);
        }
        fb.setMaxEventTime(Math.max(fb.getMaxEventTime(), f.getEventTime().toEpochMilli()));
        faults.put(Keys.fault(campaign, f.getFault()), fb);
        emitBound(campaign, book, fb);
      }
    }
    advance(campaign, book);
  }

  // --------------------------------------------------------------------------- cycles

  /** Judges the cycle when its evidence is complete (see the class doc). */
  private void closeIfComplete(String campaign, CampaignBook book, String key, CycleBook cb) {
    if (cb.getClosed() || cb.getNodes() == null) {
      return;
    }
    long distinct = writes.tallyOrEmpty(WriteTally.ofCycle(key)).distinct;
    boolean imported = cb.getTallyOk() != null && distinct == 0;
    boolean faults = cb.getExpectedFaults() == null
        || VisibilityRules.faultEventsUpToFinal(cb) >= cb.getExpectedFaults();
    boolean complete = imported || (cb.getExpectedWrites() != null
        && distinct >= cb.getExpectedWrites() && faults);
    if (complete) {
      close(campaign, book, key, cb);
    }
  }

  /**
   * A cycle's final observation or imported tally, or the campaign's end event, is in: from now on
   * a write may complete it.
   */
  private void markCompletable(String tallyKey) {
    WriteTally tally = writes.tally(tallyKey);
    if (tally != null && !tally.completable) {
      tally.completable = true;
      writes.put(tallyKey, tally);
    }
  }

  /** The cycle's convergence into its class, its per-write state dropped. */
  private void close(String campaign, CampaignBook book, String key, CycleBook cb) {
    WriteTally tally = writes.tallyOrEmpty(WriteTally.ofCycle(key));
    cb.setSeenWrites(tally.distinct);
    cb.setMaxEventTime(Math.max(cb.getMaxEventTime(), tally.maxEventTime));
    Map<String, WriteRecord> records = new CycleWrites(writes, key).takeAll();
    Map<String, WriteOutcome> outcomes = new HashMap<>();
    records.forEach((id, r) -> outcomes.put(id, r.outcome()));
    CampaignConfig config = config(book);
    CycleConvergence cc = ConvergenceRules.cycle(campaign, cb, outcomes, config);
    String faultKey = Keys.fault(campaign, cb.getFault());
    VisibilityBook vb = null;
    if (!records.isEmpty()) {
      // slow or lost: the set checker's lists on the cycle, its points into the class's book
      VisibilityRules.CycleSets sets = VisibilityRules.cycle(cb, records);
      cc.setRecoveredIds(new LinkedHashMap<>(sets.recovered()));
      cc.setUnexpectedIds(new LinkedHashMap<>(sets.unexpected()));
      cc.setDuplicatedIds(new LinkedHashMap<>(sets.duplicated()));
      cc.setCountedAtSeedPoint(sets.countedAtSeedPoint());
      vb = visibility(faultKey);
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
      if (!lost.isEmpty() && fb.getLostSample().size() < ConvergenceRules.LOST_SAMPLE) {
        fb.setLostSample(ConvergenceRules.withLostSample(fb.getLostSample(), cb.getCycle(), lost));
      }
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
    forward(key, cc); // a cycle is judged once: nothing to compare it with
    emitBound(campaign, book, fb);
    if (vb != null) {
      emit(faultKey, VisibilityRules.summary(campaign, cb.getFault(), vb, config, true));
    }
  }

  private VisibilityBook visibility(String faultKey) {
    VisibilityBook vb = visibility.get(faultKey);
    return vb != null ? vb : VisibilityRules.empty();
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

  // --------------------------------------------------------------------------- the campaign

  /** Emits the campaign's state, or its final verdict once every announced event is judged. */
  private void advance(String campaign, CampaignBook book) {
    if (book.getJudged()) {
      return;
    }
    CampaignEvent end = book.getEnd();
    Map<String, Long> manifest = end == null ? null : end.getManifest();
    long announced = manifest == null ? 0
        : manifest.values().stream().mapToLong(v -> v == null ? 0 : v).sum();
    long judged = 0;
    boolean complete = end != null && (book.getStarted() != null || manifest == null);
    WriteTally phase4 = null;
    if (manifest != null) {
      phase4 = writes.tallyOrEmpty(WriteTally.ofCampaign(campaign));
      for (Map.Entry<String, Long> m : manifest.entrySet()) {
        long seen = book.getSeen().getOrDefault(m.getKey(), 0L)
            + (m.getKey().equals(PHASE4_WRITES) ? phase4.events : 0);
        judged += Math.min(seen, m.getValue() == null ? 0 : m.getValue());
        if (m.getValue() != null && seen < m.getValue()) {
          complete = false;
        }
      }
    }
    if (!complete) {
      // a pending verdict is emitted when its state changes; most events change nothing
      if (CampaignRules.pendingState(book.getStarted(), end) == book.getLastState()) {
        return;
      }
      if (phase4 == null) {
        phase4 = writes.tallyOrEmpty(WriteTally.ofCampaign(campaign));
      }
      Instant time = Instant.ofEpochMilli(Math.max(book.getMaxEventTime(),
          phase4.maxEventTime));
      CampaignVerdict pending = CampaignRules.pending(campaign, book.getStarted(), end, judged,
          announced, time);
      if (pending.getState() != book.getLastState()) {
        book.setLastState(pending.getState());
        book.setLastVerdict(pending.getVerdict());
        books.put(campaign, book);
        emit(campaign, pending);
      }
      return;
    }
    closeRemaining(campaign, book);
    foldWrites(campaign, book);
    book.setJudged(true);
    books.put(campaign, book);
    FinalJudge.Judgement judgement = judge.finalize(campaign, book, this::emit);
    CampaignVerdict verdict = judgement.verdict();
    book.setLastState(verdict.getState());
    book.setLastVerdict(verdict.getVerdict());
    books.put(campaign, book);
    stores.liveness().delete(campaign);
    SoakRun run = SoakRules.run(verdict, config(book), judgement.bounds());
    if (run != null) {
      forward(run.getGateKey(), run); // to the soak judge, repartitioned by gate key
    }
    if (verdict.getVerdict() != Verdict.PASS) {
      List<String> reasons = verdict.getReasons();
      forward(campaign, Alert.newBuilder()
          .setCampaignId(campaign)
          .setKind(AlertKind.VERDICT_FINAL)
          .setMessage("campaign " + campaign + " final: " + verdict.getState() + " "
              + verdict.getVerdict() + (reasons.isEmpty() ? "" : " (" + String.join("; ",
                  reasons.subList(0, Math.min(3, reasons.size())))
              + (reasons.size() > 3 ? "; and " + (reasons.size() - 3) + " more" : "") + ")"))
          .setVerdict(verdict.getVerdict())
          .setEventTime(verdict.getUpdatedAt())
          .build());
    }
    // judged: the per-write state (phase 2, and cycles that never closed), the cycles' books and
    // the checks are not needed any more (evidence arriving from now on is refused by the book's
    // judged flag)
    writes.deleteAll(Keys.prefix(campaign));
    cycles.deleteAll(Keys.prefix(campaign));
    dropAll(stores.checks(), Keys.prefix(campaign));
  }

  private static <V> void dropAll(org.apache.kafka.streams.state.KeyValueStore<String, V> store,
      String prefix) {
    List<String> done = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.prefixScan(prefix, new StringSerializer())) {
      it.forEachRemaining(kv -> done.add(kv.key));
    }
    done.forEach(store::delete);
  }

  /** The campaign's phase 4 write tally into its book (seen, latest time), the tally dropped. */
  private void foldWrites(String campaign, CampaignBook book) {
    String key = WriteTally.ofCampaign(campaign);
    WriteTally tally = writes.tally(key);
    if (tally == null) {
      return;
    }
    Map<String, Long> seen = new HashMap<>(book.getSeen());
    seen.merge(PHASE4_WRITES, tally.events, Long::sum);
    book.setSeen(seen);
    book.setMaxEventTime(Math.max(book.getMaxEventTime(), tally.maxEventTime));
    writes.delete(key);
  }

  // --------------------------------------------------------------------------- books

  private CampaignBook book(String campaign) {
    CampaignBook book = books.get(campaign);
    return book != null ? book : CampaignBook.newBuilder().setSeen(new HashMap<>())
        .setFaultsSeen(new ArrayList<>()).build();
  }

  private CycleBook cycle(String key, String fault, int cycle) {
    CycleBook cb = cycles.get(key);
    return cb != null ? cb : CycleBook.newBuilder().setFault(fault).setCycle(cycle).build();
  }

  private FaultBook fault(String campaign, String fault) {
    FaultBook fb = faults.get(Keys.fault(campaign, fault));
    return fb != null ? fb : FaultBook.newBuilder().setFault(fault).build();
  }

  /**
   * The campaign's book with {@code value} counted (as {@code <phase>/<kind>}) and its time noted,
   * or null when the campaign was judged already: then {@code value} is refused as late evidence.
   */
  private CampaignBook admit(String campaign, SpecificRecord value, int phase, String kind,
      Instant time) {
    CampaignBook book = book(campaign);
    if (book.getJudged()) {
      late(campaign, value, "the campaign was judged already");
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

  // --------------------------------------------------------------------------- outputs

  /** The class's bound so far (PENDING unless final), and an alert when it falls below. */
  private void emitBound(String campaign, CampaignBook book, FaultBook fb) {
    FaultBound bound = ConvergenceRules.bound(campaign, fb, config(book), thresholds(book),
        !book.getJudged());
    if (bound == null) {
      return;
    }
    Boolean previous = fb.getSeedPass();
    if (previous == null || previous != bound.getSeedPass()) {
      fb.setSeedPass(bound.getSeedPass());
      faults.put(Keys.fault(campaign, fb.getFault()), fb);
      if (!bound.getSeedPass()) {
        forward(campaign, Alert.newBuilder()
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
    emit(Keys.fault(campaign, fb.getFault()), bound);
  }

  /** Forwards {@code value} under {@code key} unless the same record was last emitted there. */
  void emit(String key, SpecificRecord value) {
    long hash = Hashing.of(value);
    // a class's visibility summary shares its key with its bound, on another topic
    String slot = value instanceof VisibilitySummary ? key + "#visibility" : key;
    Long previous = stores.emitted().get(slot);
    if (previous != null && previous == hash) {
      return;
    }
    stores.emitted().put(slot, hash);
    context.forward(new Record<>(key, value, ts));
    // a verdict or a bound is kept for queries, and judged live it is committed at once
    if (value instanceof CampaignVerdict v) {
      stores.verdicts().put(key, v);
      commits.judged(ts);
    } else if (value instanceof FaultBound b) {
      stores.bounds().put(key, b);
      commits.judged(ts);
    }
  }

  private void forward(String key, SpecificRecord value) {
    if (value instanceof Alert a) {
      AlertIds.identified(a);
    }
    context.forward(new Record<>(key, value, ts));
  }

  /** Evidence for something judged already: a dead letter and an alert, never a count. */
  private void late(String campaign, SpecificRecord value, String why) {
    Optional<RecordMetadata> meta = context.recordMetadata();
    String reason = "late evidence for campaign " + campaign + ": " + why + "; not counted";
    DeadLetter letter = DeadLetters.withValue(DeadLetter.newBuilder(), encoder.apply(value))
        .setSourceTopic(meta.map(RecordMetadata::topic).orElse("?"))
        .setPartition(meta.map(RecordMetadata::partition).orElse(null))
        .setOffset(meta.map(RecordMetadata::offset).orElse(null))
        .setCampaignId(campaign)
        .setKey(ByteBuffer.wrap(campaign.getBytes(StandardCharsets.UTF_8)))
        .setReason(reason)
        .setComponent(component)
        .setEventTime(Instant.ofEpochMilli(Math.max(0, ts)))
        .build();
    forward(campaign, letter);
    forward(campaign, Alert.newBuilder()
        .setCampaignId(campaign)
        .setKind(AlertKind.LATE_EVIDENCE)
        .setMessage(reason)
        .setEventTime(Instant.ofEpochMilli(Math.max(0, ts)))
        .build());
  }
}
