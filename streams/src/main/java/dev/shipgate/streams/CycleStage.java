package dev.shipgate.streams;

import dev.shipgate.events.CheckResult;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.events.Observation;
import dev.shipgate.events.WriteResult;
import dev.shipgate.state.CycleBook;
import dev.shipgate.state.CycleDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The open phase 4 cycles of a task as their own evidence arrives: each cycle's book
 * ({@link CycleBook}), its writes' records and tallies ({@link CycleWrites}, {@link WriteTally}),
 * and the cycle judged by the {@link CycleJudge} once what its final observation announced is in.
 *
 * <p>It sees its campaigns only through a {@link Ledger} (its {@link CycleTask}): whether a
 * campaign was judged, how many nodes it configured, and what the cycles add to it (judged cycles'
 * digests, progress: events counted, fault classes seen, cycles met and judged), which the task
 * sends the campaign judge (docs/cycle-tasks.md).
 *
 * <p>A cycle's events are its writes, its polls, its {@code phase4.cycle} check and its fault
 * events. A fault event is the campaign's as well (its injected/healed pairs, its not-applied
 * reason): the judge counts it, and the task hands the stage its cycle's part ({@link #onFault}).
 */
final class CycleStage {
  static final String WRITES = "4/writes";
  static final String OBSERVATIONS = "4/observations";
  static final String CHECKS = "4/checks";

  /**
   * The campaigns' side as the cycles see it: in a cycle task, what the campaign judge told it
   * and the reports it sends the judge ({@link CycleLink}).
   */
  interface Ledger {
    /** Whether the campaign was judged: then its evidence is late. */
    boolean judged(String campaign);

    /** How many nodes the campaign's configuration names, 0 before its STARTED event is known. */
    int configuredNodes(String campaign);

    /** A cycle's check that the campaign's final judgement reads too (its seed extras). */
    void kept(CheckResult c);

    /** A cycle judged: what it adds to its class. */
    void cycleJudged(CycleDigest digest);

    /** What the stage counted of the campaign since its last report. */
    void progressed(String campaign, Progress progress);
  }

  /**
   * What the stage counted of one campaign since it last reported: its events by
   * {@code <phase>/<kind>}, the fault classes they were of, the cycles it met and judged, their
   * latest event time, and the latest stamp of the records behind them (the report's stamp).
   */
  static final class Progress {
    final Map<String, Long> counts = new LinkedHashMap<>(4);
    final List<String> faults = new ArrayList<>(2);
    int opened;
    int closed;
    long maxEventTime;
    long timestamp;

    private void add(String kind, long eventTime, long stamp) {
      counts.merge(kind, 1L, Long::sum);
      maxEventTime = Math.max(maxEventTime, eventTime);
      timestamp = Math.max(timestamp, stamp);
    }

    private void fault(String fault) {
      if (fault != null && !faults.contains(fault)) {
        faults.add(fault);
      }
    }
  }

  private final OpenWrites writes;
  private final Decoded<CycleBook> cycles;
  private final Sends out;
  private final Ledger ledger;
  private final CycleJudge judge;
  /** The records of the cycle the last phase 4 write or poll was of, with its keys. */
  private CycleWrites lastCycle;
  /** The campaigns counted since they last reported, in the order first counted. */
  private final Map<String, Progress> unreported = new LinkedHashMap<>();
  private boolean deferring;

  CycleStage(OpenWrites writes, Decoded<CycleBook> cycles, Sends out, Ledger ledger) {
    this.writes = writes;
    this.cycles = cycles;
    this.out = out;
    this.ledger = ledger;
    this.judge = new CycleJudge(writes, cycles, ledger::configuredNodes, d -> {
      progress(d.getCampaignId()).closed++;
      ledger.cycleJudged(d);
      if (out.live()) {
        // live: the judge hears what it counted with the digest, not at the next commit
        report(d.getCampaignId());
      }
    }, out);
  }

  // --------------------------------------------------------------------------- writes

  /**
   * A phase 4 write: its outcome, and its share of its cycle's {@link WriteTally} and of its
   * campaign's progress. The ledger is asked only at a cycle's first write (is the campaign judged
   * already?).
   */
  void onWrite(WriteResult w) {
    String campaign = w.getCampaignId();
    long time = w.getEventTime().toEpochMilli();
    CycleWrites cycleWrites = cycleWrites(campaign, w.getFault(), w.getCycle());
    String key = cycleWrites.key();
    String tallyKey = cycleWrites.tallyKey();
    WriteTally tally = writes.tally(tallyKey);
    Progress progress;
    if (tally == null) {
      // the cycle's first write (or one after it was judged, when its tally is gone)
      if (ledger.judged(campaign)) {
        out.late(campaign, w, "the campaign was judged already");
        return;
      }
      CycleBook cb = cycles.get(key);
      if (cb != null && cb.getClosed()) {
        out.late(campaign, w, "cycle " + w.getCycle() + " of " + w.getFault() + " was judged"
            + " already");
        return;
      }
      progress = progress(campaign);
      if (cb == null) {
        // the cycle's first event: its book from now on, so that it is counted opened once
        cb = newCycle(w.getFault(), w.getCycle());
        cycles.put(key, cb);
        progress.opened++;
      }
      tally = new WriteTally();
      tally.completable = cb.getNodes() != null || cb.getTallyOk() != null;
      progress.fault(w.getFault());
    } else {
      progress = progress(campaign);
    }
    progress.add(WRITES, time, out.timestamp());
    tally.add(time, cycleWrites.write(w));
    writes.put(tallyKey, tally);
    if (tally.completable) {
      judge.closeIfComplete(campaign, key, cycle(campaign, key, w.getFault(), w.getCycle()));
    }
    reportUnlessDeferred(campaign);
  }

  // --------------------------------------------------------------------------- observations

  /** A poll of a phase 4 cycle (an observation naming its fault class and cycle). */
  void onObservation(Observation o) {
    String campaign = o.getCampaignId();
    if (ledger.judged(campaign)) {
      out.late(campaign, o, "the campaign was judged already");
      return;
    }
    progress(campaign).add(OBSERVATIONS, o.getEventTime().toEpochMilli(), out.timestamp());
    CycleWrites cycleWrites = cycleWrites(campaign, o.getFault(), o.getCycle());
    String key = cycleWrites.key();
    CycleBook cb = cycle(campaign, key, o.getFault(), o.getCycle());
    if (cb.getClosed()) {
      out.late(campaign, o, "cycle " + o.getCycle() + " of " + o.getFault() + " was judged"
          + " already");
      return;
    }
    cycleWrites.sight(o);
    long time = o.getEventTime().toEpochMilli();
    if (o.getSeedPoint() && !o.getFinal$()) {
      cb.setCounted(Evidence.held(o.getNodes()));
      cb.setSeedPointAt(time);
    }
    if (!o.getFinal$()) {
      if (o.getSeedPoint()) {
        cycles.put(key, cb);
      }
      reportUnlessDeferred(campaign);
      return;
    }
    if (o.getSeedPoint()) {
      // the settle ended at (or before) the seed point: the final poll is the counted one
      cb.setCounted(null);
      cb.setSeedPointAt(time);
    }
    cb.setNodes(Evidence.held(o.getNodes()));
    cb.setFinalAt(time);
    cb.setExpectedWrites(o.getCycleWrites());
    cb.setExpectedFaults(o.getCycleFaults());
    cb.setMaxEventTime(Math.max(cb.getMaxEventTime(), time));
    cycles.put(key, cb);
    judge.markCompletable(cycleWrites.tallyKey());
    progress(campaign).fault(o.getFault());
    judge.closeIfComplete(campaign, key, cb);
    reportUnlessDeferred(campaign);
  }

  // --------------------------------------------------------------------------- checks

  /** A cycle's imported tally: a {@code phase4.cycle} check without an error. */
  void onCheck(CheckResult c) {
    String campaign = c.getCampaignId();
    if (ledger.judged(campaign)) {
      out.late(campaign, c, "the campaign was judged already");
      return;
    }
    Progress progress = progress(campaign);
    progress.add(CHECKS, c.getEventTime().toEpochMilli(), out.timestamp());
    progress.fault(c.getFault());
    String key = Keys.cycle(campaign, c.getFault(), c.getCycle());
    CycleBook cb = cycle(campaign, key, c.getFault(), c.getCycle());
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
    judge.markCompletable(WriteTally.ofCycle(key));
    judge.closeIfComplete(campaign, key, cb);
    if (FinalJudge.checkSlot(c) != null) {
      ledger.kept(c);
    }
    reportUnlessDeferred(campaign);
  }

  // --------------------------------------------------------------------------- fault events

  /**
   * A fault event of a cycle, counted by the campaign judge: its time in the cycle's fault
   * window, unless the cycle was judged (a kill's restart after the settle was not announced by
   * its final poll and is not its writes' window).
   */
  void onFault(FaultEvent f) {
    String campaign = f.getCampaignId();
    String key = Keys.cycle(campaign, f.getFault(), f.getCycle());
    CycleBook cb = cycle(campaign, key, f.getFault(), f.getCycle());
    if (cb.getClosed()) {
      return;
    }
    List<Long> times = new ArrayList<>(cb.getFaultTimes());
    times.add((long) f.getAction().ordinal());
    times.add(f.getEventTime().toEpochMilli());
    cb.setFaultTimes(times);
    // not the cycle's time: an event after its final poll may be read before or after the
    // cycle closes (see VisibilityRules.faultWindow)
    cycles.put(key, cb);
    judge.closeIfComplete(campaign, key, cb);
  }

  // --------------------------------------------------------------------------- the campaign

  /**
   * From now on progress waits for the task's commit, whose flush calls {@link #reportAll}, or,
   * live, for the next judged cycle's digest (without it every event is reported at once).
   */
  void deferToCommits() {
    deferring = true;
  }

  /** Before the task commits: every campaign's progress since its last report. */
  void reportAll() {
    while (!unreported.isEmpty()) {
      String campaign = unreported.keySet().iterator().next();
      Progress p = unreported.remove(campaign);
      out.at(p.timestamp);
      ledger.progressed(campaign, p);
    }
  }

  /**
   * The campaign's progress since its last report, reported now (its side is about to say where
   * it stands, or to judge it); false when there was none.
   */
  boolean report(String campaign) {
    Progress p = unreported.remove(campaign);
    if (p == null) {
      return false;
    }
    ledger.progressed(campaign, p);
    return true;
  }

  /** Reports at once when reports are not deferred (no commits to wait for: a unit test). */
  private void reportUnlessDeferred(String campaign) {
    if (!deferring) {
      report(campaign);
    }
  }

  private Progress progress(String campaign) {
    Progress p = unreported.get(campaign);
    if (p == null) {
      p = new Progress();
      unreported.put(campaign, p);
    }
    return p;
  }

  /**
   * The campaign is being judged: its cycles that never had what they announced (an aborted
   * cycle, a legacy cycle without an announcement) are judged on what there is if they have a
   * final observation; the others stay open and are not counted.
   */
  void finalizeCampaign(String campaign) {
    judge.closeRemaining(campaign);
  }

  /** The campaign was judged: its cycles' books and per-write state dropped. */
  void drop(String campaign) {
    writes.deleteAll(Keys.prefix(campaign));
    cycles.deleteAll(Keys.prefix(campaign));
  }

  // --------------------------------------------------------------------------- books

  /** The per-write records of that cycle, with its keys built once for a run of its events. */
  private CycleWrites cycleWrites(String campaign, String fault, int cycle) {
    if (lastCycle == null || !lastCycle.isOf(campaign, fault, cycle)) {
      lastCycle = new CycleWrites(writes, campaign, fault, cycle);
    }
    return lastCycle;
  }

  /** The cycle's book; a new one, stored and counted opened, when the cycle is first met. */
  private CycleBook cycle(String campaign, String key, String fault, int cycle) {
    CycleBook cb = cycles.get(key);
    if (cb == null) {
      cb = newCycle(fault, cycle);
      cycles.put(key, cb);
      progress(campaign).opened++;
    }
    return cb;
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
}
