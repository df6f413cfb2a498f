package dev.shipgate.producer.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryingCommandRunnerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private final Node node = SshFixtures.localNode("a");
  private final List<Duration> sleeps = new ArrayList<>();

  private RetryingCommandRunner retrying(CommandRunner delegate, int maxAttempts) {
    return new RetryingCommandRunner(delegate, maxAttempts, Duration.ofMillis(100),
        Duration.ofMillis(300), sleeps::add);
  }

  @Test
  void shouldRetryTransientFailuresUntilTheCommandSucceeds() {
    AtomicInteger calls = new AtomicInteger();
    CapturingCommandRunner flaky = new CapturingCommandRunner(c -> {
      if (calls.incrementAndGet() < 3) {
        throw new RemoteException("connection refused", true, null);
      }
      return new CommandResult(c.node(), c.command(), 0, "ok\n", "", 1);
    });

    CommandResult r = retrying(flaky, 5).run(node, "uptime", TIMEOUT);

    assertEquals("ok\n", r.stdout());
    assertEquals(3, flaky.commands("a").size());
    assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), sleeps);
  }

  @Test
  void shouldGiveUpAfterMaxAttemptsWithTheLastFailureAndCappedBackoff() {
    RemoteException last = new RemoteException("timed out", true, null);
    CapturingCommandRunner down = new CapturingCommandRunner(c -> {
      throw last;
    });

    RemoteException e = assertThrows(RemoteException.class,
        () -> retrying(down, 4).run(node, "uptime", TIMEOUT));

    assertSame(last, e);
    assertEquals(4, down.calls().size());
    assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300)),
        sleeps);
  }

  @Test
  void shouldNeverRetryAPermanentFailure() {
    CapturingCommandRunner refused = new CapturingCommandRunner(c -> {
      throw new RemoteException("Auth fail", false, null);
    });

    RemoteException e = assertThrows(RemoteException.class,
        () -> retrying(refused, 5).run(node, "uptime", TIMEOUT));

    assertEquals("Auth fail", e.getMessage());
    assertEquals(1, refused.calls().size());
    assertEquals(List.of(), sleeps);
  }

  @Test
  void shouldNeverRetryANonZeroExitStatus() {
    CapturingCommandRunner failing = new CapturingCommandRunner(
        c -> new CommandResult(c.node(), c.command(), 1, "", "no such process\n", 1));

    CommandResult r = retrying(failing, 5).run(node, "kill -9 4242", TIMEOUT);

    assertEquals(1, r.exitStatus());
    assertEquals(List.of("kill -9 4242"), failing.commands("a"));
    assertEquals(List.of(), sleeps);
  }

  @Test
  void shouldRejectNonsensicalSettings() {
    CapturingCommandRunner any = new CapturingCommandRunner();
    assertThrows(IllegalArgumentException.class,
        () -> new RetryingCommandRunner(any, 0, Duration.ZERO, Duration.ZERO));
    assertThrows(IllegalArgumentException.class,
        () -> new RetryingCommandRunner(any, 3, Duration.ofSeconds(2), Duration.ofSeconds(1)));
  }
}
