package dev.shipgate.producer.campaign;

import dev.shipgate.producer.campaign.CampaignSpec.SettleMode;
import dev.shipgate.producer.campaign.CampaignSpec.SettleSpec;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.target.NodeState;
import dev.shipgate.schemas.WriteIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for replication after a burst of writes and publishes what every node holds at each poll.
 * Adaptive: polls every poll_interval until every live (readable) node holds every acknowledged
 * write, or max_settle has passed; fixed: waits max_settle and observes once (the seed's settle).
 *
 * <p>A node's count is the number of the campaign's own write ids it holds (any outcome): a record
 * in the namespace that the campaign did not write is never counted, only reported
 * ({@code foreign_count} and a sample). A target that cannot list ids reports its count as is.
 */
final class Settler {
  private static final Logger log = LoggerFactory.getLogger(Settler.class);
  private static final int FOREIGN_SAMPLE = 10;

  /**
   * What one node showed at one poll.
   *
   * @param count the campaign's own records it holds (null when unreadable)
   * @param ownIds those records' ids, null when the target cannot list ids
   * @param foreignCount records of the namespace the campaign did not write, null when unknown
   * @param foreignSample up to 10 of their names
   * @param error why the node could not be read
   */
  record Seen(Long count, List<String> ownIds, Long foreignCount, List<String> foreignSample,
      String error, Instant readAt) {

    static Seen of(Read read, Set<String> written) {
      NodeState s = read.state();
      if (s.error() != null && s.count() == null) {
        return new Seen(null, null, null, List.of(), s.error(), read.at());
      }
      if (s.ids() == null) {
        return new Seen(s.count(), null, null, List.of(), s.error(), read.at());
      }
      // an id listed twice stays listed twice (a duplicate, where a target can hold one); the
      // count is of distinct ids
      List<String> own = new ArrayList<>();
      Set<String> distinct = new LinkedHashSet<>();
      Set<String> foreign = new LinkedHashSet<>();
      for (String id : s.ids()) {
        if (written.contains(id)) {
          own.add(id);
          distinct.add(id);
        } else {
          foreign.add(id);
        }
      }
      List<String> foreignList = new ArrayList<>(foreign);
      return new Seen((long) distinct.size(), own, (long) foreign.size(),
          foreignList.subList(0, Math.min(FOREIGN_SAMPLE, foreignList.size())), s.error(),
          read.at());
    }
  }

  /** How a settle ended: polls made, whether it converged, per node the acked ids missing. */
  record Result(int polls, boolean converged, Map<String, List<String>> missing) {}

  private final RunContext run;

  Settler(RunContext run) {
    this.run = run;
  }

  /**
   * Settles {@code ns}; observations list the nodes in {@code order} (the cycle's primary first,
   * then its peers, so count_node0 is the node the fault hit and count_node1/2 the peers the
   * seed's bound counts).
   *
   * <p>Adaptive: polls every poll_interval (backing off to backoff_interval after backoff_after)
   * until every readable node holds every acknowledged write, or max_settle. In phase 4 the poll
   * that starts seed_settle after the last answer is the seed point (the one the bound counts,
   * as the seed counted after its fixed sleep); a settle that converges before it marks its final
   * poll instead (the state it converged to is the state at the seed point). Fixed: waits
   * max_settle and observes once.
   *
   * @param written every write id the campaign issued under {@code ns}
   * @param acked the acknowledged ones
   * @param firstPoll the poll sequence to start at (after the polls made during the writes)
   * @param lastAnswerAt when the last write was answered (ticker millis)
   * @param seedMarked the seed point was a poll made while waiting for a timed heal
   */
  Result settle(int phase, String fault, Integer cycle, String ns, Set<String> written,
      Set<String> acked, SettleSpec s, List<Node> order, int firstPoll, long lastAnswerAt,
      boolean seedMarked) {
    long start = run.ticker.millis();
    boolean phase4 = phase == 4;
    if (s.mode() == SettleMode.FIXED) {
      run.sleepUnlessAborted(s.maxSettleMs());
      List<Seen> seen = observe(order, ns, written);
      boolean done = !run.aborted();
      run.events.observation(phase, fault, cycle, firstPoll, done, phase4 && done, order, seen,
          announced(phase, written, done));
      return result(1, converged(seen, acked), order, seen, acked, fault, cycle);
    }
    long seedAt = (lastAnswerAt > 0 ? lastAnswerAt : start) + s.seedSettleMs();
    for (int poll = firstPoll; ; poll++) {
      long pollStart = run.ticker.millis();
      List<Seen> seen = observe(order, ns, written);
      boolean converged = converged(seen, acked);
      long elapsed = run.ticker.millis() - start;
      boolean last = converged || elapsed >= s.maxSettleMs() || run.aborted();
      boolean done = last && !run.aborted();
      boolean seedPoint = phase4 && !seedMarked && !run.aborted()
          && (pollStart >= seedAt || done);
      seedMarked |= seedPoint;
      run.events.observation(phase, fault, cycle, poll, done, seedPoint, order, seen,
          announced(phase, written, done));
      if (last) {
        return result(poll - firstPoll + 1, converged, order, seen, acked, fault, cycle);
      }
      long now = run.ticker.millis();
      long wait = Math.min(s.intervalAt(now - start), s.maxSettleMs() - (now - start));
      if (phase4 && !seedMarked) {
        wait = Math.min(wait, seedAt - now);
      }
      try {
        run.ticker.sleep(Math.max(0, wait));
      } catch (InterruptedException e) {
        run.abort("interrupted");
      }
    }
  }

  /**
   * Polls {@code ns} every poll_interval while a cycle's writes run and while a timed heal is
   * awaited after them, publishing each poll (never final), so a write's first sighting is
   * measured from close to its acknowledgement. Once the writes are answered
   * ({@link #writesAnswered}) the poll that starts seed_settle after the last answer is the seed
   * point, as in the settle. Stopped by {@link #stop()}, which says where the settle's poll
   * sequence goes on.
   */
  final class DuringWrites {
    private final Thread thread;
    private volatile boolean stopped;
    private volatile long seedAt = Long.MAX_VALUE;
    private volatile boolean seedMarked;
    private int next;

    DuringWrites(String fault, int cycle, String ns, Set<String> written, SettleSpec s,
        List<Node> order) {
      thread = RunContext.daemon("shipgate-poll").newThread(() -> {
        try {
          while (!stopped && !run.aborted()) {
            long t0 = run.ticker.millis();
            boolean seedPoint = !seedMarked && t0 >= seedAt;
            List<Seen> seen = observe(order, ns, written);
            if (stopped) {
              break; // the writes are over: the settle's first poll is the next one
            }
            run.events.observation(4, fault, cycle, next++, false, seedPoint, order, seen, null);
            seedMarked |= seedPoint;
            long now = run.ticker.millis();
            long wait = s.pollIntervalMs() - (now - t0);
            if (!seedMarked && seedAt != Long.MAX_VALUE) {
              wait = Math.min(wait, seedAt - now);
            }
            if (wait > 0) {
              run.ticker.sleep(wait);
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      thread.start();
    }

    /** Every write was answered, the last at {@code lastAnswerAt} (ticker millis). */
    void writesAnswered(long lastAnswerAt, int seedSettleMs) {
      seedAt = lastAnswerAt + seedSettleMs;
    }

    /** True once one of its polls was the seed point. */
    boolean seedMarked() {
      return seedMarked;
    }

    /** Stops polling; returns the number of polls published. */
    int stop() {
      stopped = true;
      try {
        thread.join();
      } catch (InterruptedException e) {
        run.abort("interrupted");
        thread.interrupt();
      }
      return next;
    }
  }

  /** Starts polling during a cycle's writes (when its settle asks for it), else null. */
  DuringWrites duringWrites(String fault, int cycle, String ns, Set<String> written,
      SettleSpec s, List<Node> order) {
    return s.duringWrites() && s.mode() == SettleMode.ADAPTIVE
        ? new DuringWrites(fault, cycle, ns, written, s, order) : null;
  }

  /** On a phase 4 cycle's final observation: how many writes were published for the cycle. */
  private static Long announced(int phase, Set<String> written, boolean isFinal) {
    return phase == 4 && isFinal ? (long) written.size() : null;
  }

  private List<Seen> observe(List<Node> order, String ns, Set<String> written) {
    List<Seen> out = new ArrayList<>();
    for (Read read : readAll(run, order, ns)) {
      out.add(Seen.of(read, written));
    }
    return out;
  }

  /** One node's state and when its read returned. */
  record Read(NodeState state, Instant at) {}

  /** Every node's state under {@code ns}, read in parallel; a failure is an unreadable state. */
  static List<NodeState> observeAll(RunContext run, List<Node> order, String ns) {
    return readAll(run, order, ns).stream().map(Read::state).toList();
  }

  private static List<Read> readAll(RunContext run, List<Node> order, String ns) {
    List<Future<Read>> futures = new ArrayList<>();
    for (Node n : order) {
      futures.add(run.observers.submit(() -> {
        NodeState s;
        try {
          s = run.adapter.observe(n, ns);
          s = s == null ? NodeState.unreadable("adapter returned no state") : s;
        } catch (RuntimeException e) {
          s = NodeState.unreadable(RunContext.describe(e));
        }
        return new Read(s, run.ticker.now());
      }));
    }
    List<Read> out = new ArrayList<>();
    for (Future<Read> f : futures) {
      try {
        out.add(f.get());
      } catch (InterruptedException e) {
        run.abort("interrupted");
        out.add(new Read(NodeState.unreadable("interrupted"), run.ticker.now()));
      } catch (ExecutionException e) {
        out.add(new Read(NodeState.unreadable(RunContext.describe(e.getCause())),
            run.ticker.now()));
      }
    }
    return out;
  }

  private Result result(int polls, boolean converged, List<Node> order, List<Seen> seen,
      Set<String> acked, String fault, Integer cycle) {
    Map<String, List<String>> missing = new LinkedHashMap<>();
    for (int i = 0; i < order.size(); i++) {
      Seen s = seen.get(i);
      if (s.error() == null && s.ownIds() != null) {
        Set<String> held = new LinkedHashSet<>(s.ownIds());
        List<String> m = acked.stream().filter(id -> !held.contains(id)).sorted(WRITE_ORDER)
            .toList();
        missing.put(order.get(i).name(), m);
        if (!m.isEmpty()) {
          log.warn("{} cycle {}: node {} is missing {} acknowledged writes after the settle: {}",
              fault == null ? "phase 2" : fault, cycle, order.get(i).name(), m.size(), m);
        }
      }
    }
    return new Result(polls, converged, missing);
  }

  /** Every readable node holds every acked id (or as many records when ids are not listed). */
  static boolean converged(List<Seen> seen, Set<String> acked) {
    boolean anyLive = false;
    for (Seen s : seen) {
      if (s.error() != null) {
        continue;
      }
      anyLive = true;
      if (s.ownIds() != null) {
        if (!new LinkedHashSet<>(s.ownIds()).containsAll(acked)) {
          return false;
        }
      } else if (s.count() == null || s.count() < acked.size()) {
        return false;
      }
    }
    return anyLive;
  }

  /** c2-w10 after c2-w9 ({@link WriteIds#ORDER}). */
  static final Comparator<String> WRITE_ORDER = WriteIds.ORDER;
}
