package dev.shipgate.producer.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCommandRunnerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final LocalCommandRunner local = new LocalCommandRunner();
  private final Node node = SshFixtures.localNode("a");

  @Test
  void shouldReturnExitStatusStdoutAndStderrExactly() {
    CommandResult r = local.run(node, "echo hi; echo err >&2; exit 3", TIMEOUT);

    assertEquals(3, r.exitStatus());
    assertEquals("hi\n", r.stdout());
    assertEquals("err\n", r.stderr());
    assertEquals("a", r.node());
    assertEquals("echo hi; echo err >&2; exit 3", r.command());
  }

  @Test
  void shouldRunTheCommandWithShSemantics() {
    CommandResult r = local.run(node, "x=$((2+3)); [ \"$x\" = 5 ] && echo \"$x\" | sed s/5/five/",
        TIMEOUT);

    assertEquals(0, r.exitStatus());
    assertEquals("five\n", r.stdout());
  }

  @Test
  void shouldNotDeadlockWhenBothStreamsProduceMegabytes() {
    CommandResult r = local.run(node,
        "head -c 2000000 /dev/zero | tr '\\0' o; head -c 2000000 /dev/zero | tr '\\0' e >&2;"
            + " head -c 1000000 /dev/zero | tr '\\0' o",
        TIMEOUT);

    assertEquals(0, r.exitStatus());
    assertEquals(3_000_000, r.stdout().length());
    assertEquals(2_000_000, r.stderr().length());
  }

  @Test
  void shouldGiveTheCommandAnEmptyStdin() {
    CommandResult r = local.run(node, "cat; echo done", Duration.ofSeconds(5));

    assertEquals("done\n", r.stdout());
  }

  @Test
  void shouldKillACommandAndItsChildrenThatOutliveTheTimeout(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("child.pid");

    long start = System.nanoTime();
    RemoteException e = assertThrows(RemoteException.class, () -> local.run(node,
        "sleep 30 & echo $! > " + pidFile + "; wait", Duration.ofMillis(500)));
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertTrue(e.transientFailure());
    assertTrue(e.getMessage().contains("timed out after 500 ms"), e.getMessage());
    assertTrue(millis >= 500 && millis < 3_000, "took " + millis + " ms");
    long child = Long.parseLong(Files.readString(pidFile).strip());
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false),
        "the sleep child was left running");
  }

  @Test
  void shouldLogEveryCommandWithItsResult() {
    String log = JschCommandRunnerTest.captureStderr(
        () -> local.run(node, "echo first; echo second", TIMEOUT));

    assertTrue(log.contains("RUN: a echo first; echo second RESULT: exit 0: first"), log);
  }
}
