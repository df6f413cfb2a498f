package dev.shipgate.producer.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.FaultAction;
import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.LocalCommandRunner;
import dev.shipgate.producer.remote.Node;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Proves on this machine that the partition rules of {@link PartitionMinorityFaultWorker} cut
 * loopback traffic by owner: two TCP servers on 127.0.0.11 and 127.0.0.12, each run by its own
 * system user; while partitioned, a connection opened by user A to B's address (and by B to A's)
 * times out, root still connects to both; after heal A connects again. Needs root and iptables;
 * cleans up the rules, the servers (by PID) and the users it created.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IptablesOwnerMatchIT {
  private static final String USER_A = "sg-test-a";
  private static final String USER_B = "sg-test-b";
  private static final String ADDR_A = "127.0.0.11";
  private static final String ADDR_B = "127.0.0.12";
  private static final int PORT_A = 18711;
  private static final int PORT_B = 18712;
  private static final String PYTHON = "/usr/bin/python3";

  private final LocalCommandRunner local = new LocalCommandRunner();
  private final Node host = new Node("host", 0, "127.0.0.1", 0, "root", null, null, 0, 0, null,
      null, null);
  private final List<String> createdUsers = new ArrayList<>();
  private final List<Process> servers = new ArrayList<>();
  private final String campaign = "it-" + UUID.randomUUID().toString().substring(0, 8);
  private Node a;
  private Node b;

  @BeforeAll
  void startTwoServersAsTwoUsers() throws Exception {
    // real iptables or nothing: a missing prerequisite fails the test (.ci/run installs them),
    // it never quietly skips the proof that partitions work on this machine
    assertTrue("0".equals(sh("id -u").stdout().strip()), "needs root");
    assertTrue(sh("command -v iptables").ok(), "needs iptables (Debian package iptables)");
    assertTrue(Files.isExecutable(Path.of(PYTHON)) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
        "needs " + PYTHON + " and setpriv");
    for (String user : List.of(USER_A, USER_B)) {
      if (!sh("id -u " + user).ok()) {
        CommandResult r = sh("useradd --system --no-create-home --shell /usr/sbin/nologin " + user);
        assertTrue(r.ok(), "useradd " + user + ": " + r.summary());
        createdUsers.add(user);
      }
    }
    servers.add(serve(USER_A, ADDR_A, PORT_A));
    servers.add(serve(USER_B, ADDR_B, PORT_B));
    a = new Node("a", 0, ADDR_A, 0, "root", null, null, PORT_A, PORT_A, null, null, USER_A);
    b = new Node("b", 1, ADDR_B, 0, "root", null, null, PORT_B, PORT_B, null, null, USER_B);
    for (int i = 0; i < 50 && !(rootConnects(ADDR_A, PORT_A) && rootConnects(ADDR_B, PORT_B));
        i++) {
      Thread.sleep(100);
    }
    assertTrue(rootConnects(ADDR_A, PORT_A) && rootConnects(ADDR_B, PORT_B), "servers listening");
  }

  @AfterAll
  void removeRulesServersAndUsers() throws Exception {
    if (a != null) {
      new PartitionMinorityFaultSpec().newWorker().cleanUp(ctx());
    }
    for (Process p : servers) {
      p.destroy(); // SIGTERM to that PID only
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    }
    for (String user : createdUsers) {
      sh("userdel " + user);
    }
    local.close();
  }

  private FaultContext ctx() {
    return new FaultContext(local, a, List.of(b), campaign, 1, Duration.ofSeconds(10));
  }

  @Test
  void shouldDropTrafficOwnedByThePartitionedUsersWhileRootStillConnects() {
    assertTrue(connectsAs(USER_A, ADDR_B, PORT_B), "A reaches B before the partition");
    assertTrue(connectsAs(USER_B, ADDR_A, PORT_A), "B reaches A before the partition");

    FaultWorker worker = new PartitionMinorityFaultSpec().newWorker();
    FaultResult injected = worker.inject(ctx());
    assertEquals(FaultAction.INJECTED, injected.action(), injected.reason());
    assertTrue(injected.evidence().contains("--comment \"shipgate:" + campaign + "\""),
        injected.evidence());

    assertTrue(!connectsAs(USER_A, ADDR_B, PORT_B), "A's connection to B is dropped");
    assertTrue(!connectsAs(USER_B, ADDR_A, PORT_A), "B's connection to A is dropped");
    assertTrue(rootConnects(ADDR_A, PORT_A), "root still reaches A");
    assertTrue(rootConnects(ADDR_B, PORT_B), "root still reaches B");

    FaultResult healed = worker.heal(ctx());
    assertEquals(FaultAction.HEALED, healed.action(), healed.reason());
    assertTrue(connectsAs(USER_A, ADDR_B, PORT_B), "A reaches B after heal");
    assertTrue(connectsAs(USER_B, ADDR_A, PORT_A), "B reaches A after heal");
    assertTrue(!sh("iptables -S OUTPUT").stdout().contains("shipgate:" + campaign),
        "no rule of this campaign left");
  }

  private Process serve(String user, String addr, int port) throws IOException {
    return new ProcessBuilder("/usr/bin/setpriv", "--reuid=" + user, "--regid=" + user,
        "--clear-groups", PYTHON, "-c",
        "import socket,time\n"
            + "s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
            + "s.bind(('" + addr + "'," + port + ")); s.listen(16)\n"
            + "while True:\n"
            + "  c,_=s.accept(); c.close()\n")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** A TCP connect made by a process of {@code user}, with a 2 s timeout. */
  private boolean connectsAs(String user, String addr, int port) {
    return sh("/usr/bin/setpriv --reuid=" + user + " --regid=" + user + " --clear-groups "
        + PYTHON + " -c \"import socket; socket.create_connection(('" + addr + "'," + port
        + "), timeout=2).close()\"").ok();
  }

  private static boolean rootConnects(String addr, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(addr, port), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private CommandResult sh(String command) {
    return local.run(host, command, Duration.ofSeconds(20));
  }
}
