package dev.shipgate.producer.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.WriteOutcome;
import dev.shipgate.producer.remote.Node;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RedisAdapterTest {

  private final RedisAdapter adapter =
      new RedisAdapter(2, Duration.ofMillis(200), Duration.ofMillis(500), 4);
  private FakeRespServer server;

  private Node serve(Function<List<String>, String> replies) throws IOException {
    server = new FakeRespServer(replies);
    return server.node("a", 0);
  }

  @AfterEach
  void stop() throws IOException {
    adapter.close();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void setThenWaitOnTheSameConnectionIsOkWhenEnoughReplicasAcknowledge() throws IOException {
    Node a = serve(cmd -> cmd.get(0).equals("SET") ? "+OK\r\n" : ":2\r\n");
    WriteAttempt w = adapter.write(a, "chaos-c1", "c1-w1");
    assertEquals(WriteOutcome.OK, w.outcome());
    assertEquals(201, w.status());
    assertEquals("SET", server.commands.get(0).get(0));
    assertEquals("chaos-c1:c1-w1", server.commands.get(0).get(1));
    assertEquals(List.of("WAIT", "1", "200"), server.commands.get(1));
  }

  @Test
  void waitCountingFewerReplicasThanNeededIsQuorumNotMet() throws IOException {
    Node a = serve(cmd -> cmd.get(0).equals("SET") ? "+OK\r\n" : ":0\r\n");
    WriteAttempt w = adapter.write(a, "chaos-c1", "c1-w1");
    assertEquals(WriteOutcome.QUORUM_NOT_MET, w.outcome());
    assertEquals(503, w.status());
    assertEquals("WAIT: 0 of 1 replicas acknowledged within 200 ms", w.error());
  }

  @Test
  void anErrorReplyToSetIsFail() throws IOException {
    Node a = serve(cmd -> "-READONLY You can't write against a read only replica.\r\n");
    WriteAttempt w = adapter.write(a, "chaos-c1", "c1-w1");
    assertEquals(WriteOutcome.FAIL, w.outcome());
    assertEquals("SET refused: READONLY You can't write against a read only replica.", w.error());
    assertEquals(1, server.commands.size(), "no WAIT after a refused SET");
  }

  @Test
  void aConnectionDroppedBeforeTheWaitReplyIsIndeterminate() throws IOException {
    Node a = serve(cmd -> cmd.get(0).equals("SET") ? "+OK\r\n" : null);
    WriteAttempt w = adapter.write(a, "chaos-c1", "c1-w1");
    assertEquals(WriteOutcome.INDETERMINATE, w.outcome());
    assertNull(w.status());
  }

  @Test
  void aWaitThatNeverAnswersIsIndeterminateAfterWaitPlusIoTimeout() throws IOException {
    Node a = serve(cmd -> {
      if (cmd.get(0).equals("WAIT")) {
        try {
          Thread.sleep(3000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return "+OK\r\n";
    });
    WriteAttempt w = adapter.write(a, "chaos-c1", "c1-w1");
    assertEquals(WriteOutcome.INDETERMINATE, w.outcome());
    assertTrue(w.error().startsWith("timeout"), w.error());
    assertTrue(w.latencyMillis() >= 700 && w.latencyMillis() < 2500, "latency " + w.latencyMillis());
  }

  @Test
  void aRefusedConnectionIsIndeterminateAndUnhealthy() throws IOException {
    Node a = serve(cmd -> "+OK\r\n");
    server.close();
    assertEquals(WriteOutcome.INDETERMINATE, adapter.write(a, "chaos-c1", "c1-w1").outcome());
    assertFalse(adapter.healthy(a));
    assertNull(adapter.observe(a, "chaos-c1").count());
  }

  @Test
  void observeFollowsScanCursorsUntilZeroAndStripsThePrefix() throws IOException {
    Node a = serve(cmd -> cmd.get(1).equals("0")
        ? "*2\r\n$2\r\n12\r\n*2\r\n$11\r\nchaos-c1:w1\r\n$11\r\nchaos-c1:w2\r\n"
        : "*2\r\n$1\r\n0\r\n*2\r\n$11\r\nchaos-c1:w2\r\n$11\r\nchaos-c1:w3\r\n");
    NodeState s = adapter.observe(a, "chaos-c1");
    assertEquals(List.of("w1", "w2", "w3"), s.ids(), "a key SCAN returns twice counts once");
    assertEquals(3L, s.count());
    assertEquals(List.of("SCAN", "0", "MATCH", "chaos-c1:*", "COUNT", "1000"),
        server.commands.get(0));
    assertEquals("12", server.commands.get(1).get(1));
  }

  @Test
  void globCharactersInTheNamespaceAreEscaped() {
    assertEquals("a\\*b\\?\\[c\\]:", RedisAdapter.globEscape("a*b?[c]:"));
  }

  @Test
  void primaryIsTheNodeWhoseInfoSaysRoleMaster() throws IOException {
    Node replica = serve(cmd -> "$42\r\n# Replication\r\nrole:slave\r\nmaster_port:1\r\n\r\n");
    FakeRespServer master = new FakeRespServer(
        cmd -> "$41\r\n# Replication\r\nrole:master\r\nconnected:2\r\n\r\n");
    try {
      Node b = master.node("b", 1);
      assertEquals(Optional.of(b), adapter.primary(List.of(replica, b)));
      assertEquals(List.of("INFO", "replication"), master.commands.get(0));
    } finally {
      master.close();
    }
  }

  @Test
  void healthyMeansPingAnswersPong() throws IOException {
    Node a = serve(cmd -> "+PONG\r\n");
    assertTrue(adapter.healthy(a));
  }

  @Test
  void pooledConnectionsAreReusedAcrossWrites() throws IOException {
    Node a = serve(cmd -> cmd.get(0).equals("SET") ? "+OK\r\n" : ":1\r\n");
    for (int i = 1; i <= 5; i++) {
      assertEquals(WriteOutcome.OK, adapter.write(a, "chaos-c1", "c1-w" + i).outcome());
    }
    assertEquals(10, server.commands.size());
    assertEquals(1, server.connections(), "one thread writing needs one connection");
  }
}
