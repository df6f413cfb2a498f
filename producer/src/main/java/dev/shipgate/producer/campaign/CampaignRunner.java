package dev.shipgate.producer.campaign;

import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.CheckResult;
import dev.shipgate.producer.fault.FaultSpec;
import dev.shipgate.producer.lease.FaultLedger;
import dev.shipgate.producer.lease.LeasedFault;
import dev.shipgate.producer.progress.CycleReport;
import dev.shipgate.producer.progress.ProgressListener;
import dev.shipgate.producer.publish.EventPublisher;
import dev.shipgate.producer.remote.CommandRunner;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.target.TargetAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a campaign: takes the lease on the nodes ({@link LeaseKeeper}: a live driver on them
 * refuses the run, a dead one's leftovers are healed first), publishes STARTED with the full
 * configuration, runs the enabled phases in order (1 and 3 through {@link PhaseChecks}, 2 with
 * {@link Phase2Run}, 4 as {@link FaultCycle}s), gives the lease up and publishes FINISHED — or,
 * when {@link #abort} is called (Ctrl-C), a node refuses its host key or something fails, stops
 * issuing writes, heals every fault, restores the nodes ({@link Restorer}) and publishes ABORTED
 * with the reason. Every write, fault action and observation is published as it happens; the
 * publisher is flushed at the end of every cycle.
 *
 * <p>What keeps the campaign from measuring what it claims (a node that could not be reached, a
 * namespace that was not empty, a fault never applied) is a problem: shown at once, listed in the
 * outcome, and {@code shipgate run} exits non-zero on it.
 */
public final class CampaignRunner {
  private static final Logger log = LoggerFactory.getLogger(CampaignRunner.class);

  private final CampaignSpec spec;
  private final List<FaultSpec> faults;
  private final PhaseChecks checks;
  private final NodeLeases leases;
  private final LedgerSlot ledger = new LedgerSlot();
  private final RunContext run;
  private final Restorer restorer;
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile boolean started;

  /**
   * A runner without a lease (unit tests, embedding): nothing guards the nodes against a second
   * driver and nothing is left for a later one to heal.
   *
   * @param faults fault specs in run order, one per class of phase4.faults
   * @param checks phase 1 and 3 checks; null when neither phase is enabled
   */
  public CampaignRunner(CampaignSpec spec, TargetAdapter adapter, CommandRunner runner,
      List<FaultSpec> faults, PhaseChecks checks, EventPublisher publisher, Ticker ticker,
      ProgressListener progress) {
    this(spec, adapter, runner, faults, checks, publisher, ticker, progress, null);
  }

  /** @param leases takes the lease before the first event (null: none) */
  public CampaignRunner(CampaignSpec spec, TargetAdapter adapter, CommandRunner runner,
      List<FaultSpec> faults, PhaseChecks checks, EventPublisher publisher, Ticker ticker,
      ProgressListener progress, NodeLeases leases) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.faults = List.copyOf(faults);
    this.checks = checks;
    this.leases = leases;
    Ticker t = ticker == null ? Ticker.system() : ticker;
    ProgressListener p = progress == null ? ProgressListener.NONE : progress;
    RunContext[] self = new RunContext[1];
    CommandRunner reporting = new ReportingCommandRunner(Objects.requireNonNull(runner, "runner"),
        (e, node) -> self[0].onRemoteFailure(node, e));
    this.run = new RunContext(spec, Objects.requireNonNull(adapter, "adapter"), reporting,
        new CampaignEvents(spec, Objects.requireNonNull(publisher, "publisher"), t), t, p,
        ledger);
    self[0] = run;
    this.restorer = new Restorer(run, this.faults);
    if (spec.phaseEnabled(4)) {
      List<String> given = this.faults.stream().map(FaultSpec::faultClass).toList();
      if (!given.equals(spec.phase4().faults())) {
        throw new IllegalArgumentException("fault specs " + given + " do not match phase4.faults "
            + spec.phase4().faults());
      }
    }
  }

  /**
   * Asks the run to stop: no new writes are issued, the active fault is healed, the nodes are
   * restored and ABORTED is published with {@code reason}. Thread-safe; the first reason wins.
   */
  public void abort(String reason) {
    run.abort(reason);
  }

  public boolean aborted() {
    return run.aborted();
  }

  /** Waits until {@link #run} has returned (the shutdown hook waits for the clean-up). */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs the campaign; returns when FINISHED or ABORTED has been published (or could not be). */
  public CampaignOutcome run() {
    List<CycleReport> cycles = new ArrayList<>();
    Map<String, String> probes = new LinkedHashMap<>();
    try {
      if (leases != null) {
        try {
          ledger.target = leases.take(spec.campaignId());
        } catch (NodeLeases.LeaseRefused e) {
          run.abort(e.getMessage());
          run.problem(e.getMessage());
          return outcome(cycles, probes);
        }
      }
      runPhases(cycles, probes);
      finish();
      return outcome(cycles, probes);
    } finally {
      run.observers.shutdownNow();
      run.progress.finished();
      done.countDown();
    }
  }

  private void runPhases(List<CycleReport> cycles, Map<String, String> probes) {
    try {
      run.events.campaign(CampaignEventType.STARTED, null);
      started = true;
      run.events.flush();
      log.info("campaign {} started: phases {}, target {} ({}), nodes {}", spec.campaignId(),
          spec.phases(), spec.target().name(), spec.target().adapter(),
          run.nodes.stream().map(Node::sshTarget).toList());
      for (int phase : spec.phases()) {
        if (run.aborted()) {
          break;
        }
        run.progress.phaseStarted(phase);
        switch (phase) {
          case 1, 3 -> runChecks(phase);
          case 2 -> new Phase2Run(run).run(probes);
          case 4 -> runPhase4(cycles);
          default -> throw new IllegalStateException("phase " + phase);
        }
        run.events.flush();
      }
    } catch (RuntimeException e) {
      log.error("campaign {} failed", spec.campaignId(), e);
      run.abort("failed: " + RunContext.describe(e));
    }
  }

  /** Restores the nodes when aborted, gives the lease up, publishes the final event. */
  private void finish() {
    try {
      if (run.aborted()) {
        restorer.restore(true, true, true, 0);
      }
      ledger.release();
      if (run.aborted()) {
        run.events.campaign(CampaignEventType.ABORTED, run.abortReason());
      } else {
        run.events.campaign(CampaignEventType.FINISHED, null);
      }
      run.events.flush();
    } catch (RuntimeException e) {
      log.error("campaign {}: the final event could not be published", spec.campaignId(), e);
      run.abort("failed: " + RunContext.describe(e));
    }
  }

  private CampaignOutcome outcome(List<CycleReport> cycles, Map<String, String> probes) {
    return new CampaignOutcome(spec.campaignId(), started, !run.aborted(), run.abortReason(),
        List.copyOf(cycles), Map.copyOf(probes), run.problems());
  }

  // ---------------------------------------------------------------- phases 1 and 3

  private void runChecks(int phase) {
    List<CheckResult> results;
    if (checks == null) {
      results = failedChecks(phase, "no check implementation for profile " + spec.checkProfile());
    } else {
      CheckContext context = new CheckContext(spec.campaignId(), spec.checkProfile(),
          spec.checkSettings(), run.nodes, run.primary(), run.runner, run.adapter,
          run.commandTimeout, run::aborted);
      try {
        results = checks.run(phase, context);
      } catch (RuntimeException e) {
        log.error("phase {} checks failed", phase, e);
        results = failedChecks(phase, RunContext.describe(e));
      }
    }
    for (CheckResult r : results) {
      run.events.check(r);
      if (r.getError() != null) {
        run.problem("phase " + phase + " " + r.getCheck()
            + (r.getNode() == null ? "" : " on node " + r.getNode()) + " could not run: "
            + r.getError());
      }
    }
  }

  private List<CheckResult> failedChecks(int phase, String error) {
    List<CheckResult> out = new ArrayList<>();
    if (phase == 1) {
      for (Node n : run.nodes) {
        out.add(run.events.checkResult(1, "phase1.node", n.name(), null, null, Map.of(), error));
      }
    } else {
      out.add(run.events.checkResult(phase, "phase3.migration", null, null, null, Map.of(),
          error));
    }
    return out;
  }

  // ---------------------------------------------------------------- phase 4

  private void runPhase4(List<CycleReport> reports) {
    try {
      for (FaultSpec fault : faults) {
        for (int cycle = 1; cycle <= spec.phase4().cycles() && !run.aborted(); cycle++) {
          reports.add(new FaultCycle(run, restorer, fault, cycle).run());
          run.events.flush();
        }
        if (run.aborted()) {
          return;
        }
      }
    } finally {
      // every cycle starts with a defensive clean-up of every fault class; the last one ends
      // with it too, so nothing (an iptables rule, a stopped process) outlives the campaign
      if (!run.aborted() && spec.phase4().recovery().flushPartitions()) {
        restorer.cleanUpAll(run.faultContext(run.nodes.get(0), spec.phase4().cycles()));
      }
    }
  }

  static String describe(Throwable t) {
    return RunContext.describe(t);
  }

  /** The lease once taken; nothing before (and in runs without a lease). */
  private static final class LedgerSlot implements FaultLedger {
    volatile FaultLedger target = FaultLedger.NONE;

    @Override
    public void applying(LeasedFault fault) {
      target.applying(fault);
    }

    @Override
    public void healed(LeasedFault fault) {
      target.healed(fault);
    }

    @Override
    public void release() {
      target.release();
    }
  }
}
