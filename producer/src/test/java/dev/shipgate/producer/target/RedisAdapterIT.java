package dev.shipgate.producer.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.WriteOutcome;
import dev.shipgate.producer.remote.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/** A real Redis 7 primary (127.0.0.11) with two replicas (127.0.0.12, .13). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisAdapterIT {

  private static final String[] NAMES = {"a", "b", "c"};
  private static final Duration T = Duration.ofSeconds(1);

  private final LocalProcesses processes = new LocalProcesses();
  private final RedisAdapter adapter =
      new RedisAdapter(2, Duration.ofMillis(500), Duration.ofSeconds(1), 4);
  private final List<Node> nodes = new ArrayList<>();
  private final List<Process> procs = new ArrayList<>();
  private Path dataRoot;

  @BeforeAll
  void startServers() throws Exception {
    dataRoot = Path.of("target", "it-redis-" + System.currentTimeMillis()).toAbsolutePath();
    int primaryPort = 0;
    for (int i = 0; i < 3; i++) {
      String addr = "127.0.0.1" + (i + 1);
      int port = LocalProcesses.freePort(addr);
      Path dir = Files.createDirectories(dataRoot.resolve(NAMES[i]));
      List<String> cmd = new ArrayList<>(List.of("/usr/bin/redis-server", "--bind", addr,
          "--port", Integer.toString(port), "--dir", dir.toString(), "--daemonize", "no",
          "--save", "", "--appendonly", "no", "--repl-diskless-sync-delay", "0"));
      if (i == 0) {
        primaryPort = port;
      } else {
        cmd.addAll(List.of("--replicaof", "127.0.0.11", Integer.toString(primaryPort)));
      }
      procs.add(processes.start(cmd, dataRoot.resolve(NAMES[i] + ".log")));
      nodes.add(new Node(NAMES[i], i, addr, 0, null, null, null, port, 0, null, null, null));
    }
    long deadline = System.currentTimeMillis() + 20_000;
    while (!replicasOnline()) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("replicas not online within 20 s; logs in " + dataRoot);
      }
      Thread.sleep(100);
    }
  }

  private boolean replicasOnline() {
    try (RespConnection c = RespConnection.open("127.0.0.11", nodes.get(0).clientPort(), T)) {
      // connected is not enough: WAIT only counts replicas that finished the initial sync and
      // acknowledge the replication stream, so readiness is a write both replicas acknowledged
      String info = String.valueOf(c.call(T, "INFO", "replication"));
      if (!info.contains("connected_slaves:2")
          || info.split("state=online", -1).length - 1 != 2) {
        return false;
      }
      c.call(T, "SET", "readiness-probe", "1");
      Object acked = c.call(Duration.ofSeconds(3), "WAIT", "2", "2000");
      return acked instanceof Long n && n == 2;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @AfterAll
  void stopServers() throws Exception {
    adapter.close();
    processes.close();
    LocalProcesses.deleteTree(dataRoot);
  }

  @Test
  @Order(1)
  void writesAreAcknowledgedAfterWaitAndEveryReplicaHoldsTheirIds() throws Exception {
    List<String> ids = IntStream.rangeClosed(1, 20).mapToObj(i -> "c1-w" + i).toList();
    for (String id : ids) {
      WriteAttempt w = adapter.write(nodes.get(0), "chaos-c1", id);
      assertEquals(WriteOutcome.OK, w.outcome(), id + ": " + w.error());
      assertEquals(201, w.status());
    }
    // WAIT 1 confirmed one replica; the other may lag by a moment
    long deadline = System.currentTimeMillis() + 3_000;
    for (Node n : nodes) {
      NodeState s = adapter.observe(n, "chaos-c1");
      while (s.count() != null && s.count() < 20 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
        s = adapter.observe(n, "chaos-c1");
      }
      assertEquals(20L, s.count(), n.name());
      assertEquals(new TreeSet<>(ids), new TreeSet<>(s.ids()), n.name());
    }
  }

  @Test
  @Order(2)
  void thePrimaryIsTheNodeWithRoleMasterAndAllAnswerPing() {
    assertEquals(Optional.of(nodes.get(0)), adapter.primary(nodes));
    assertTrue(nodes.stream().allMatch(adapter::healthy));
  }

  @Test
  @Order(3)
  void aWriteSentToAReplicaIsRefused() {
    WriteAttempt w = adapter.write(nodes.get(1), "chaos-c2", "c2-w1");
    assertEquals(WriteOutcome.FAIL, w.outcome());
    assertTrue(w.error().contains("READONLY"), w.error());
  }

  @Test
  @Order(4)
  void withBothReplicasStoppedWaitCountsNoneAndTheWriteIsQuorumNotMet() throws Exception {
    long b = procs.get(1).pid();
    long c = procs.get(2).pid();
    LocalProcesses.signal(b, "STOP");
    try {
      LocalProcesses.signal(c, "STOP");
      try {
        WriteAttempt w = adapter.write(nodes.get(0), "chaos-c3", "c3-w1");
        assertEquals(WriteOutcome.QUORUM_NOT_MET, w.outcome(), w.error());
        assertEquals(503, w.status());
        assertEquals("WAIT: 0 of 1 replicas acknowledged within 500 ms", w.error());
        assertTrue(w.latencyMillis() >= 500, "WAIT waited its timeout: " + w.latencyMillis());
        assertEquals(List.of("c3-w1"), adapter.observe(nodes.get(0), "chaos-c3").ids(),
            "the unconfirmed write is on the primary");
      } finally {
        LocalProcesses.signal(c, "CONT");
      }
    } finally {
      LocalProcesses.signal(b, "CONT");
    }
    WriteAttempt after = adapter.write(nodes.get(0), "chaos-c3", "c3-w2");
    assertEquals(WriteOutcome.OK, after.outcome(), "resumed replicas acknowledge again");
  }
}
