package dev.shipgate.producer.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.WriteOutcome;
import dev.shipgate.producer.remote.Node;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AiMemoryAdapterTest {

  private AiMemoryFixture fixture;
  private AiMemoryAdapter adapter;
  private Node a;
  private Node b;
  private Node c;

  @BeforeEach
  void start() throws Exception {
    fixture = AiMemoryFixture.start();
    adapter = new AiMemoryAdapter(Duration.ofMillis(300), Duration.ofMillis(1000), 200);
    a = fixture.nodes().get(0);
    b = fixture.nodes().get(1);
    c = fixture.nodes().get(2);
  }

  @AfterEach
  void stop() {
    adapter.close();
    fixture.close();
  }

  @Test
  void createdIsOkWithStatus201() {
    WriteAttempt w = adapter.write(a, "chaos-c1", "c1-w1");
    assertEquals(WriteOutcome.OK, w.outcome());
    assertEquals(201, w.status());
    assertNull(w.error());
  }

  @Test
  void serviceUnavailableIsQuorumNotMetWithStatus503() {
    fixture.loseQuorum(true);
    WriteAttempt w = adapter.write(a, "chaos-c1", "c1-w1");
    assertEquals(WriteOutcome.QUORUM_NOT_MET, w.outcome());
    assertEquals(503, w.status());
    assertEquals("quorum_not_met", w.error());
  }

  @Test
  void internalServerErrorIsFailWithTheStatusAndBody() {
    fixture.failWritesWith(500);
    WriteAttempt w = adapter.write(a, "chaos-c1", "c1-w1");
    assertEquals(WriteOutcome.FAIL, w.outcome());
    assertEquals(500, w.status());
    assertEquals("HTTP 500: internal server error", w.error());
  }

  @Test
  void anAnswerSlowerThanTheWriteTimeoutIsIndeterminate() {
    fixture.delayWrites(Duration.ofMillis(1500));
    WriteAttempt w = adapter.write(a, "chaos-c1", "c1-w1");
    assertEquals(WriteOutcome.INDETERMINATE, w.outcome());
    assertNull(w.status());
    assertTrue(w.error().startsWith("timeout after 300 ms"), w.error());
    assertTrue(w.latencyMillis() >= 300 && w.latencyMillis() < 1500, "latency " + w.latencyMillis());
  }

  @Test
  void aStoppedNodeGivesAnIndeterminateWriteAndAnUnreadableState() {
    fixture.stop("c");
    assertEquals(WriteOutcome.INDETERMINATE, adapter.write(c, "chaos-c1", "c1-w1").outcome());
    NodeState state = adapter.observe(c, "chaos-c1");
    assertNull(state.count());
    assertNotNull(state.error());
    assertFalse(adapter.healthy(c));
  }

  @Test
  void everyNodeHoldsEveryReplicatedWriteAndOnlyItsNamespace() {
    IntStream.rangeClosed(1, 5).forEach(i -> adapter.write(a, "chaos-c1", "c1-w" + i));
    adapter.write(a, "chaos-c2", "c2-w1");
    for (Node n : List.of(a, b, c)) {
      NodeState s = adapter.observe(n, "chaos-c1");
      assertEquals(5L, s.count(), n.name());
      assertEquals(List.of("c1-w1", "c1-w2", "c1-w3", "c1-w4", "c1-w5"), s.ids(), n.name());
      assertNull(s.error());
    }
  }

  @Test
  void aDroppedReplicationShowsAsAMissingIdOnThatNodeOnly() {
    adapter.write(a, "chaos-c3", "c3-w1");
    fixture.dropReplicationTo("b");
    adapter.write(a, "chaos-c3", "c3-w2");
    assertEquals(List.of("c3-w1", "c3-w2"), adapter.observe(a, "chaos-c3").ids());
    assertEquals(List.of("c3-w1"), adapter.observe(b, "chaos-c3").ids());
    assertEquals(1L, adapter.observe(b, "chaos-c3").count());
    assertEquals(List.of("c3-w1", "c3-w2"), adapter.observe(c, "chaos-c3").ids());
  }

  @Test
  void observePagesPastTheServersListLimit() {
    AiMemoryAdapter smallPages = new AiMemoryAdapter(Duration.ofSeconds(2), Duration.ofSeconds(1), 7);
    IntStream.rangeClosed(1, 30).forEach(i -> smallPages.write(a, "chaos-c4", "c4-w" + i));
    NodeState s = smallPages.observe(b, "chaos-c4");
    assertEquals(30L, s.count());
    assertEquals("c4-w30", s.ids().get(29));
  }

  @Test
  void primaryIsTheConfiguredFirstNodeWhileItIsHealthy() {
    assertTrue(adapter.healthy(a));
    assertEquals(Optional.of(a), adapter.primary(fixture.nodes()));
    fixture.stop("a");
    assertEquals(Optional.empty(), adapter.primary(fixture.nodes()));
  }
}
