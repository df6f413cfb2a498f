package dev.shipgate.producer.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.FaultAction;
import dev.shipgate.producer.remote.CapturingCommandRunner;
import dev.shipgate.producer.remote.Node;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PausePeerFaultWorkerTest {
  private final Node a = Scripted.node("a", 0, "sg-node-a");
  private final Node b = Scripted.node("b", 1, "sg-node-b");
  private final Node c = Scripted.node("c", 2, "sg-node-c");
  private final PausePeerFaultSpec spec =
      new PausePeerFaultSpec(Duration.ofMillis(500), 2, Duration.ZERO);

  private FaultContext ctx(CapturingCommandRunner runner, int cycle) {
    return new FaultContext(runner, a, List.of(b, c), "camp-1", cycle, Duration.ofSeconds(5));
  }

  @Test
  void shouldPickThePeerFromTheCycleNumber() {
    CapturingCommandRunner runner = new Scripted().on(null, "ps ", "T").on(null, "cat ", "777")
        .runner();
    assertEquals("c", spec.newWorker().inject(ctx(runner, 3)).targetNode());
    assertEquals("b", spec.newWorker().inject(ctx(runner, 4)).targetNode());
  }

  @Test
  void shouldStopThePeerAndReadStateTBack() {
    CapturingCommandRunner runner = new Scripted().on("c", "cat ", "777")
        .on("c", "ps ", "T\n").runner();
    FaultResult r = spec.newWorker().inject(ctx(runner, 3));

    assertEquals(List.of("cat /run/sg/c.pid", "kill -STOP 777", "ps -o stat= -p 777"),
        runner.commands("c"));
    assertEquals(FaultAction.INJECTED, r.action());
    assertEquals("SIGSTOP", r.mechanism());
    assertEquals("pid 777 state T (stopped) after SIGSTOP", r.evidence());
    assertTrue(runner.commands("a").isEmpty() && runner.commands("b").isEmpty());
  }

  @Test
  void shouldContinueThePeerOnHealAndSeeItRunAgain() {
    CapturingCommandRunner runner = new Scripted().on("c", "cat ", "777")
        .on("c", "ps ", "T", "S").runner();
    FaultWorker worker = spec.newWorker();
    worker.inject(ctx(runner, 3));
    FaultResult healed = worker.heal(ctx(runner, 3));

    assertEquals(FaultAction.HEALED, healed.action());
    assertEquals("kill -CONT 777", healed.command());
    assertEquals("pid 777 state S after SIGCONT", healed.evidence());
    assertEquals(List.of("cat /run/sg/c.pid", "kill -STOP 777", "ps -o stat= -p 777",
        "kill -CONT 777", "ps -o stat= -p 777"), runner.commands("c"));
  }

  @Test
  void shouldNotClaimAPauseWhenTheStateNeverShowsT() {
    CapturingCommandRunner runner = new Scripted().on("c", "cat ", "777")
        .on("c", "ps ", "S").runner();
    FaultWorker worker = spec.newWorker();
    FaultResult r = worker.inject(ctx(runner, 3));

    assertEquals(FaultAction.NOT_APPLIED, r.action());
    assertEquals("pid 777 state S after SIGSTOP, not stopped (T)", r.reason());
    assertEquals(List.of("cat /run/sg/c.pid", "kill -STOP 777", "ps -o stat= -p 777",
        "ps -o stat= -p 777", "kill -CONT 777"), runner.commands("c"));
    assertEquals(null, worker.heal(ctx(runner, 3)));
  }

  @Test
  void shouldContinueEveryNodeOnCleanUp() {
    CapturingCommandRunner runner = new Scripted().on("a", "cat ", "11").on("b", "cat ", "12")
        .exit("c", "cat ", 1, "", "no such file").runner();
    spec.newWorker().cleanUp(ctx(runner, 0));
    assertEquals(List.of("cat /run/sg/a.pid", "kill -CONT 11"), runner.commands("a"));
    assertEquals(List.of("cat /run/sg/b.pid", "kill -CONT 12"), runner.commands("b"));
    assertEquals(List.of("cat /run/sg/c.pid"), runner.commands("c"));
  }
}
