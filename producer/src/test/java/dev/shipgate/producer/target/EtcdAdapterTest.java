package dev.shipgate.producer.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.producer.remote.Node;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EtcdAdapterTest {

  private final EtcdAdapter adapter = new EtcdAdapter(Duration.ofMillis(300), Duration.ofMillis(500));
  private FakeEtcdGateway gateway;
  private Node a;

  @BeforeEach
  void start() throws Exception {
    gateway = new FakeEtcdGateway();
    a = gateway.node("a", 0);
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  @Test
  void putSendsTheBase64KeyNamespaceSlashWriteIdAndIsOkWithStatus201() {
    WriteAttempt w = adapter.write(a, "chaos-c7", "c7-w42");
    assertEquals(WriteOutcome.OK, w.outcome());
    assertEquals(201, w.status());
    JsonNode put = gateway.requests.get(0);
    assertEquals("Y2hhb3MtYzcvYzctdzQy", put.path("key").asText(), "base64 of chaos-c7/c7-w42");
    assertTrue(gateway.kv.get("chaos-c7/c7-w42").contains("\"write_id\":\"c7-w42\""));
  }

  @Test
  void requestTimedOutIsIndeterminateKeepingTheGateways503() {
    gateway.putStatus = 503;
    gateway.putBody = "{\"error\":\"etcdserver: request timed out\",\"code\":14,"
        + "\"message\":\"etcdserver: request timed out\"}";
    WriteAttempt w = adapter.write(a, "chaos-c1", "c1-w1");
    assertEquals(WriteOutcome.INDETERMINATE, w.outcome());
    assertEquals(503, w.status());
    assertEquals("HTTP 503: etcdserver: request timed out", w.error());
  }

  @Test
  void leaderChangedAndNoLeaderAreIndeterminate() {
    gateway.putStatus = 503;
    gateway.putBody = "{\"error\":\"etcdserver: leader changed\",\"code\":14}";
    assertEquals(WriteOutcome.INDETERMINATE, adapter.write(a, "chaos-c1", "c1-w1").outcome());
    gateway.putBody = "{\"error\":\"etcdserver: no leader\",\"code\":14}";
    assertEquals(WriteOutcome.INDETERMINATE, adapter.write(a, "chaos-c1", "c1-w2").outcome());
  }

  @Test
  void refusalsEtcdNeverProposedAreFail() {
    gateway.putStatus = 503;
    gateway.putBody = "{\"error\":\"etcdserver: not capable\",\"code\":14}";
    assertEquals(WriteOutcome.FAIL, adapter.write(a, "chaos-c1", "c1-w1").outcome());
    gateway.putStatus = 400;
    gateway.putBody = "{\"error\":\"etcdserver: key is not provided\",\"code\":3}";
    WriteAttempt bad = adapter.write(a, "chaos-c1", "c1-w2");
    assertEquals(WriteOutcome.FAIL, bad.outcome());
    assertEquals(400, bad.status());
    gateway.putStatus = 429;
    gateway.putBody = "{\"error\":\"etcdserver: too many requests\",\"code\":8}";
    assertEquals(WriteOutcome.FAIL, adapter.write(a, "chaos-c1", "c1-w3").outcome());
  }

  @Test
  void anUnknownServerErrorIsIndeterminate() {
    gateway.putStatus = 500;
    gateway.putBody = "not json";
    WriteAttempt w = adapter.write(a, "chaos-c1", "c1-w1");
    assertEquals(WriteOutcome.INDETERMINATE, w.outcome());
    assertEquals("HTTP 500: not json", w.error());
  }

  @Test
  void noAnswerWithinTheWriteTimeoutIsIndeterminate() {
    gateway.putDelayMillis = 1500;
    WriteAttempt w = adapter.write(a, "chaos-c1", "c1-w1");
    assertEquals(WriteOutcome.INDETERMINATE, w.outcome());
    assertNull(w.status());
    assertTrue(w.error().startsWith("timeout after 300 ms"), w.error());
  }

  @Test
  void aRefusedConnectionIsIndeterminateSayingItWasNotSent() {
    gateway.close();
    WriteAttempt w = adapter.write(a, "chaos-c1", "c1-w1");
    assertEquals(WriteOutcome.INDETERMINATE, w.outcome());
    assertTrue(w.error().startsWith("connection refused (not sent)"), w.error());
    assertFalse(adapter.healthy(a));
    assertTrue(adapter.observe(a, "chaos-c1").error().startsWith("connection error"));
  }

  @Test
  void observeAsksForALocalKeysOnlyRangeOverThePrefixAndStripsIt() {
    adapter.write(a, "chaos-c1", "c1-w1");
    adapter.write(a, "chaos-c1", "c1-w2");
    adapter.write(a, "chaos-c10", "c10-w1"); // shares the text prefix, not the namespace
    NodeState s = adapter.observe(a, "chaos-c1");
    assertEquals(List.of("c1-w1", "c1-w2"), s.ids());
    assertEquals(2L, s.count());
    assertNull(s.error());
    JsonNode range = gateway.requests.get(3);
    assertEquals("chaos-c1/", FakeEtcdGateway.decode(range.path("key").asText()));
    assertEquals("chaos-c10", FakeEtcdGateway.decode(range.path("range_end").asText()));
    assertTrue(range.path("keys_only").asBoolean());
    assertTrue(range.path("serializable").asBoolean());
  }

  @Test
  void anEmptyRangeWithItsFieldsOmittedIsZeroIds() {
    NodeState s = adapter.observe(a, "chaos-c9");
    assertEquals(0L, s.count());
    assertEquals(List.of(), s.ids());
  }

  @Test
  void countOnlyRangeReadsTheStringCount() {
    adapter.write(a, "chaos-c1", "c1-w1");
    adapter.write(a, "chaos-c1", "c1-w2");
    adapter.write(a, "chaos-c1", "c1-w3");
    assertEquals(3L, adapter.count(a, "chaos-c1").count());
    JsonNode range = gateway.requests.get(3);
    assertTrue(range.path("count_only").asBoolean());
    assertTrue(range.path("serializable").asBoolean());
  }

  @Test
  void primaryIsTheMemberThatReportsItselfAsLeader() throws Exception {
    try (FakeEtcdGateway g2 = new FakeEtcdGateway(); FakeEtcdGateway g3 = new FakeEtcdGateway()) {
      gateway.memberId = "1";
      gateway.leaderId = "2";
      g2.memberId = "2";
      g2.leaderId = "2";
      g3.memberId = "3";
      g3.leaderId = "2";
      Node b = g2.node("b", 1);
      Node c = g3.node("c", 2);
      assertEquals(Optional.of(b), adapter.primary(List.of(a, b, c)));
      g2.leaderId = "0"; // election under way: nobody claims it
      gateway.leaderId = "0";
      g3.leaderId = "0";
      assertEquals(Optional.empty(), adapter.primary(List.of(a, b, c)));
    }
  }

  @Test
  void healthyOnlyWhenHealthIsTrue() {
    assertTrue(adapter.healthy(a));
    gateway.health = "false";
    assertFalse(adapter.healthy(a));
  }
}
