package dev.shipgate.producer.remote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Records every command it is asked to run and answers from a script, for unit tests of fault
 * workers and checks: they are tested by asserting the exact command lines, per node, in order.
 */
public final class CapturingCommandRunner implements CommandRunner {

  /** One command as it was asked for. */
  public record Call(String node, String command) {}

  private final List<Call> calls = new ArrayList<>();
  private final Function<Call, CommandResult> answers;

  /** Every command succeeds with empty output. */
  public CapturingCommandRunner() {
    this(c -> new CommandResult(c.node(), c.command(), 0, "", "", 0));
  }

  /** Answers with {@code answers}; it may throw {@link RemoteException} to simulate failures. */
  public CapturingCommandRunner(Function<Call, CommandResult> answers) {
    this.answers = answers;
  }

  @Override
  public synchronized CommandResult run(Node node, String command, Duration timeout) {
    Call call = new Call(node.name(), command);
    calls.add(call);
    return answers.apply(call);
  }

  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /** Commands sent to {@code node}, in order. */
  public synchronized List<String> commands(String node) {
    List<String> out = new ArrayList<>();
    for (Call c : calls) {
      if (c.node().equals(node)) {
        out.add(c.command());
      }
    }
    return out;
  }
}
