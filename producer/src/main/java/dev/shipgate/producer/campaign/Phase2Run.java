package dev.shipgate.producer.campaign;

import dev.shipgate.events.FaultAction;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.producer.fault.FaultResult;
import dev.shipgate.producer.lease.LeasedFault;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.target.WriteAttempt;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase 2: {@code agents} concurrent agents write {@code p2-a<agent>-w<seq>} to the primary,
 * settle (phase 2 observations), then probe 1 (one peer SIGSTOPped) and probe 2 (both peers)
 * each write one record: CheckResult phase2.probe1/probe2 with values.status "201" when it was
 * acknowledged, "503" when refused for lack of quorum, else the error; the peers always get
 * SIGCONT afterwards. The stop/continue actions are published as phase 2 FaultEvents
 * (fault probe1_single_peer_down / probe2_both_peers_down), and kept in the lease while applied.
 * Both namespaces must be empty first ({@link NamespaceGuard}).
 */
final class Phase2Run {
  private static final Logger log = LoggerFactory.getLogger(Phase2Run.class);

  private final RunContext run;

  Phase2Run(RunContext run) {
    this.run = run;
  }

  void run(Map<String, String> probes) {
    CampaignSpec.Phase2Spec p2 = run.spec.phase2();
    CampaignSpec.Namespaces ns = run.spec.namespaces();
    run.awaitHealthy(p2.healthyTimeoutMs());
    for (String namespace : List.of(ns.phase2(), ns.probes())) {
      String problem = NamespaceGuard.problem(run, namespace);
      if (problem != null) {
        run.events.check(run.events.checkResult(2, "phase2.precondition", null, null, null,
            Map.of("namespace", namespace), problem));
        run.problem("phase 2: " + problem);
        return;
      }
    }
    Node primary = run.primary();
    List<Node> peers = run.peersOf(primary);
    Set<String> written = ConcurrentHashMap.newKeySet();
    Set<String> acked = ConcurrentHashMap.newKeySet();
    ExecutorService agents = Executors.newFixedThreadPool(p2.agents(),
        RunContext.daemon("shipgate-agent"));
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int a = 1; a <= p2.agents(); a++) {
        int agent = a;
        futures.add(agents.submit(() -> {
          for (int seq = 1; seq <= p2.writesPerAgent() && !run.aborted(); seq++) {
            String id = "p2-a" + agent + "-w" + seq;
            written.add(id);
            WriteAttempt attempt = FaultCycle.attempt(run, primary, ns.phase2(), id,
                run.ticker.millis());
            run.events.write(2, null, null, seq, id, "a" + agent, primary, attempt);
            run.progress.write(attempt.outcome());
            if (attempt.outcome() == WriteOutcome.OK) {
              acked.add(id);
            }
          }
        }));
      }
      futures.forEach(run::await);
    } finally {
      agents.shutdownNow();
    }
    if (run.aborted()) {
      return;
    }
    Settler.Result settled = new Settler(run).settle(2, null, null, ns.phase2(), written, acked,
        p2.settle(), run.nodes, 0, run.ticker.millis(), false);
    log.info("phase 2: {} acked, settled after {} polls, converged {}", acked.size(),
        settled.polls(), settled.converged());
    run.events.flush();
    if (run.aborted()) {
      return;
    }
    probes.put("phase2.probe1", probe("phase2.probe1", "probe1_single_peer_down", primary,
        peers.subList(0, 1), ns.probes(), "p2-probe1"));
    if (run.aborted()) {
      return;
    }
    run.awaitHealthy(p2.healthyTimeoutMs());
    probes.put("phase2.probe2", probe("phase2.probe2", "probe2_both_peers_down", primary, peers,
        ns.probes(), "p2-probe2"));
  }

  /** Stops {@code stop}, writes one record, always resumes them; publishes the CheckResult. */
  private String probe(String check, String faultName, Node primary, List<Node> stop, String ns,
      String writeId) {
    List<Node> stopped = new ArrayList<>();
    List<LeasedFault> leased = new ArrayList<>();
    String error = null;
    Map<String, String> values = new LinkedHashMap<>();
    try {
      for (Node peer : stop) {
        LeasedFault entry = new LeasedFault(2, faultName, null, peer.name(), "SIGSTOP",
            run.ticker.now());
        run.ledger.applying(entry);
        leased.add(entry);
        FaultResult r = run.processes.stop(peer);
        run.events.fault(2, faultName, null, r);
        if (r.action() == FaultAction.INJECTED) {
          stopped.add(peer);
        } else {
          error = "peer " + peer.name() + " could not be stopped: " + r.reason();
          break;
        }
      }
      if (error == null) {
        long t0 = run.ticker.millis();
        WriteAttempt attempt = FaultCycle.attempt(run, primary, ns, writeId, t0);
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
        FaultResult healed = run.processes.resume(peer);
        if (healed != null) {
          run.events.fault(2, faultName, null, healed);
        }
      }
      for (LeasedFault entry : leased) {
        run.ledger.healed(entry);
      }
    }
    values.put("write_id", writeId);
    values.put("stopped", String.join(",", stop.stream().map(Node::name).toList()));
    run.events.check(run.events.checkResult(2, check, primary.name(), null, null, values, error));
    String shown = error == null ? values.get("status") : "error: " + error;
    run.progress.message(check + ": " + shown);
    log.info("{} ({} stopped): {}", check, values.get("stopped"), shown);
    return shown;
  }
}
