package dev.shipgate.producer.fault;

import dev.shipgate.producer.remote.CapturingCommandRunner;
import dev.shipgate.producer.remote.CapturingCommandRunner.Call;
import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * Scripted answers for a {@link CapturingCommandRunner}: the first rule whose node and command
 * prefix match answers; a rule with several answers gives them in turn and then repeats its last
 * one. Unmatched commands succeed with no output.
 */
public final class Scripted implements Function<Call, CommandResult> {
  private record Rule(String node, String prefix, Deque<String[]> answers) {}

  private final List<Rule> rules = new ArrayList<>();
  private Function<Call, CommandResult> fallback;

  /** On {@code node} (null: any), commands starting with {@code prefix} print {@code stdout}s. */
  public Scripted on(String node, String prefix, String... stdouts) {
    Deque<String[]> q = new ArrayDeque<>();
    for (String s : stdouts) {
      q.add(new String[] {"0", s, ""});
    }
    rules.add(new Rule(node, prefix, q));
    return this;
  }

  /** ... exit with {@code exit} and print {@code stdout} / {@code stderr}. */
  public Scripted exit(String node, String prefix, int exit, String stdout, String stderr) {
    Deque<String[]> q = new ArrayDeque<>();
    q.add(new String[] {Integer.toString(exit), stdout, stderr});
    rules.add(new Rule(node, prefix, q));
    return this;
  }

  public Scripted otherwise(Function<Call, CommandResult> fallback) {
    this.fallback = fallback;
    return this;
  }

  public CapturingCommandRunner runner() {
    return new CapturingCommandRunner(this);
  }

  @Override
  public synchronized CommandResult apply(Call call) {
    for (Rule r : rules) {
      if ((r.node() == null || r.node().equals(call.node()))
          && call.command().startsWith(r.prefix())) {
        String[] a = r.answers().size() > 1 ? r.answers().poll() : r.answers().peek();
        return new CommandResult(call.node(), call.command(), Integer.parseInt(a[0]), a[1], a[2],
            1);
      }
    }
    if (fallback != null) {
      return fallback.apply(call);
    }
    return new CommandResult(call.node(), call.command(), 0, "", "", 1);
  }

  public static Node node(String name, int index, String user) {
    return new Node(name, index, "127.0.0.1" + (index + 1), 22, "root", null, null, 2379, 2380,
        "/run/sg/" + name + ".pid", "/opt/sg/start-" + name + ".sh", user);
  }
}
