package dev.shipgate.producer.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JschCommandRunnerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private SshFixtures.ClientKey clientKey;
  private KeyPair hostKey;
  private MinaSshServer server;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void startServer() throws IOException {
    clientKey = SshFixtures.clientKey(dir, "id_ed25519");
    hostKey = MinaSshServer.newHostKey();
    server = MinaSshServer.start(hostKey, clientKey.publicBlob());
  }

  @AfterEach
  void stopServer() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    server.close();
  }

  private Node trustedNode() {
    Path kh = SshFixtures.knownHosts(dir.resolve("known_hosts"), "127.0.0.1", server.port(),
        server.hostKeyLine());
    return SshFixtures.node("a", "127.0.0.1", server.port(), clientKey.privateKey(), kh);
  }

  private JschCommandRunner runner(JschCommandRunner.Builder b) {
    JschCommandRunner r = b.connectTimeout(Duration.ofSeconds(5)).build();
    toClose.add(r);
    return r;
  }

  @Test
  void shouldReturnExitStatusStdoutAndStderrExactly() {
    JschCommandRunner ssh = runner(JschCommandRunner.builder());

    CommandResult r = ssh.run(trustedNode(),
        "printf 'out1\\nout2\\n'; printf 'e1\\n' >&2; exit 7", TIMEOUT);

    assertEquals(7, r.exitStatus());
    assertEquals("out1\nout2\n", r.stdout());
    assertEquals("e1\n", r.stderr());
    assertEquals("a", r.node());
    assertEquals("exit 7: out1", r.summary());
  }

  @Test
  void shouldGiveTheCommandAnEmptyStdinSoItDoesNotHang() {
    JschCommandRunner ssh = runner(JschCommandRunner.builder());

    CommandResult r = ssh.run(trustedNode(), "cat; echo done", Duration.ofSeconds(5));

    assertEquals(0, r.exitStatus());
    assertEquals("done\n", r.stdout());
  }

  @Test
  void shouldReuseOneSessionForSuccessiveCommandsToANode() {
    JschCommandRunner ssh = runner(JschCommandRunner.builder());
    Node node = trustedNode();

    for (int i = 0; i < 3; i++) {
      assertEquals("" + i + "\n", ssh.run(node, "echo " + i, TIMEOUT).stdout());
    }

    assertEquals(1, server.connections());
    assertEquals(1, ssh.openSessions());
  }

  @Test
  void shouldOpenAndCloseOneSessionPerCommandWhenReuseIsOff() throws Exception {
    JschCommandRunner ssh = runner(JschCommandRunner.builder().reuseSessions(false));
    Node node = trustedNode();

    ssh.run(node, "true", TIMEOUT);
    ssh.run(node, "true", TIMEOUT);

    assertEquals(2, server.connections());
    assertEquals(0, ssh.openSessions());
    awaitNoServerSessions();
  }

  @Test
  void shouldReconnectWhenTheNodesSshdWasRestarted() throws IOException {
    JschCommandRunner ssh = runner(JschCommandRunner.builder());
    Node node = trustedNode();
    assertEquals(0, ssh.run(node, "true", TIMEOUT).exitStatus());

    server = server.restart(clientKey.publicBlob());
    CommandResult after = ssh.run(node, "echo back", TIMEOUT);

    assertEquals("back\n", after.stdout());
    assertEquals(2, server.connections());
  }

  @Test
  void shouldWrapTheCommandInTheNodesOwnDeadline() {
    assertEquals("exec timeout -k 2 2.500 \"${SHELL:-/bin/sh}\" -c 'cat /run/x.pid'",
        JschCommandRunner.withRemoteTimeout("cat /run/x.pid", Duration.ofMillis(1500)));
  }

  @Test
  void shouldKeepTheCommandsMeaningUnderTheWrapper() throws Exception {
    String command = "echo \"it's\" '$HOME' | tr a-z A-Z";
    Process p = new ProcessBuilder("/bin/sh", "-c",
        JschCommandRunner.withRemoteTimeout(command, Duration.ofSeconds(5)))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor());
    assertEquals("IT'S $HOME\n", out);
  }

  @Test
  void shouldEndACommandOnTheNodeAtItsDeadlineEvenWithoutTheClient() throws Exception {
    Process p = new ProcessBuilder("/bin/sh", "-c",
        JschCommandRunner.withRemoteTimeout("sleep 30; echo not reached", Duration.ofMillis(200)))
        .redirectErrorStream(true).start();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS), "still running");
    assertEquals(124, p.exitValue(), "coreutils timeout's exit status for a timed-out command");
  }

  @Test
  void shouldKillACommandThatOutlivesItsTimeoutAndCloseTheSession() throws Exception {
    JschCommandRunner ssh = runner(JschCommandRunner.builder());
    Node node = trustedNode();
    ssh.run(node, "true", TIMEOUT);

    long start = System.nanoTime();
    RemoteException e = assertThrows(RemoteException.class,
        () -> ssh.run(node, "sleep 30", Duration.ofMillis(500)));
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertTrue(e.transientFailure(), "a timeout is transient");
    assertTrue(e.getMessage().contains("timed out after 500 ms"), e.getMessage());
    assertTrue(e.getMessage().contains("node a (") && e.getMessage().contains("127.0.0.1:"),
        e.getMessage());
    assertTrue(millis >= 500 && millis < 5_000, "took " + millis + " ms");
    assertEquals(0, ssh.openSessions());
    awaitNoServerSessions();
  }

  @Test
  void shouldRejectAChangedHostKeyPermanentlyAndNeverRetryIt() {
    Path kh = SshFixtures.knownHosts(dir.resolve("known_hosts_wrong"), "127.0.0.1",
        server.port(), MinaSshServer.hostKeyLine(MinaSshServer.newHostKey().getPublic()));
    Node node = SshFixtures.node("b", "127.0.0.1", server.port(), clientKey.privateKey(), kh);
    List<Duration> sleeps = new ArrayList<>();
    RetryingCommandRunner retrying = new RetryingCommandRunner(
        runner(JschCommandRunner.builder()), 5, Duration.ofMillis(10), Duration.ofMillis(100),
        sleeps::add);

    RemoteException e = assertThrows(RemoteException.class,
        () -> retrying.run(node, "echo should-not-run", TIMEOUT));

    assertFalse(e.transientFailure(), "a changed host key is permanent");
    assertTrue(e.getMessage().contains("host key has CHANGED"), e.getMessage());
    assertTrue(e.getMessage().contains("node b (")
        && e.getMessage().contains("127.0.0.1:" + server.port()), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
    assertEquals(1, server.connections(), "exactly one connection attempt");
    assertEquals(List.of(), sleeps);
  }

  @Test
  void shouldRejectAnUnknownHostKeyPermanently() throws IOException {
    Path kh = dir.resolve("known_hosts_empty");
    java.nio.file.Files.writeString(kh, "");
    Node node = SshFixtures.node("c", "127.0.0.1", server.port(), clientKey.privateKey(), kh);

    RemoteException e = assertThrows(RemoteException.class,
        () -> runner(JschCommandRunner.builder()).run(node, "true", TIMEOUT));

    assertFalse(e.transientFailure());
    assertTrue(e.getMessage().contains("host key is UNKNOWN"), e.getMessage());
    assertTrue(e.getMessage().contains(kh.toString()), e.getMessage());
  }

  @Test
  void shouldRejectAnUnauthorizedKeyPermanentlyAndNeverRetryIt() {
    SshFixtures.ClientKey stranger = SshFixtures.clientKey(dir, "stranger");
    Node node = SshFixtures.node("a", "127.0.0.1", server.port(), stranger.privateKey(),
        trustedNode().knownHosts());
    List<Duration> sleeps = new ArrayList<>();
    RetryingCommandRunner retrying = new RetryingCommandRunner(
        runner(JschCommandRunner.builder()), 5, Duration.ofMillis(10), Duration.ofMillis(100),
        sleeps::add);

    RemoteException e = assertThrows(RemoteException.class,
        () -> retrying.run(node, "true", TIMEOUT));

    assertFalse(e.transientFailure(), "authentication refused is permanent");
    assertTrue(e.getMessage().contains("authentication refused"), e.getMessage());
    assertTrue(e.getMessage().contains("Auth fail"), e.getMessage());
    assertEquals(1, server.connections(), "exactly one connection attempt");
    assertEquals(List.of(), sleeps);
  }

  @Test
  void shouldRetryARefusedConnectionTheConfiguredNumberOfTimesWithExponentialBackoff()
      throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Node node = SshFixtures.node("a", "127.0.0.1", closedPort, clientKey.privateKey(),
        trustedNode().knownHosts());
    JschCommandRunner ssh = runner(JschCommandRunner.builder());
    AtomicInteger attempts = new AtomicInteger();
    CommandRunner counting = (n, c, t) -> {
      attempts.incrementAndGet();
      return ssh.run(n, c, t);
    };
    List<Duration> sleeps = new ArrayList<>();
    RetryingCommandRunner retrying = new RetryingCommandRunner(counting, 4,
        Duration.ofMillis(20), Duration.ofMillis(50), d -> {
          sleeps.add(d);
          Thread.sleep(d.toMillis());
        });

    RemoteException e = assertThrows(RemoteException.class,
        () -> retrying.run(node, "true", TIMEOUT));

    assertTrue(e.transientFailure());
    assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
    assertEquals(4, attempts.get());
    assertEquals(List.of(Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(50)),
        sleeps);
  }

  @Test
  void shouldAcceptAnyHostKeyWhenCheckingIsDisabledAndWarnOncePerNode() {
    Path kh = SshFixtures.knownHosts(dir.resolve("known_hosts_wrong"), "127.0.0.1",
        server.port(), MinaSshServer.hostKeyLine(MinaSshServer.newHostKey().getPublic()));
    Node node = SshFixtures.node("a", "127.0.0.1", server.port(), clientKey.privateKey(), kh);
    JschCommandRunner ssh = runner(
        JschCommandRunner.builder().strictHostKeyChecking(false).reuseSessions(false));

    String log = captureStderr(() -> {
      assertEquals("x\n", ssh.run(node, "echo x", TIMEOUT).stdout());
      assertEquals("y\n", ssh.run(node, "echo y", TIMEOUT).stdout());
    });

    assertFalse(ssh.strictHostKeyChecking());
    assertEquals(1, count(log, "host key checking is DISABLED"), log);
    assertTrue(log.contains("WARN"), log);
    assertEquals(2, server.connections());
  }

  @Test
  void shouldLogEveryCommandWithItsResult() {
    JschCommandRunner ssh = runner(JschCommandRunner.builder());
    Node node = trustedNode();

    String log = captureStderr(() -> ssh.run(node, "echo hello; exit 2", TIMEOUT));

    assertTrue(log.contains("RUN: a echo hello; exit 2 RESULT: exit 2: hello"), log);
  }

  private void awaitNoServerSessions() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (server.activeSessions() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, server.activeSessions(), "server-side sessions left open");
  }

  static String captureStderr(Runnable body) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setErr(old);
    }
    String s = buf.toString(StandardCharsets.UTF_8);
    old.print(s);
    return s;
  }

  private static int count(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
