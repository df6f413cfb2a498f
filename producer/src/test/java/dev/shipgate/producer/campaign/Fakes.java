package dev.shipgate.producer.campaign;

import dev.shipgate.events.FaultAction;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.producer.fault.FaultContext;
import dev.shipgate.producer.fault.FaultResult;
import dev.shipgate.producer.fault.FaultSpec;
import dev.shipgate.producer.fault.FaultWorker;
import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.target.NodeState;
import dev.shipgate.producer.target.TargetAdapter;
import dev.shipgate.producer.target.WriteAttempt;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/** In-memory stand-ins for the runner's collaborators. */
final class Fakes {
  private Fakes() {}

  /** Time moves only when someone sleeps. */
  static final class FakeTicker implements Ticker {
    final AtomicLong millis = new AtomicLong();

    @Override
    public Instant now() {
      return Instant.parse("2026-04-20T14:00:00Z").plusMillis(millis.get());
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public void sleep(long ms) {
      millis.addAndGet(Math.max(0, ms));
    }
  }

  /**
   * A 3-node store: a write through the primary is on every node at once, except that node
   * {@code laggard} shows nothing for its first {@code lagPolls} observations of a namespace, and
   * ids in {@code lost} never reach it.
   */
  static final class FakeAdapter implements TargetAdapter {
    final Map<String, Set<String>> written = new HashMap<>();
    final Map<String, WriteAttempt> scripted = new HashMap<>();
    final Map<String, Integer> observeCalls = new HashMap<>();
    final List<Long> observeTimes = new CopyOnWriteArrayList<>();
    final List<String> writes = new CopyOnWriteArrayList<>();
    volatile long lastWriteTime;
    String laggard = "c";
    int lagPolls;
    /** The laggard also shows nothing until this long after the latest write (0: no such lag). */
    long lagMs;
    Set<String> lost = new HashSet<>();
    Consumer<String> onWrite = id -> { };
    Function<String, WriteAttempt> probes = id -> ok();
    final Ticker ticker;

    FakeAdapter(Ticker ticker) {
      this.ticker = ticker;
    }

    static WriteAttempt ok() {
      return new WriteAttempt(201, WriteOutcome.OK, 3, null);
    }

    @Override
    public String name() {
      return "fake";
    }

    @Override
    public synchronized WriteAttempt write(Node node, String namespace, String writeId) {
      writes.add(writeId);
      onWrite.accept(writeId);
      lastWriteTime = ticker.millis();
      WriteAttempt a = writeId.startsWith("p2-probe") ? probes.apply(writeId)
          : scripted.getOrDefault(writeId, ok());
      if (a.outcome() == WriteOutcome.OK) {
        written.computeIfAbsent(namespace, n -> new HashSet<>()).add(writeId);
      }
      return a;
    }

    @Override
    public synchronized NodeState observe(Node node, String namespace) {
      // the precondition's read of the still empty namespace is not one of the settle's polls
      int call = written.getOrDefault(namespace, Set.of()).isEmpty() ? 0
          : observeCalls.merge(node.name() + "/" + namespace, 1, Integer::sum);
      if (node.name().equals("a") && call > 0) {
        observeTimes.add(ticker.millis());
      }
      List<String> ids = new ArrayList<>(written.getOrDefault(namespace, Set.of()));
      if (node.name().equals(laggard)) {
        if (call <= lagPolls || (lagMs > 0 && ticker.millis() < lastWriteTime + lagMs)) {
          ids.clear();
        }
        ids.removeAll(lost);
      }
      ids.sort(Settler.WRITE_ORDER);
      return new NodeState((long) ids.size(), ids, null);
    }

    @Override
    public Optional<Node> primary(List<Node> nodes) {
      return Optional.of(nodes.get(0));
    }

    @Override
    public boolean healthy(Node node) {
      return true;
    }
  }

  /** A fault that records what it was asked to do and sends one command per action. */
  static final class FakeFault implements FaultSpec {
    final List<String> actions = new CopyOnWriteArrayList<>();
    final Duration healDelay;
    final boolean applies;

    FakeFault(Duration healDelay, boolean applies) {
      this.healDelay = healDelay;
      this.applies = applies;
    }

    @Override
    public String faultClass() {
      return "fake_fault";
    }

    @Override
    public Duration healDelay() {
      return healDelay;
    }

    @Override
    public FaultWorker newWorker() {
      return new FaultWorker() {
        @Override
        public FaultResult inject(FaultContext c) {
          actions.add("inject " + c.primary().name() + " cycle " + c.cycle());
          if (!applies) {
            return FaultResult.notApplied(c.primary().name(), "fake", null, null,
                "cannot be applied here");
          }
          CommandResult r = c.runner().run(c.primary(), "pid=$(cat " + c.primary().pidFile()
              + ") && kill -9 $pid", c.commandTimeout());
          return new FaultResult(FaultAction.INJECTED, c.primary().name(), "fake",
              r.command(), r.exitStatus(), "process gone", null);
        }

        @Override
        public FaultResult heal(FaultContext c) {
          actions.add("heal " + c.primary().name());
          return new FaultResult(FaultAction.HEALED, c.primary().name(), "fake", "restart", 0,
              "process back", null);
        }

        @Override
        public void cleanUp(FaultContext c) {
          actions.add("cleanUp");
          c.runner().run(c.primary(), "fake-cleanup " + c.campaignId(), c.commandTimeout());
        }
      };
    }
  }
}
