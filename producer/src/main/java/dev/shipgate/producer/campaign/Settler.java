package dev.shipgate.producer.campaign;

import dev.shipgate.producer.campaign.CampaignSpec.SettleMode;
import dev.shipgate.producer.campaign.CampaignSpec.SettleSpec;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.target.NodeState;
import dev.shipgate.schemas.WriteIds;
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
      String error) {

    static Seen of(NodeState s, Set<String> written) {
      if (s.error() != null && s.count() == null) {
        return new Seen(null, null, null, List.of(), s.error());
      }
      if (s.ids() == null) {
        return new Seen(s.count(), null, null, List.of(), s.error());
      }
      List<String> own = new ArrayList<>();
      List<String> foreign = new ArrayList<>();
      for (String id : new LinkedHashSet<>(s.ids())) {
        (written.contains(id) ? own : foreign).add(id);
      }
      return new Seen((long) own.size(), own, (long) foreign.size(),
          foreign.subList(0, Math.min(FOREIGN_SAMPLE, foreign.size())), s.error());
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
   * @param written every write id the campaign issued under {@code ns}
   * @param acked the acknowledged ones
   */
  Result settle(int phase, String fault, Integer cycle, String ns, Set<String> written,
      Set<String> acked, SettleSpec s, List<Node> order) {
    long start = run.ticker.millis();
    if (s.mode() == SettleMode.FIXED) {
      run.sleepUnlessAborted(s.maxSettleMs());
      List<Seen> seen = observe(order, ns, written);
      run.events.observation(phase, fault, cycle, 0, !run.aborted(), order, seen,
          announced(phase, written, !run.aborted()));
      return result(1, converged(seen, acked), order, seen, acked, fault, cycle);
    }
    for (int poll = 0; ; poll++) {
      List<Seen> seen = observe(order, ns, written);
      boolean converged = converged(seen, acked);
      long elapsed = run.ticker.millis() - start;
      boolean last = converged || elapsed >= s.maxSettleMs() || run.aborted();
      run.events.observation(phase, fault, cycle, poll, last && !run.aborted(), order, seen,
          announced(phase, written, last && !run.aborted()));
      if (last) {
        return result(poll + 1, converged, order, seen, acked, fault, cycle);
      }
      try {
        run.ticker.sleep(Math.min(s.pollIntervalMs(), s.maxSettleMs() - elapsed));
      } catch (InterruptedException e) {
        run.abort("interrupted");
      }
    }
  }

  /** On a phase 4 cycle's final observation: how many writes were published for the cycle. */
  private static Long announced(int phase, Set<String> written, boolean isFinal) {
    return phase == 4 && isFinal ? (long) written.size() : null;
  }

  private List<Seen> observe(List<Node> order, String ns, Set<String> written) {
    List<Seen> out = new ArrayList<>();
    for (NodeState state : observeAll(run, order, ns)) {
      out.add(Seen.of(state, written));
    }
    return out;
  }

  /** Every node's state under {@code ns}, read in parallel; a failure is an unreadable state. */
  static List<NodeState> observeAll(RunContext run, List<Node> order, String ns) {
    List<Future<NodeState>> futures = new ArrayList<>();
    for (Node n : order) {
      futures.add(run.observers.submit(() -> {
        try {
          NodeState s = run.adapter.observe(n, ns);
          return s == null ? NodeState.unreadable("adapter returned no state") : s;
        } catch (RuntimeException e) {
          return NodeState.unreadable(RunContext.describe(e));
        }
      }));
    }
    List<NodeState> out = new ArrayList<>();
    for (Future<NodeState> f : futures) {
      try {
        out.add(f.get());
      } catch (InterruptedException e) {
        run.abort("interrupted");
        out.add(NodeState.unreadable("interrupted"));
      } catch (ExecutionException e) {
        out.add(NodeState.unreadable(RunContext.describe(e.getCause())));
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
