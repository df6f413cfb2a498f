package dev.shipgate.producer.campaign;

import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.EventSource;
import dev.shipgate.events.FaultAction;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.events.WriteResult;
import dev.shipgate.producer.campaign.CampaignSpec.SettleMode;
import dev.shipgate.producer.campaign.CampaignSpec.SettleSpec;
import dev.shipgate.producer.fault.FaultContext;
import dev.shipgate.producer.fault.FaultResult;
import dev.shipgate.producer.fault.FaultSpec;
import dev.shipgate.producer.fault.FaultWorker;
import dev.shipgate.producer.progress.CycleReport;
import dev.shipgate.producer.progress.ProgressListener;
import dev.shipgate.producer.publish.EventPublisher;
import dev.shipgate.producer.remote.CommandRunner;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.target.NodeState;
import dev.shipgate.producer.target.TargetAdapter;
import dev.shipgate.producer.target.WriteAttempt;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a campaign: publishes STARTED with the full configuration, runs the enabled phases in
 * order (1 and 3 through {@link PhaseChecks}, 2 and 4 itself), and publishes FINISHED — or, when
 * {@link #abort} is called (Ctrl-C) or something fails, stops issuing writes, heals every fault,
 * restores the nodes and publishes ABORTED with the reason. Every write, fault action and
 * observation is published as it happens; the publisher is flushed at the end of every cycle.
 *
 * <p>Phase 4, per fault class, per cycle:
 * <ol>
 *   <li>defensive {@link FaultWorker#cleanUp} of every configured fault class;
 *   <li>wait (bounded by healthy_timeout_ms) until every node is healthy;
 *   <li>the primary: {@link TargetAdapter#primary}, else node index 0;
 *   <li>writes {@code c<cycle>-w<seq>} under the cycle's namespace
 *       ({@link CampaignSpec.Phase4Spec#namespace}), {@code concurrency} in flight, to the
 *       primary; once write k (fault_after_write) has been answered the fault is injected
 *       (INJECTED or NOT_APPLIED, with evidence) before write k+1 is issued. A fault with a heal
 *       delay is healed that long after injection while the writes go on (HEALED); a kill (zero
 *       heal delay) is healed — restarted — after the settle, as recovery;
 *   <li>settle: adaptive polls {@link TargetAdapter#observe} on every node every poll_interval
 *       until every live (readable) node holds every acknowledged id (or at least as many
 *       records, for a target that cannot list ids), or max_settle has elapsed; fixed waits
 *       max_settle and observes once. One Observation per poll, the last one final=true;
 *   <li>recovery: the pending heal, then (per phase4.recovery) cleanUp of every fault class,
 *       SIGCONT to every node, restart of any node whose process is gone.
 * </ol>
 *
 * <p>Phase 2: {@code agents} concurrent agents write {@code p2-a<agent>-w<seq>} to the primary,
 * settle (phase 2 observations), then probe 1 (one peer SIGSTOPped) and probe 2 (both peers)
 * each write one record: CheckResult phase2.probe1/probe2 with values.status "201" when it was
 * acknowledged, "503" when refused for lack of quorum, else the error; the peers always get
 * SIGCONT afterwards. The stop/continue actions are published as phase 2 FaultEvents
 * (fault probe1_single_peer_down / probe2_both_peers_down).
 */
public final class CampaignRunner {
  private static final Logger log = LoggerFactory.getLogger(CampaignRunner.class);
  private static final long HEALTH_POLL_MS = 200;

  private final CampaignSpec spec;
  private final TargetAdapter adapter;
  private final CommandRunner runner;
  private final List<FaultSpec> faults;
  private final PhaseChecks checks;
  private final EventPublisher publisher;
  private final Ticker ticker;
  private final ProgressListener progress;
  private final List<Node> nodes;
  private final ProcessControl processes;
  private final Duration commandTimeout;
  private final AtomicReference<String> abortReason = new AtomicReference<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private final Object publishLock = new Object();
  private final ExecutorService observers;

  /**
   * @param faults fault specs in run order, one per class of phase4.faults
   * @param checks phase 1 and 3 checks; null when neither phase is enabled
   */
  public CampaignRunner(CampaignSpec spec, TargetAdapter adapter, CommandRunner runner,
      List<FaultSpec> faults, PhaseChecks checks, EventPublisher publisher, Ticker ticker,
      ProgressListener progress) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.adapter = Objects.requireNonNull(adapter, "adapter");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.faults = List.copyOf(faults);
    this.checks = checks;
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.ticker = ticker == null ? Ticker.system() : ticker;
    this.progress = progress == null ? ProgressListener.NONE : progress;
    this.nodes = spec.clusterNodes();
    this.commandTimeout = spec.ssh().commandTimeout();
    this.processes = new ProcessControl(runner, commandTimeout);
    this.observers = Executors.newCachedThreadPool(daemon("shipgate-observe"));
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
    if (abortReason.compareAndSet(null, reason)) {
      log.warn("aborting campaign {}: {}", spec.campaignId(), reason);
    }
  }

  public boolean aborted() {
    return abortReason.get() != null;
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
      publish(campaignEvent(CampaignEventType.STARTED, null));
      publisher.flush();
      log.info("campaign {} started: phases {}, target {} ({}), nodes {}", spec.campaignId(),
          spec.phases(), spec.target().name(), spec.target().adapter(),
          nodes.stream().map(Node::sshTarget).toList());
      for (int phase : spec.phases()) {
        if (aborted()) {
          break;
        }
        progress.phaseStarted(phase);
        switch (phase) {
          case 1, 3 -> runChecks(phase);
          case 2 -> runPhase2(probes);
          case 4 -> runPhase4(cycles);
          default -> throw new IllegalStateException("phase " + phase);
        }
        publisher.flush();
      }
    } catch (RuntimeException e) {
      log.error("campaign {} failed", spec.campaignId(), e);
      abort("failed: " + describe(e));
    }
    try {
      if (aborted()) {
        restore(true, true, true, 0);
        publish(campaignEvent(CampaignEventType.ABORTED, abortReason.get()));
      } else {
        publish(campaignEvent(CampaignEventType.FINISHED, null));
      }
      publisher.flush();
    } catch (RuntimeException e) {
      log.error("campaign {}: the final event could not be published", spec.campaignId(), e);
      abort("failed: " + describe(e));
    } finally {
      observers.shutdownNow();
      progress.finished();
      done.countDown();
    }
    return new CampaignOutcome(spec.campaignId(), !aborted(), abortReason.get(),
        List.copyOf(cycles), Map.copyOf(probes));
  }

  // ---------------------------------------------------------------- phases 1 and 3

  private void runChecks(int phase) {
    List<CheckResult> results;
    if (checks == null) {
      results = failedChecks(phase, "no check implementation for profile " + spec.checkProfile());
    } else {
      CheckContext context = new CheckContext(spec.campaignId(), spec.checkProfile(),
          spec.checkSettings(), nodes, primary(), runner, adapter, commandTimeout,
          this::aborted);
      try {
        results = checks.run(phase, context);
      } catch (RuntimeException e) {
        log.error("phase {} checks failed", phase, e);
        results = failedChecks(phase, describe(e));
      }
    }
    for (CheckResult r : results) {
      publish(r);
    }
  }

  private List<CheckResult> failedChecks(int phase, String error) {
    List<CheckResult> out = new ArrayList<>();
    if (phase == 1) {
      for (Node n : nodes) {
        out.add(check(1, "phase1.node", n.name(), Map.of(), error));
      }
    } else {
      out.add(check(phase, "phase3.migration", null, Map.of(), error));
    }
    return out;
  }

  // ---------------------------------------------------------------- phase 2

  private void runPhase2(Map<String, String> probes) {
    CampaignSpec.Phase2Spec p2 = spec.phase2();
    awaitHealthy(p2.healthyTimeoutMs());
    Node primary = primary();
    List<Node> peers = peersOf(primary);
    String ns = p2.namespace();
    Set<String> acked = ConcurrentHashMap.newKeySet();
    ExecutorService agents = Executors.newFixedThreadPool(p2.agents(), daemon("shipgate-agent"));
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int a = 1; a <= p2.agents(); a++) {
        int agent = a;
        futures.add(agents.submit(() -> {
          for (int seq = 1; seq <= p2.writesPerAgent() && !aborted(); seq++) {
            WriteOutcome o = write(2, null, null, seq, "p2-a" + agent + "-w" + seq, "a" + agent,
                primary, ns);
            if (o == WriteOutcome.OK) {
              acked.add("p2-a" + agent + "-w" + seq);
            }
          }
        }));
      }
      futures.forEach(this::await);
    } finally {
      agents.shutdownNow();
    }
    if (aborted()) {
      return;
    }
    SettleResult settled = settle(2, null, null, ns, acked, p2.settle(), nodes);
    log.info("phase 2: {} acked, settled after {} polls, converged {}", acked.size(),
        settled.polls(), settled.converged());
    publisher.flush();
    if (aborted()) {
      return;
    }
    probes.put("phase2.probe1", probe("phase2.probe1", "probe1_single_peer_down", primary,
        peers.subList(0, 1), ns + "-probe", "p2-probe1"));
    if (aborted()) {
      return;
    }
    awaitHealthy(p2.healthyTimeoutMs());
    probes.put("phase2.probe2", probe("phase2.probe2", "probe2_both_peers_down", primary, peers,
        ns + "-probe", "p2-probe2"));
  }

  /** Stops {@code stop}, writes one record, always resumes them; publishes the CheckResult. */
  private String probe(String check, String faultName, Node primary, List<Node> stop, String ns,
      String writeId) {
    List<Node> stopped = new ArrayList<>();
    String error = null;
    Map<String, String> values = new LinkedHashMap<>();
    try {
      for (Node peer : stop) {
        FaultResult r = processes.stop(peer);
        publishFault(2, faultName, null, r);
        if (r.action() == FaultAction.INJECTED) {
          stopped.add(peer);
        } else {
          error = "peer " + peer.name() + " could not be stopped: " + r.reason();
          break;
        }
      }
      if (error == null) {
        long t0 = ticker.millis();
        WriteAttempt attempt = attempt(primary, ns, writeId, t0);
        // the seed's vocabulary: 201 = acknowledged, 503 = not acknowledged for want of a
        // quorum. A target that cannot say "quorum not met" (etcd just times out: the gateway's
        // 503 "request timed out", or our client timeout first) leaves the write unacknowledged
        // and INDETERMINATE; that is what the probe asserts, so it reads 503, with the raw
        // outcome kept in values.outcome / values.detail. An explicit refusal (FAIL) is not 503.
        String status = switch (attempt.outcome()) {
          case OK -> "201";
          case QUORUM_NOT_MET, INDETERMINATE -> "503";
          default -> attempt.error() != null ? attempt.error()
              : attempt.outcome().name().toLowerCase() + " (status " + attempt.status() + ")";
        };
        if (attempt.error() != null) {
          values.put("detail", attempt.error());
        }
        values.put("status", status);
        values.put("outcome", attempt.outcome().name());
        if (attempt.status() != null) {
          values.put("protocol_status", String.valueOf(attempt.status()));
        }
        values.put("latency_ms", String.valueOf(attempt.latencyMillis()));
      }
    } finally {
      for (Node peer : stopped) {
        FaultResult healed = processes.resume(peer);
        if (healed != null) {
          publishFault(2, faultName, null, healed);
        }
      }
    }
    values.put("write_id", writeId);
    values.put("stopped", String.join(",", stop.stream().map(Node::name).toList()));
    publish(check(2, check, primary.name(), values, error));
    String shown = error == null ? values.get("status") : "error: " + error;
    progress.message(check + ": " + shown);
    log.info("{} ({} stopped): {}", check, values.get("stopped"), shown);
    return shown;
  }

  // ---------------------------------------------------------------- phase 4

  private void runPhase4(List<CycleReport> reports) {
    try {
      for (FaultSpec fault : faults) {
        for (int cycle = 1; cycle <= spec.phase4().cycles() && !aborted(); cycle++) {
          reports.add(runCycle(fault, cycle));
          publisher.flush();
        }
        if (aborted()) {
          return;
        }
      }
    } finally {
      // every cycle starts with a defensive clean-up of every fault class; the last one ends
      // with it too, so nothing (an iptables rule, a stopped process) outlives the campaign
      if (!aborted() && spec.phase4().recovery().flushPartitions()) {
        cleanUpAll(context(nodes.get(0), spec.phase4().cycles()));
      }
    }
  }

  private CycleReport runCycle(FaultSpec faultSpec, int cycle) {
    CampaignSpec.Phase4Spec p4 = spec.phase4();
    String fault = faultSpec.faultClass();
    progress.cycleStarted(fault, cycle, p4.cycles());
    cleanUpAll(context(nodes.get(0), cycle));
    awaitHealthy(p4.healthyTimeoutMs());
    Node primary = primary();
    FaultContext context = context(primary, cycle);
    ActiveFault active = new ActiveFault(faultSpec, faultSpec.newWorker(), context, cycle);
    String ns = p4.namespace(fault, cycle);
    Tally tally = new Tally();
    SettleResult settled = null;
    log.info("cycle {}/{} {}: primary {}, namespace {}", cycle, p4.cycles(), fault,
        primary.name(), ns);
    try {
      issueWrites(fault, cycle, primary, ns, tally, active);
      active.awaitTimedHeal();
      if (!aborted()) {
        settled = settle(4, fault, cycle, ns, tally.acked, p4.settle(), primaryFirst(primary));
      }
    } finally {
      active.healNow();
      if (aborted()) {
        restore(true, true, true, cycle);
      } else {
        // the clean-up of every fault class runs at the next cycle's start (and after the last
        // cycle), not twice in a row: SSH round trips are most of a cycle's time
        restore(false, p4.recovery().resumePaused(), p4.recovery().restartKilled(), cycle);
      }
    }
    CycleReport report = new CycleReport(fault, cycle, p4.cycles(), tally.count(WriteOutcome.OK),
        tally.count(WriteOutcome.QUORUM_NOT_MET), tally.count(WriteOutcome.FAIL),
        tally.count(WriteOutcome.INDETERMINATE),
        active.injected == null ? null : active.injected.action().name(),
        settled == null ? 0 : settled.polls(), settled != null && settled.converged(),
        settled == null ? Map.of() : settled.missing());
    progress.cycleFinished(report);
    return report;
  }

  private void issueWrites(String fault, int cycle, Node primary, String ns, Tally tally,
      ActiveFault active) {
    CampaignSpec.Phase4Spec p4 = spec.phase4();
    int k = p4.faultAfterWrite();
    ExecutorService pool = Executors.newFixedThreadPool(p4.concurrency(), daemon("shipgate-write"));
    Semaphore permits = new Semaphore(p4.concurrency());
    List<Future<?>> futures = new ArrayList<>();
    WriteRouter router = new WriteRouter(primary);
    try {
      for (int seq = 1; seq <= p4.writesPerCycle() && !aborted(); seq++) {
        if (seq == k + 1) {
          await(futures.get(k - 1));
          if (aborted()) {
            break;
          }
          active.inject();
        }
        permits.acquireUninterruptibly();
        if (aborted()) {
          permits.release();
          break;
        }
        int s = seq;
        String id = "c" + cycle + "-w" + seq;
        futures.add(pool.submit(() -> {
          try {
            Node to = router.target();
            WriteAttempt a = attempt(to, ns, id, ticker.millis());
            router.answered(to, a);
            tally.add(publishWrite(4, fault, cycle, s, id, null, to, a), id);
          } finally {
            permits.release();
          }
        }));
      }
      if (k == p4.writesPerCycle() && futures.size() == k && !aborted()) {
        await(futures.get(k - 1));
        active.inject();
      }
      futures.forEach(this::await);
    } finally {
      pool.shutdownNow();
    }
  }

  /** One fault of one cycle: inject once, heal once (on its timer, or now). */
  private final class ActiveFault {
    final FaultSpec faultSpec;
    final FaultWorker worker;
    final FaultContext context;
    final int cycle;
    volatile FaultResult injected;
    private boolean healed;
    private volatile boolean cancelled;
    private Thread timer;

    ActiveFault(FaultSpec faultSpec, FaultWorker worker, FaultContext context, int cycle) {
      this.faultSpec = faultSpec;
      this.worker = worker;
      this.context = context;
      this.cycle = cycle;
    }

    void inject() {
      FaultResult r;
      try {
        r = worker.inject(context);
      } catch (RuntimeException e) {
        log.error("{} cycle {}: inject failed", faultSpec.faultClass(), cycle, e);
        r = FaultResult.notApplied(context.primary().name(), "unknown", null, null,
            "inject failed: " + describe(e));
      }
      if (r == null) {
        r = FaultResult.notApplied(context.primary().name(), "unknown", null, null,
            "the fault worker returned no result");
      }
      injected = r;
      publishFault(4, faultSpec.faultClass(), cycle, r);
      log.info("{} cycle {}: {} on {} ({})", faultSpec.faultClass(), cycle, r.action(),
          r.targetNode(), r.action() == FaultAction.INJECTED ? r.evidence() : r.reason());
      long delay = faultSpec.healDelay().toMillis();
      if (r.action() == FaultAction.INJECTED && delay > 0) {
        long healAt = ticker.millis() + delay;
        timer = daemon("shipgate-heal").newThread(() -> {
          try {
            while (!cancelled && ticker.millis() < healAt) {
              ticker.sleep(Math.min(20, healAt - ticker.millis()));
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
      if (aborted()) {
        cancelled = true;
      }
      try {
        t.join();
      } catch (InterruptedException e) {
        abort("interrupted");
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
          publishFault(4, faultSpec.faultClass(), cycle, h);
          log.info("{} cycle {}: {} on {} ({})", faultSpec.faultClass(), cycle, h.action(),
              h.targetNode(), h.evidence());
        }
      } catch (RuntimeException e) {
        log.error("{} cycle {}: heal failed (recovery will clean up)", faultSpec.faultClass(),
            cycle, e);
      }
    }
  }

  // ---------------------------------------------------------------- writes

  /** Issues one write, publishes its WriteResult, returns the outcome. */
  private WriteOutcome write(int phase, String fault, Integer cycle, int seq, String writeId,
      String agent, Node node, String ns) {
    return publishWrite(phase, fault, cycle, seq, writeId, agent, node,
        attempt(node, ns, writeId, ticker.millis()));
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
            current = nodes.get((nodes.indexOf(node) + 1) % nodes.size());
            log.info("{} refuses connections: writes fail over to {}", node.name(),
                current.name());
          }
        }
      }
    }
  }

  private WriteOutcome publishWrite(int phase, String fault, Integer cycle, int seq,
      String writeId, String agent, Node node, WriteAttempt a) {
    Instant answered = ticker.now();
    Instant issued = answered.minusMillis(a.latencyMillis());
    publish(WriteResult.newBuilder()
        .setCampaignId(spec.campaignId())
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(issued)
        .setPhase(phase)
        .setFault(fault)
        .setCycle(cycle)
        .setSeq(seq)
        .setWriteId(writeId)
        .setNode(node.name())
        .setAgent(agent)
        .setStatus(a.status())
        .setOutcome(a.outcome())
        .setLatencyMs(a.latencyMillis())
        .setAckTime(a.outcome() == WriteOutcome.OK ? answered : null)
        .setError(a.outcome() == WriteOutcome.OK ? null : a.error())
        .build());
    progress.write(a.outcome());
    return a.outcome();
  }

  private WriteAttempt attempt(Node node, String ns, String writeId, long t0) {
    try {
      WriteAttempt a = adapter.write(node, ns, writeId);
      if (a == null || a.outcome() == null) {
        return new WriteAttempt(null, WriteOutcome.INDETERMINATE, ticker.millis() - t0,
            "adapter returned no outcome");
      }
      return a;
    } catch (RuntimeException e) {
      log.error("write {} to {}: adapter error", writeId, node.name(), e);
      return new WriteAttempt(null, WriteOutcome.INDETERMINATE, ticker.millis() - t0,
          "adapter error: " + describe(e));
    }
  }

  private static final class Tally {
    final Set<String> acked = ConcurrentHashMap.newKeySet();
    final Map<WriteOutcome, AtomicInteger> counts = new ConcurrentHashMap<>();

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

  // ---------------------------------------------------------------- settle

  record SettleResult(int polls, boolean converged, Map<String, List<String>> missing) {}

  /**
   * Polls the nodes until they converge (adaptive) or once after max settle (fixed). Observations
   * list the nodes in {@code order}: the cycle's primary first, then its peers, so that
   * count_node0 is the node the fault hit and count_node1/2 are the peers the seed's bound counts,
   * whichever node leads in this cycle.
   */
  private SettleResult settle(int phase, String fault, Integer cycle, String ns, Set<String> acked,
      SettleSpec s, List<Node> order) {
    long start = ticker.millis();
    if (s.mode() == SettleMode.FIXED) {
      sleepUnlessAborted(s.maxSettleMs());
      List<NodeState> states = observeAll(order, ns);
      boolean converged = converged(states, acked);
      publish(observation(phase, fault, cycle, 0, !aborted(), order, states));
      return result(1, converged, order, states, acked, fault, cycle);
    }
    for (int poll = 0; ; poll++) {
      List<NodeState> states = observeAll(order, ns);
      boolean converged = converged(states, acked);
      long elapsed = ticker.millis() - start;
      boolean last = converged || elapsed >= s.maxSettleMs() || aborted();
      publish(observation(phase, fault, cycle, poll, last && !aborted(), order, states));
      if (last) {
        return result(poll + 1, converged, order, states, acked, fault, cycle);
      }
      try {
        ticker.sleep(Math.min(s.pollIntervalMs(), s.maxSettleMs() - elapsed));
      } catch (InterruptedException e) {
        abort("interrupted");
      }
    }
  }

  private SettleResult result(int polls, boolean converged, List<Node> order,
      List<NodeState> states, Set<String> acked, String fault, Integer cycle) {
    Map<String, List<String>> missing = new LinkedHashMap<>();
    for (int i = 0; i < order.size(); i++) {
      NodeState st = states.get(i);
      if (st.error() == null && st.ids() != null) {
        Set<String> held = new LinkedHashSet<>(st.ids());
        List<String> m = acked.stream().filter(id -> !held.contains(id)).sorted(WRITE_ORDER)
            .toList();
        missing.put(order.get(i).name(), m);
        if (!m.isEmpty()) {
          log.warn("{} cycle {}: node {} is missing {} acknowledged writes after the settle: {}",
              fault == null ? "phase 2" : fault, cycle, order.get(i).name(), m.size(), m);
        }
      }
    }
    return new SettleResult(polls, converged, missing);
  }

  /** Every readable node holds every acked id (or as many records when ids are not listed). */
  static boolean converged(List<NodeState> states, Set<String> acked) {
    boolean anyLive = false;
    for (NodeState s : states) {
      if (s.error() != null) {
        continue;
      }
      anyLive = true;
      if (s.ids() != null) {
        if (!new LinkedHashSet<>(s.ids()).containsAll(acked)) {
          return false;
        }
      } else if (s.count() == null || s.count() < acked.size()) {
        return false;
      }
    }
    return anyLive;
  }

  /** c2-w10 after c2-w9: by the numbers in the id, then as text. */
  static final java.util.Comparator<String> WRITE_ORDER = (a, b) -> {
    String[] x = a.split("\\D+");
    String[] y = b.split("\\D+");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      if (!x[i].isEmpty() && !y[i].isEmpty() && !x[i].equals(y[i])) {
        int c = Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i]));
        if (c != 0) {
          return c;
        }
      }
    }
    return a.compareTo(b);
  };

  private List<NodeState> observeAll(List<Node> order, String ns) {
    List<Future<NodeState>> futures = new ArrayList<>();
    for (Node n : order) {
      futures.add(observers.submit(() -> {
        try {
          NodeState s = adapter.observe(n, ns);
          return s == null ? NodeState.unreadable("adapter returned no state") : s;
        } catch (RuntimeException e) {
          return NodeState.unreadable(describe(e));
        }
      }));
    }
    List<NodeState> out = new ArrayList<>();
    for (Future<NodeState> f : futures) {
      try {
        out.add(f.get());
      } catch (InterruptedException e) {
        abort("interrupted");
        out.add(NodeState.unreadable("interrupted"));
      } catch (ExecutionException e) {
        out.add(NodeState.unreadable(describe(e.getCause())));
      }
    }
    return out;
  }

  private Observation observation(int phase, String fault, Integer cycle, int poll, boolean last,
      List<Node> order, List<NodeState> states) {
    List<NodeObservation> list = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      NodeState s = states.get(i);
      list.add(NodeObservation.newBuilder()
          .setNode(order.get(i).name())
          .setNodeIndex(i)
          .setCount(s.count())
          .setRawCount(s.count() == null ? "ERR" : String.valueOf(s.count()))
          .setIds(s.ids() == null ? null : new ArrayList<>(s.ids()))
          .setError(s.error())
          .build());
    }
    return Observation.newBuilder()
        .setCampaignId(spec.campaignId())
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(ticker.now())
        .setPhase(phase)
        .setFault(fault)
        .setCycle(cycle)
        .setPollSeq(poll)
        .setFinal$(last)
        .setNodes(list)
        .build();
  }

  // ---------------------------------------------------------------- nodes

  private void awaitHealthy(int timeoutMs) {
    long deadline = ticker.millis() + timeoutMs;
    while (!aborted()) {
      List<String> sick = new ArrayList<>();
      for (Node n : nodes) {
        boolean ok;
        try {
          ok = adapter.healthy(n);
        } catch (RuntimeException e) {
          ok = false;
        }
        if (!ok) {
          sick.add(n.name());
        }
      }
      if (sick.isEmpty()) {
        return;
      }
      if (ticker.millis() >= deadline) {
        log.warn("nodes {} still unhealthy after {} ms; going on (the observations will show it)",
            sick, timeoutMs);
        progress.message("warning: nodes " + sick + " unhealthy after " + timeoutMs + " ms");
        return;
      }
      try {
        ticker.sleep(HEALTH_POLL_MS);
      } catch (InterruptedException e) {
        abort("interrupted");
      }
    }
  }

  private Node primary() {
    try {
      Optional<Node> p = adapter.primary(nodes);
      if (p != null && p.isPresent()) {
        return p.get();
      }
    } catch (RuntimeException e) {
      log.warn("cannot tell the primary ({}); using node {}", describe(e), nodes.get(0).name());
    }
    return nodes.get(0);
  }

  /** The primary, then its peers in node order. */
  private List<Node> primaryFirst(Node primary) {
    List<Node> out = new ArrayList<>();
    out.add(primary);
    out.addAll(peersOf(primary));
    return out;
  }

  private List<Node> peersOf(Node primary) {
    return nodes.stream().filter(n -> !n.name().equals(primary.name())).toList();
  }

  private FaultContext context(Node primary, int cycle) {
    return new FaultContext(runner, primary, peersOf(primary), spec.campaignId(), cycle,
        commandTimeout);
  }

  /** The defensive clean-up of every fault class, the classes in parallel. */
  private void cleanUpAll(FaultContext context) {
    List<Future<?>> running = new ArrayList<>();
    for (FaultSpec f : faults) {
      running.add(observers.submit(() -> {
        try {
          f.newWorker().cleanUp(context);
        } catch (RuntimeException e) {
          log.error("cleanUp of {} failed", f.faultClass(), e);
        }
      }));
    }
    running.forEach(this::await);
  }

  /** Restores the cluster: cleanUp of every fault class, SIGCONT, restart of dead processes. */
  private void restore(boolean cleanUp, boolean resume, boolean restart, int cycle) {
    if (cleanUp) {
      cleanUpAll(context(nodes.get(0), cycle));
    }
    List<Future<?>> running = new ArrayList<>();
    for (Node n : nodes) {
      running.add(observers.submit(() -> {
        if (resume) {
          processes.resume(n);
        }
        if (restart) {
          processes.restartIfDead(n);
        }
      }));
    }
    running.forEach(this::await);
  }

  private void sleepUnlessAborted(long millis) {
    long end = ticker.millis() + millis;
    try {
      while (!aborted() && ticker.millis() < end) {
        ticker.sleep(Math.min(200, end - ticker.millis()));
      }
    } catch (InterruptedException e) {
      abort("interrupted");
    }
  }

  private void await(Future<?> f) {
    try {
      f.get();
    } catch (InterruptedException e) {
      abort("interrupted");
      try {
        f.get();
      } catch (InterruptedException | ExecutionException ignored) {
        // aborting: the write's own result is published by its task
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
    }
  }

  // ---------------------------------------------------------------- events

  private CampaignEvent campaignEvent(CampaignEventType type, String reason) {
    return CampaignEvent.newBuilder()
        .setCampaignId(spec.campaignId())
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(ticker.now())
        .setType(type)
        .setSource(EventSource.LIVE)
        .setConfig(type == CampaignEventType.STARTED ? spec.toConfig() : null)
        .setReason(reason)
        .build();
  }

  private void publishFault(int phase, String fault, Integer cycle, FaultResult r) {
    publish(FaultEvent.newBuilder()
        .setCampaignId(spec.campaignId())
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(ticker.now())
        .setPhase(phase)
        .setFault(fault)
        .setCycle(cycle)
        .setTargetNode(r.targetNode() == null ? "?" : r.targetNode())
        .setAction(r.action())
        .setMechanism(r.mechanism() == null ? "unknown" : r.mechanism())
        .setCommand(r.command())
        .setExitStatus(r.exitStatus())
        .setEvidence(r.evidence())
        .setReason(r.reason())
        .build());
  }

  private CheckResult check(int phase, String kind, String node, Map<String, String> values,
      String error) {
    return CheckResult.newBuilder()
        .setCampaignId(spec.campaignId())
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(ticker.now())
        .setSource(EventSource.LIVE)
        .setPhase(phase)
        .setCheck(kind)
        .setNode(node)
        .setValues(new LinkedHashMap<>(values))
        .setError(error)
        .build();
  }

  private void publish(Object event) {
    synchronized (publishLock) {
      if (event instanceof CampaignEvent e) {
        publisher.publish(e);
      } else if (event instanceof WriteResult w) {
        publisher.publish(w);
      } else if (event instanceof FaultEvent f) {
        publisher.publish(f);
      } else if (event instanceof Observation o) {
        publisher.publish(o);
      } else if (event instanceof CheckResult c) {
        publisher.publish(c);
      } else {
        throw new IllegalArgumentException("not an event: " + event);
      }
    }
  }

  static String describe(Throwable t) {
    String msg = t.getMessage();
    return (msg == null || msg.isBlank() ? t.getClass().getSimpleName() : msg)
        .replaceAll("\\s*\\R\\s*", " ");
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @SuppressWarnings("unused")
  private static <T> List<T> unmodifiable(List<T> l) {
    return Collections.unmodifiableList(l);
  }
}
