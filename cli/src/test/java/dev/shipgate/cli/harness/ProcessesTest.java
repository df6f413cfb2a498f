package dev.shipgate.cli.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Supervision by PID on real, short-lived children of this JVM. */
class ProcessesTest {
  @TempDir Path tmp;

  private Process child;

  @AfterEach
  void killChild() throws InterruptedException {
    if (child != null) {
      child.destroyForcibly();
      child.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldTailTheLogAndSeeTheChildAliveUntilItIsKilled() throws Exception {
    Path log = tmp.resolve("child.log");
    child = start(log, "echo one; echo two; echo three; exec sleep 30");
    long pid = child.pid();
    await(() -> Processes.arguments(pid).equals(List.of("sleep", "30")));

    assertEquals(List.of("two", "three"), Processes.tail(log, 2));
    assertEquals(List.of("one", "two", "three"), Processes.tail(log, 10));
    assertTrue(Processes.alive(pid));
    assertEquals("sleep 30", Processes.cmdline(pid));
    assertEquals(Processes.realPath("/usr/bin/sleep"), Processes.exe(pid));

    child.destroyForcibly();
    assertTrue(child.waitFor(5, TimeUnit.SECONDS));
    assertFalse(Processes.alive(pid));
    assertEquals(List.of(), Processes.arguments(pid));
  }

  @Test
  void shouldSayWhenThereIsNoLogToTail() {
    assertThrows(NoSuchFileException.class, () -> Processes.tail(tmp.resolve("none.log"), 5));
  }

  @Test
  void shouldReadOnlyANumberAsAPid() throws Exception {
    Path f = tmp.resolve("x.pid");
    Files.writeString(f, "4242\n");
    assertEquals(OptionalLong.of(4242), Processes.readPid(f));
    Files.writeString(f, "");
    assertEquals(OptionalLong.empty(), Processes.readPid(f));
    Files.writeString(f, "not a pid\n");
    assertEquals(OptionalLong.empty(), Processes.readPid(f));
    assertEquals(OptionalLong.empty(), Processes.readPid(tmp.resolve("missing.pid")));
  }

  @Test
  void shouldContinueAStoppedChildSoItsTermHandlerRuns() throws Exception {
    Path log = tmp.resolve("child.log");
    child = start(log, "trap 'echo bye; exit 0' TERM; echo ready; while :; do sleep 0.1; done");
    long pid = child.pid();
    await(() -> tailIs(log, List.of("ready")));
    Processes.signal(pid, "STOP");

    List<Processes.Stopped> stopped = Processes.stop(List.of(pid), Duration.ofSeconds(10));

    assertEquals(1, stopped.size());
    assertEquals(pid, stopped.get(0).pid());
    assertFalse(stopped.get(0).killed(), "exited on SIGTERM after SIGCONT: " + stopped);
    assertFalse(Processes.alive(pid));
    assertEquals(List.of("ready", "bye"), Processes.tail(log, 5));
  }

  @Test
  void shouldKillAChildThatIgnoresTermAfterTheGrace() throws Exception {
    Path log = tmp.resolve("child.log");
    child = start(log, "trap '' TERM; echo ready; exec sleep 30");
    long pid = child.pid();
    await(() -> Processes.arguments(pid).equals(List.of("sleep", "30")));

    List<Processes.Stopped> stopped = Processes.stop(List.of(pid), Duration.ofMillis(300));

    assertEquals(1, stopped.size());
    assertEquals(pid, stopped.get(0).pid());
    assertTrue(stopped.get(0).killed(), "needed SIGKILL: " + stopped);
    assertTrue(stopped.get(0).millis() >= 300, "not before the grace: " + stopped);
    assertFalse(Processes.alive(pid));
  }

  private static Process start(Path log, String script) throws Exception {
    return new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
  }

  private static boolean tailIs(Path log, List<String> lines) {
    try {
      return Processes.tail(log, 10).equals(lines);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static void await(java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not met within 5 s");
      Thread.sleep(10);
    }
  }
}
