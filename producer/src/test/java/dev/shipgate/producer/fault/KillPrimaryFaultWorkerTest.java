package dev.shipgate.producer.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.FaultAction;
import dev.shipgate.producer.remote.CapturingCommandRunner;
import dev.shipgate.producer.remote.Node;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class KillPrimaryFaultWorkerTest {
  private final Node a = Scripted.node("a", 0, "sg-node-a");
  private final Node b = Scripted.node("b", 1, "sg-node-b");
  private final Node c = Scripted.node("c", 2, "sg-node-c");
  private final KillPrimaryFaultSpec spec = new KillPrimaryFaultSpec(3, Duration.ZERO);

  private FaultContext ctx(CapturingCommandRunner runner) {
    return new FaultContext(runner, a, List.of(b, c), "camp-1", 4, Duration.ofSeconds(5));
  }

  @Test
  void shouldKillThePrimaryAndReportItGoneWhenPsPrintsNothing() {
    CapturingCommandRunner runner = new Scripted().on("a", "cat ", "4242\n")
        .exit("a", "ps ", 1, "", "").runner();
    FaultResult r = spec.newWorker().inject(ctx(runner));

    assertEquals(List.of("cat /run/sg/a.pid", "kill -9 4242", "ps -o stat= -p 4242"),
        runner.commands("a"));
    assertEquals(FaultAction.INJECTED, r.action());
    assertEquals("a", r.targetNode());
    assertEquals("SIGKILL", r.mechanism());
    assertEquals("kill -9 4242", r.command());
    assertEquals("pid 4242 gone after SIGKILL", r.evidence());
    assertTrue(runner.commands("b").isEmpty() && runner.commands("c").isEmpty());
  }

  @Test
  void shouldTreatAZombieAsDead() {
    CapturingCommandRunner runner = new Scripted().on("a", "cat ", "4242")
        .on("a", "ps ", "Z\n").runner();
    FaultResult r = spec.newWorker().inject(ctx(runner));
    assertEquals(FaultAction.INJECTED, r.action());
    assertEquals("pid 4242 state Z (zombie) after SIGKILL", r.evidence());
  }

  @Test
  void shouldNotClaimAKillWhenTheProcessSurvivesSigkill() {
    CapturingCommandRunner runner = new Scripted().on("a", "cat ", "4242")
        .on("a", "ps ", "Ssl").runner();
    FaultResult r = spec.newWorker().inject(ctx(runner));

    assertEquals(FaultAction.NOT_APPLIED, r.action());
    assertNull(r.evidence());
    assertEquals("pid 4242 state Ssl still alive after SIGKILL (3 reads)", r.reason());
    assertEquals(List.of("cat /run/sg/a.pid", "kill -9 4242", "ps -o stat= -p 4242",
        "ps -o stat= -p 4242", "ps -o stat= -p 4242"), runner.commands("a"));
  }

  @Test
  void shouldNotKillAnythingWhenThePidFileCannotBeRead() {
    CapturingCommandRunner runner = new Scripted()
        .exit("a", "cat ", 1, "", "cat: /run/sg/a.pid: No such file or directory").runner();
    FaultResult r = spec.newWorker().inject(ctx(runner));

    assertEquals(FaultAction.NOT_APPLIED, r.action());
    assertTrue(r.reason().startsWith("cannot read a PID from /run/sg/a.pid on node a"), r.reason());
    assertEquals(List.of("cat /run/sg/a.pid"), runner.commands("a"));
  }

  @Test
  void shouldRestartTheKilledNodeOnHealAndReadTheNewPidBackAlive() {
    CapturingCommandRunner runner = new Scripted().on("a", "cat ", "4242", "4242", "5151")
        .on("a", "ps -o stat= -p 4242", "Z").on("a", "ps -o stat= -p 5151", "Sl").runner();
    FaultWorker worker = spec.newWorker();
    assertEquals(FaultAction.INJECTED, worker.inject(ctx(runner)).action());
    FaultResult healed = worker.heal(ctx(runner));

    assertEquals(FaultAction.HEALED, healed.action());
    assertEquals("restarted as pid 5151 (state Sl)", healed.evidence());
    assertEquals("/opt/sg/start-a.sh", healed.command());
    assertEquals(List.of("cat /run/sg/a.pid", "kill -9 4242", "ps -o stat= -p 4242",
        "/opt/sg/start-a.sh", "cat /run/sg/a.pid", "cat /run/sg/a.pid", "ps -o stat= -p 5151"),
        runner.commands("a"));
  }

  @Test
  void shouldReportAFailedRestartAsNotApplied() {
    CapturingCommandRunner runner = new Scripted().on("a", "cat ", "4242")
        .on("a", "ps ", "").runner();
    FaultWorker worker = spec.newWorker();
    worker.inject(ctx(runner));
    FaultResult healed = worker.heal(ctx(runner));
    assertEquals(FaultAction.NOT_APPLIED, healed.action());
    assertEquals("node a did not come back after '/opt/sg/start-a.sh': pid file still names the"
        + " old pid 4242", healed.reason());
  }

  @Test
  void shouldDoNothingOnHealAfterANotAppliedKill() {
    CapturingCommandRunner runner = new Scripted().on("a", "cat ", "4242")
        .on("a", "ps ", "S").runner();
    FaultWorker worker = spec.newWorker();
    worker.inject(ctx(runner));
    int before = runner.calls().size();
    assertNull(worker.heal(ctx(runner)));
    assertEquals(before, runner.calls().size());
  }
}
