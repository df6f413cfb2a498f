package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.schemas.Topics;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLetterAlertLimiterTest {

  @Test
  void shouldAlertOncePerMinutePerKeyAndCountTheRestInTheNextAlert() {
    DeadLetterAlertLimiter limiter = new DeadLetterAlertLimiter();
    assertEquals(0, limiter.admit("c1", 1_000));
    assertEquals(-1, limiter.admit("c1", 2_000));
    assertEquals(-1, limiter.admit("c1", 60_999));
    assertEquals(0, limiter.admit("c2", 3_000), "another campaign has its own window");
    assertEquals(2, limiter.admit("c1", 61_000), "the next window says 2 went without one");
    assertEquals(0, limiter.admit("c1", 200_000));
    assertEquals(0, limiter.admit("c1", 100), "time going back opens a window");
  }

  @Test
  void shouldWriteEveryDeadLetterButOneAlertForAFloodOfBadRecords() throws Exception {
    try (Harness h = new Harness()) {
      for (int i = 0; i < 50; i++) {
        h.sendRaw(Topics.WRITES.name(), "flood", new byte[] {0, 0, 0, 0, 9, (byte) i});
      }
      assertEquals(50, h.deadLetters().size(), "nothing dropped");
      List<Alert> alerts = h.alerts().stream()
          .filter(a -> a.getKind() == AlertKind.DEAD_LETTER).toList();
      assertEquals(1, alerts.size(), alerts.toString());
      assertTrue(alerts.get(0).getMessage().startsWith("record refused on shipgate.writes"),
          alerts.get(0).getMessage());
    }
  }
}
