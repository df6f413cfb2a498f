package dev.shipgate.producer.campaign;

import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.target.NodeState;
import java.util.ArrayList;
import java.util.List;

/**
 * The precondition of every burst of writes: its namespace is empty on every node. A record found
 * there was not written by this campaign's burst (an earlier run under the same campaign id, or
 * someone else) and could pass for one of its writes; a namespace that is not empty, or cannot be
 * read, fails the precondition: the burst is not run, the failure is published as a
 * {@code phase<N>.precondition} check with the reason, and nothing of it is ever counted.
 */
final class NamespaceGuard {
  private static final int READS = 3;
  private static final long RETRY_MS = 200;

  private NamespaceGuard() {}

  /** Why {@code ns} is not known to be empty on every node, or null when it is. */
  static String problem(RunContext run, String ns) {
    List<NodeState> states = Settler.observeAll(run, run.nodes, ns);
    for (int read = 1; read < READS && states.stream().anyMatch(s -> s.count() == null)
        && !run.aborted(); read++) {
      try {
        run.ticker.sleep(RETRY_MS);
      } catch (InterruptedException e) {
        run.abort("interrupted");
      }
      states = Settler.observeAll(run, run.nodes, ns);
    }
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < run.nodes.size(); i++) {
      Node n = run.nodes.get(i);
      NodeState s = states.get(i);
      if (s.count() == null) {
        problems.add("node " + n.name() + " cannot be read (" + s.error() + ")");
      } else if (s.count() > 0 || s.ids() != null && !s.ids().isEmpty()) {
        List<String> sample = s.ids() == null ? List.of()
            : s.ids().stream().sorted(Settler.WRITE_ORDER).limit(5).toList();
        problems.add("node " + n.name() + " holds " + s.count() + " record(s)"
            + (sample.isEmpty() ? "" : " (" + String.join(", ", sample)
                + (s.count() > sample.size() ? ", ..." : "") + ")"));
      }
    }
    return problems.isEmpty() ? null : "namespace " + ns + " is not known to be empty: "
        + String.join("; ", problems) + "; the burst is not run, so none of it can be counted";
  }
}
