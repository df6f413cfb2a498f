package dev.shipgate.producer.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Against a real OpenSSH sshd started by the test on 127.0.0.11 (its own config, host key and
 * authorized_keys in a directory under target/), stopped by PID afterwards.
 */
class JschCommandRunnerIT {
  private static final Logger log = LoggerFactory.getLogger(JschCommandRunnerIT.class);
  private static final String ADDRESS = "127.0.0.11";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static Path dir;
  private static Process sshd;
  private static int port;
  private static Node node;
  private static JschCommandRunner runner;

  @BeforeAll
  static void startSshd() throws Exception {
    dir = Path.of("target", "sshd-it-" + UUID.randomUUID()).toAbsolutePath();
    Files.createDirectories(dir);
    Files.createDirectories(Path.of("/run/sshd"));
    Path hostKey = dir.resolve("ssh_host_ed25519_key");
    exec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "shipgate-it-host", "-f",
        hostKey.toString());
    SshFixtures.ClientKey client = SshFixtures.clientKey(dir, "id_ed25519");
    Path authorized = dir.resolve("authorized_keys");
    Files.writeString(authorized, client.authorizedKeysLine() + "\n");
    port = freePort();
    Path config = dir.resolve("sshd_config");
    Files.writeString(config, String.join("\n",
        "Port " + port,
        "ListenAddress " + ADDRESS,
        "HostKey " + hostKey,
        "AuthorizedKeysFile " + authorized,
        "PermitRootLogin prohibit-password",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "PidFile " + dir.resolve("sshd.pid"),
        ""));
    exec("/usr/sbin/sshd", "-t", "-f", config.toString());
    sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-f", config.toString(), "-E",
        dir.resolve("sshd.log").toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("sshd.out").toFile())
        .start();
    awaitListening();
    // what ssh-keyscan would print: the host's public key under [address]:port
    Path knownHosts = SshFixtures.knownHosts(dir.resolve("known_hosts"), ADDRESS, port,
        Files.readString(Path.of(hostKey + ".pub")));
    node = SshFixtures.node("a", ADDRESS, port, client.privateKey(), knownHosts);
    runner = JschCommandRunner.builder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stopSshd() throws Exception {
    if (runner != null) {
      runner.close();
    }
    if (sshd != null) {
      sshd.destroy();
      if (!sshd.waitFor(5, TimeUnit.SECONDS)) {
        sshd.destroyForcibly();
        sshd.waitFor(5, TimeUnit.SECONDS);
      }
    }
    if (dir != null && !Boolean.getBoolean("keepSshdDir")) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void shouldRunACommandOverRealSshWithTheHostKeyVerified() {
    CommandResult r = runner.run(node, "echo hi; echo err >&2; exit 3", TIMEOUT);

    assertEquals(3, r.exitStatus());
    assertEquals("hi\n", r.stdout());
    assertEquals("err\n", r.stderr());
  }

  @Test
  void shouldRefuseTheRealSshdWhenKnownHostsHoldsAnotherKey() {
    Path wrong = SshFixtures.knownHosts(dir.resolve("known_hosts_wrong"), ADDRESS, port,
        MinaSshServer.hostKeyLine(SshFixtures.newEd25519KeyPair().getPublic()));
    Node impostor = SshFixtures.node("a", ADDRESS, port, node.privateKey(), wrong);

    RemoteException e = assertThrows(RemoteException.class,
        () -> runner.run(impostor, "true", TIMEOUT));

    assertFalse(e.transientFailure());
    assertTrue(e.getMessage().contains("host key has CHANGED"), e.getMessage());
  }

  @Test
  void shouldGiveUpOnACommandThatOutlivesItsTimeoutAndStayUsable() throws Exception {
    String marker = "sleep 31.37";

    long start = System.nanoTime();
    RemoteException e = assertThrows(RemoteException.class,
        () -> runner.run(node, marker, Duration.ofMillis(500)));
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertTrue(e.transientFailure());
    assertTrue(millis < 5_000, "took " + millis + " ms");
    assertEquals(0, runner.openSessions(), "the timed-out session was closed");
    assertEquals("ok\n", runner.run(node, "echo ok", TIMEOUT).stdout(), "runner still usable");
    // OpenSSH refuses the channel's KILL signal for root sessions ("session signalling requires
    // privilege separation"): the node's own deadline (timeout + 1 s, then TERM) ends the command
    List<ProcessHandle> left = survivors(marker);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      left = survivors(marker);
    }
    left.forEach(ProcessHandle::destroyForcibly);
    assertEquals(List.of(), left.stream().map(p -> p.info().commandLine().orElse("?")).toList(),
        "the remote command outlived its timeout on the node");
    log.info("remote command gone {} ms after the call began",
        (System.nanoTime() - start) / 1_000_000);
  }

  @Test
  void shouldLeaveATimedOutCommandRunningWhenTheNodeDeadlineIsOff() throws Exception {
    String marker = "sleep 32.71";
    try (JschCommandRunner plain = JschCommandRunner.builder().remoteTimeout(false).build()) {
      assertThrows(RemoteException.class, () -> plain.run(node, marker, Duration.ofMillis(500)));
      Thread.sleep(2_500);
      List<ProcessHandle> left = survivors(marker);
      left.forEach(ProcessHandle::destroyForcibly);
      // the reason the node deadline exists: without it the command is still there
      assertEquals(1, left.size(), "survivors: " + left);
    }
  }

  private static List<ProcessHandle> survivors(String marker) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.endsWith(marker)).orElse(false))
        .toList();
  }

  @Test
  void shouldMeasureExecRoundTripWithAndWithoutSessionReuse() {
    long reused = medianMillis(runner, 20);
    long fresh;
    try (JschCommandRunner perCommand = JschCommandRunner.builder().reuseSessions(false)
        .build()) {
      fresh = medianMillis(perCommand, 20);
    }
    log.info("ROUND TRIP over JSch to OpenSSH {}: median of 20 `true` = {} ms with a reused "
        + "session, {} ms with a session per command", node.sshTarget(), reused, fresh);
    assertTrue(reused < 1_000 && fresh < 2_000, reused + " / " + fresh);
  }

  private static long medianMillis(CommandRunner r, int n) {
    r.run(node, "true", TIMEOUT); // warm-up: class loading, first session
    List<Long> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      assertEquals(0, r.run(node, "true", TIMEOUT).exitStatus());
      samples.add((System.nanoTime() - start) / 1_000_000);
    }
    Collections.sort(samples);
    log.info("round trip samples (ms, sorted): {}", samples);
    return samples.get(n / 2);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ADDRESS))) {
      return s.getLocalPort();
    }
  }

  private static void awaitListening() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (!sshd.isAlive()) {
        throw new IllegalStateException("sshd exited " + sshd.exitValue() + ": "
            + Files.readString(dir.resolve("sshd.log")));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(ADDRESS, port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("sshd did not listen on " + ADDRESS + ":" + port);
  }

  private static void exec(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }
}
