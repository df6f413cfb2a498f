package dev.shipgate.producer.campaign;

import dev.shipgate.producer.fault.FaultContext;
import dev.shipgate.producer.lease.FaultLedger;
import dev.shipgate.producer.progress.ProgressListener;
import dev.shipgate.producer.remote.CommandRunner;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.remote.RemoteException;
import dev.shipgate.producer.target.TargetAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the parts of one campaign run share: the campaign, its collaborators (adapter, command
 * runner, events, fault ledger, progress), the abort flag, the problems seen so far, and the
 * node helpers every phase needs (the primary, health, the peers).
 */
final class RunContext {
  private static final Logger log = LoggerFactory.getLogger(RunContext.class);
  private static final long HEALTH_POLL_MS = 200;

  final CampaignSpec spec;
  final TargetAdapter adapter;
  final CommandRunner runner;
  final CampaignEvents events;
  final Ticker ticker;
  final ProgressListener progress;
  final List<Node> nodes;
  final ProcessControl processes;
  final Duration commandTimeout;
  final FaultLedger ledger;
  final ExecutorService observers;
  private final AtomicReference<String> abortReason = new AtomicReference<>();
  private final List<String> problems = new CopyOnWriteArrayList<>();

  RunContext(CampaignSpec spec, TargetAdapter adapter, CommandRunner runner,
      CampaignEvents events, Ticker ticker, ProgressListener progress, FaultLedger ledger) {
    this.spec = spec;
    this.adapter = adapter;
    this.runner = runner;
    this.events = events;
    this.ticker = ticker;
    this.progress = progress;
    this.ledger = ledger;
    this.nodes = spec.clusterNodes();
    this.commandTimeout = spec.ssh().commandTimeout();
    this.processes = new ProcessControl(runner, commandTimeout);
    this.observers = Executors.newCachedThreadPool(daemon("shipgate-observe"));
  }

  void abort(String reason) {
    if (abortReason.compareAndSet(null, reason)) {
      log.warn("aborting campaign {}: {}", spec.campaignId(), reason);
    }
  }

  boolean aborted() {
    return abortReason.get() != null;
  }

  String abortReason() {
    return abortReason.get();
  }

  /**
   * Something that keeps the campaign from being the measurement it claims (a node unreachable, a
   * namespace not empty, a fault never applied): shown at once, and the run exits non-zero.
   */
  void problem(String line) {
    if (!problems.contains(line)) {
      problems.add(line);
      progress.message("problem: " + line);
    }
  }

  List<String> problems() {
    return List.copyOf(problems);
  }

  /**
   * A command that could not reach its node (after the runner's retries): a problem, and for a
   * permanent failure (host key refused, authentication) the end of the campaign.
   */
  void onRemoteFailure(Node node, RemoteException e) {
    problem("node " + node.name() + " (" + node.sshTarget() + "): " + e.getMessage());
    if (!e.transientFailure()) {
      abort("node " + node.name() + " refused: " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- nodes

  /** Waits (bounded) until every node answers its health check. */
  void awaitHealthy(int timeoutMs) {
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

  /** The adapter's primary, else node index 0. */
  Node primary() {
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
  List<Node> primaryFirst(Node primary) {
    List<Node> out = new ArrayList<>();
    out.add(primary);
    out.addAll(peersOf(primary));
    return out;
  }

  List<Node> peersOf(Node primary) {
    return nodes.stream().filter(n -> !n.name().equals(primary.name())).toList();
  }

  FaultContext faultContext(Node primary, int cycle) {
    return new FaultContext(runner, primary, peersOf(primary), spec.campaignId(), cycle,
        commandTimeout);
  }

  // ---------------------------------------------------------------- time and threads

  void sleepUnlessAborted(long millis) {
    long end = ticker.millis() + millis;
    try {
      while (!aborted() && ticker.millis() < end) {
        ticker.sleep(Math.min(200, end - ticker.millis()));
      }
    } catch (InterruptedException e) {
      abort("interrupted");
    }
  }

  /** Waits for {@code f}; an interrupt aborts the campaign, a failure is rethrown. */
  void await(Future<?> f) {
    try {
      f.get();
    } catch (InterruptedException e) {
      abort("interrupted");
      try {
        f.get();
      } catch (InterruptedException | ExecutionException ignored) {
        // aborting: the task publishes its own result
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
    }
  }

  static String describe(Throwable t) {
    String msg = t.getMessage();
    return (msg == null || msg.isBlank() ? t.getClass().getSimpleName() : msg)
        .replaceAll("\\s*\\R\\s*", " ");
  }

  static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
