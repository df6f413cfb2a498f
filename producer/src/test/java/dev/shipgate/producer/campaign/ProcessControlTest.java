package dev.shipgate.producer.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.FaultAction;
import dev.shipgate.producer.fault.FaultResult;
import dev.shipgate.producer.remote.CapturingCommandRunner;
import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.Node;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProcessControlTest {
  private static final Node B = new Node("b", 1, "127.0.0.12", 22, "root", null, null, 2379,
      2380, "/run/b.pid", null, "sg-node-b");

  @Test
  void shouldReadTheStateAgainUntilTheStoppedProcessShowsT() {
    AtomicInteger reads = new AtomicInteger();
    CapturingCommandRunner runner = new CapturingCommandRunner(c -> new CommandResult(c.node(),
        c.command(), 0, reads.incrementAndGet() < 3 ? "Ssl\n" : "Tsl\n", "", 0));

    FaultResult r = new ProcessControl(runner, Duration.ofSeconds(1)).stop(B);

    assertEquals(FaultAction.INJECTED, r.action());
    assertEquals("process state Tsl", r.evidence());
    assertEquals(3, runner.commands("b").size());
    assertTrue(runner.commands("b").get(1).startsWith("ps -o stat= -p"));
  }

  @Test
  void shouldResumeAndReportNotAppliedWhenTheProcessNeverStops() {
    CapturingCommandRunner runner = new CapturingCommandRunner(c -> new CommandResult(c.node(),
        c.command(), 0, "Rsl\n", "", 0));

    FaultResult r = new ProcessControl(runner, Duration.ofSeconds(1)).stop(B);

    assertEquals(FaultAction.NOT_APPLIED, r.action());
    assertEquals("process not stopped: state Rsl after 20 reads", r.reason());
    String last = runner.commands("b").get(runner.commands("b").size() - 1);
    assertTrue(last.startsWith("kill -CONT"), "a half-applied stop is undone: " + last);
  }
}
