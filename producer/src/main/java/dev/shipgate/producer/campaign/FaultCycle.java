package dev.shipgate.producer.campaign;

import dev.shipgate.events.FaultAction;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.producer.fault.FaultContext;
import dev.shipgate.producer.fault.FaultResult;
import dev.shipgate.producer.fault.FaultSpec;
import dev.shipgate.producer.fault.FaultWorker;
import dev.shipgate.producer.lease.LeasedFault;
import dev.shipgate.producer.progress.CycleReport;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.target.WriteAttempt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One phase 4 cycle of one fault class:
 * <ol>
 *   <li>defensive clean-up of every fault class, then wait (bounded) until every node is
 *       healthy; the primary is the adapter's, else node index 0;
 *   <li>the cycle's namespace ({@link CampaignSpec.Namespaces#cycle}) must be empty on every
 *       node ({@link NamespaceGuard}); if not, the cycle is not run and the failure is published;
 *   <li>writes {@code c<cycle>-w<seq>}, {@code concurrency} in flight, to the primary; once write
 *       k (fault_after_write) has been answered the fault is recorded in the lease and injected
 *       (INJECTED or NOT_APPLIED, with evidence) before write k+1 is issued. A fault with a heal
 *       delay is healed that long after injection while the writes go on (HEALED); a kill (zero
 *       heal delay) is healed — restarted — after the settle, as recovery;
 *   <li>polls while the writes run (settle.during_writes) and settles after them ({@link Settler}),
 *       counting the campaign's own ids only;
 *   <li>recovery: the pending heal (then the fault leaves the lease), SIGCONT to every node and a
 *       restart of any node whose process is gone (per phase4.recovery).
 * </ol>
 */
final class FaultCycle {
  private static final Logger log = LoggerFactory.getLogger(FaultCycle.class);

  private final RunContext run;
  private final Restorer restorer;
  private final FaultSpec faultSpec;
  private final int cycle;

  FaultCycle(RunContext run, Restorer restorer, FaultSpec faultSpec, int cycle) {
    this.run = run;
    this.restorer = restorer;
    this.faultSpec = faultSpec;
    this.cycle = cycle;
  }

  CycleReport run() {
    CampaignSpec.Phase4Spec p4 = run.spec.phase4();
    String fault = faultSpec.faultClass();
    run.progress.cycleStarted(fault, cycle, p4.cycles());
    restorer.cleanUpAll(run.faultContext(run.nodes.get(0), cycle));
    run.awaitHealthy(p4.healthyTimeoutMs());
    String ns = run.spec.namespaces().cycle(fault, cycle);
    String precondition = run.aborted() ? null : NamespaceGuard.problem(run, ns);
    if (precondition != null) {
      run.events.check(run.events.checkResult(4, "phase4.precondition", null, fault, cycle,
          Map.of("namespace", ns), precondition));
      run.problem(fault + " cycle " + cycle + ": " + precondition);
      CycleReport report = new CycleReport(fault, cycle, p4.cycles(), 0, 0, 0, 0,
          "PRECONDITION_FAILED", 0, false, Map.of());
      run.progress.cycleFinished(report);
      return report;
    }
    Node primary = run.primary();
    ActiveFault active = new ActiveFault(run.faultContext(primary, cycle));
    Tally tally = new Tally();
    Settler.Result settled = null;
    log.info("cycle {}/{} {}: primary {}, namespace {}", cycle, p4.cycles(), fault,
        primary.name(), ns);
    Settler settler = new Settler(run);
    List<Node> order = run.primaryFirst(primary);
    Settler.DuringWrites polling = settler.duringWrites(fault, cycle, ns, tally.written,
        p4.settle(), order);
    try {
      issueWrites(primary, ns, tally, active);
      if (polling != null && tally.lastAnswerAt.get() > 0) {
        polling.writesAnswered(tally.lastAnswerAt.get(), p4.settle().seedSettleMs());
      }
      active.awaitTimedHeal();
      int polls = polling == null ? 0 : polling.stop();
      boolean seedMarked = polling != null && polling.seedMarked();
      polling = null;
      if (!run.aborted()) {
        settled = settler.settle(4, fault, cycle, ns, tally.written, tally.acked, p4.settle(),
            order, polls, tally.lastAnswerAt.get(), seedMarked);
      }
    } finally {
      if (polling != null) {
        polling.stop();
      }
      active.healNow();
      if (run.aborted()) {
        restorer.restore(true, true, true, cycle);
      } else {
        // the clean-up of every fault class runs at the next cycle's start (and after the last
        // cycle), not twice in a row: SSH round trips are most of a cycle's time
        restorer.restore(false, p4.recovery().resumePaused(), p4.recovery().restartKilled(),
            cycle);
      }
    }
    FaultResult injected = active.injected;
    if (injected != null && injected.action() == FaultAction.NOT_APPLIED) {
      run.problem(fault + " cycle " + cycle + ": not applied: " + injected.reason());
    }
    CycleReport report = new CycleReport(fault, cycle, p4.cycles(), tally.count(WriteOutcome.OK),
        tally.count(WriteOutcome.QUORUM_NOT_MET), tally.count(WriteOutcome.FAIL),
        tally.count(WriteOutcome.INDETERMINATE),
        injected == null ? null : injected.action().name(),
        settled == null ? 0 : settled.polls(), settled != null && settled.converged(),
        settled == null ? Map.of() : settled.missing());
    run.progress.cycleFinished(report);
    return report;
  }

  private void issueWrites(Node primary, String ns, Tally tally, ActiveFault active) {
    CampaignSpec.Phase4Spec p4 = run.spec.phase4();
    int k = p4.faultAfterWrite();
    ExecutorService pool = Executors.newFixedThreadPool(p4.concurrency(),
        RunContext.daemon("shipgate-write"));
    Semaphore permits = new Semaphore(p4.concurrency());
    List<Future<?>> futures = new ArrayList<>();
    WriteRouter router = new WriteRouter(primary);
    String fault = faultSpec.faultClass();
    try {
      for (int seq = 1; seq <= p4.writesPerCycle() && !run.aborted(); seq++) {
        if (seq == k + 1) {
          run.await(futures.get(k - 1));
          if (run.aborted()) {
            break;
          }
          active.inject();
        }
        permits.acquireUninterruptibly();
        if (run.aborted()) {
          permits.release();
          break;
        }
        int s = seq;
        String id = "c" + cycle + "-w" + seq;
        tally.written.add(id);
        futures.add(pool.submit(() -> {
          try {
            Node to = router.target();
            WriteAttempt a = attempt(run, to, ns, id, run.ticker.millis());
            router.answered(to, a);
            run.events.write(4, fault, cycle, s, id, null, to, a);
            // after the WriteResult took its answer time: the seed point is never earlier
            tally.answered(run.ticker.millis());
            run.progress.write(a.outcome());
            tally.add(a.outcome(), id);
          } finally {
            permits.release();
          }
        }));
      }
      if (k == p4.writesPerCycle() && futures.size() == k && !run.aborted()) {
        run.await(futures.get(k - 1));
        active.inject();
      }
      futures.forEach(run::await);
    } finally {
      pool.shutdownNow();
    }
  }

  /** One write through the adapter; an adapter error is an INDETERMINATE outcome, not a crash. */
  static WriteAttempt attempt(RunContext run, Node node, String ns, String writeId, long t0) {
    try {
      WriteAttempt a = run.adapter.write(node, ns, writeId);
      if (a == null || a.outcome() == null) {
        return new WriteAttempt(null, WriteOutcome.INDETERMINATE, run.ticker.millis() - t0,
            "adapter returned no outcome");
      }
      return a;
    } catch (RuntimeException e) {
      log.error("write {} to {}: adapter error", writeId, node.name(), e);
      return new WriteAttempt(null, WriteOutcome.INDETERMINATE, run.ticker.millis() - t0,
          "adapter error: " + RunContext.describe(e));
    }
  }

  /** The cycle's fault: recorded in the lease, injected once, healed once (on its timer, or now). */
  private final class ActiveFault {
    final FaultWorker worker = faultSpec.newWorker();
    final FaultContext context;
    volatile FaultResult injected;
    private LeasedFault leased;
    private boolean healed;
    private volatile boolean cancelled;
    private Thread timer;

    ActiveFault(FaultContext context) {
      this.context = context;
    }

    void inject() {
      leased = new LeasedFault(4, faultSpec.faultClass(), cycle, faultSpec.targetOf(context),
          faultSpec.mechanismName(), run.ticker.now());
      run.ledger.applying(leased);
      FaultResult r;
      try {
        r = worker.inject(context);
      } catch (RuntimeException e) {
        log.error("{} cycle {}: inject failed", faultSpec.faultClass(), cycle, e);
        r = FaultResult.notApplied(context.primary().name(), "unknown", null, null,
            "inject failed: " + RunContext.describe(e));
      }
      if (r == null) {
        r = FaultResult.notApplied(context.primary().name(), "unknown", null, null,
            "the fault worker returned no result");
      }
      injected = r;
      run.events.fault(4, faultSpec.faultClass(), cycle, r);
      log.info("{} cycle {}: {} on {} ({})", faultSpec.faultClass(), cycle, r.action(),
          r.targetNode(), r.action() == FaultAction.INJECTED ? r.evidence() : r.reason());
      if (r.action() != FaultAction.INJECTED) {
        run.ledger.healed(leased);
        return;
      }
      long delay = faultSpec.healDelay().toMillis();
      if (delay > 0) {
        long healAt = run.ticker.millis() + delay;
        timer = RunContext.daemon("shipgate-heal").newThread(() -> {
          try {
            while (!cancelled && run.ticker.millis() < healAt) {
              run.ticker.sleep(Math.min(20, healAt - run.ticker.millis()));
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          healNow();
        });
        timer.start();
      }
    }

    /** Waits for the timed heal (faults with a heal delay). */
    void awaitTimedHeal() {
      Thread t = timer;
      if (t == null) {
        return;
      }
      if (run.aborted()) {
        cancelled = true;
      }
      try {
        t.join();
      } catch (InterruptedException e) {
        run.abort("interrupted");
        cancelled = true;
      }
    }

    /** Heals now unless already healed or nothing was injected; publishes HEALED. */
    synchronized void healNow() {
      cancelled = true;
      if (healed || injected == null || injected.action() != FaultAction.INJECTED) {
        return;
      }
      healed = true;
      try {
        FaultResult h = worker.heal(context);
        if (h != null) {
          run.events.fault(4, faultSpec.faultClass(), cycle, h);
          log.info("{} cycle {}: {} on {} ({})", faultSpec.faultClass(), cycle, h.action(),
              h.targetNode(), h.evidence());
        }
        if (h == null || h.action() == FaultAction.HEALED) {
          run.ledger.healed(leased);
        }
      } catch (RuntimeException e) {
        log.error("{} cycle {}: heal failed (recovery will clean up)", faultSpec.faultClass(),
            cycle, e);
      }
    }
  }

  /**
   * Where phase 4 writes go: the primary, until it refuses connections (it was killed); then the
   * next node, as a client configured with every endpoint would fail over. Writes to a member
   * that is not the leader reach the leader through it (etcd) or are refused (a Redis replica),
   * either way an honest outcome.
   */
  private final class WriteRouter {
    private volatile Node current;

    WriteRouter(Node primary) {
      this.current = primary;
    }

    Node target() {
      return current;
    }

    void answered(Node node, WriteAttempt a) {
      if (a.outcome() == WriteOutcome.INDETERMINATE && a.error() != null
          && a.error().startsWith("connection refused") && current == node) {
        synchronized (this) {
          if (current == node) {
            current = run.nodes.get((run.nodes.indexOf(node) + 1) % run.nodes.size());
            log.info("{} refuses connections: writes fail over to {}", node.name(),
                current.name());
          }
        }
      }
    }
  }

  /** The cycle's writes: every id issued, the acknowledged ones, and outcomes counted. */
  private static final class Tally {
    final Set<String> written = ConcurrentHashMap.newKeySet();
    final Set<String> acked = ConcurrentHashMap.newKeySet();
    final Map<WriteOutcome, AtomicInteger> counts = new ConcurrentHashMap<>();
    /** When the latest write was answered (ticker millis). */
    final java.util.concurrent.atomic.AtomicLong lastAnswerAt = new java.util.concurrent.atomic
        .AtomicLong();

    void answered(long at) {
      lastAnswerAt.accumulateAndGet(at, Math::max);
    }

    void add(WriteOutcome o, String id) {
      counts.computeIfAbsent(o, x -> new AtomicInteger()).incrementAndGet();
      if (o == WriteOutcome.OK) {
        acked.add(id);
      }
    }

    int count(WriteOutcome o) {
      AtomicInteger n = counts.get(o);
      return n == null ? 0 : n.get();
    }
  }
}
