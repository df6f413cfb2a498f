package dev.shipgate.cli.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.JsonRecords;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The human line and the JSON line of an alert. */
class AlertLineTest {

  static Alert alert(AlertKind kind, String campaign, Integer phase, String fault, String gate,
      String message) {
    return Alert.newBuilder().setAlertId("id-1").setCampaignId(campaign).setKind(kind)
        .setMessage(message).setPhase(phase).setFault(fault).setGate(gate)
        .setEventTime(Instant.parse("2026-11-27T23:37:00.250Z")).build();
  }

  @Test
  void shouldPrintTheMandatoryPartsOnly() {
    assertEquals("2026-11-27T23:37:00.250Z CAMPAIGN_STALLED r20: no event for 90 s",
        AlertLine.human(alert(AlertKind.CAMPAIGN_STALLED, "r20", null, null, null,
            "no event for 90 s")));
  }

  @Test
  void shouldPrintPhaseFaultAndGateInThatOrder() {
    assertEquals("2026-11-27T23:37:00.250Z THRESHOLD_BREACHED r20 phase 4 fault"
            + " partition_minority gate etcd@3.4.23: bound 0.98 < 0.995",
        AlertLine.human(alert(AlertKind.THRESHOLD_BREACHED, "r20", 4, "partition_minority",
            "etcd@3.4.23", "bound 0.98 < 0.995")));
    assertEquals("2026-11-27T23:37:00.250Z SOAK_FINAL soak-r84 gate etcd@3.4.23: window complete",
        AlertLine.human(alert(AlertKind.SOAK_FINAL, "soak-r84", null, null, "etcd@3.4.23",
            "window complete")));
  }

  @Test
  void shouldKeepOneAlertOnOneLine() {
    String line = AlertLine.human(alert(AlertKind.DEAD_LETTER, "r\u001b[31m20", null, "a\nb",
        null, "first\r\nsecond\tthird\u2028fourth"));
    assertEquals("2026-11-27T23:37:00.250Z DEAD_LETTER r [31m20 fault a b: first second third"
        + " fourth", line);
    String json = AlertLine.json(alert(AlertKind.DEAD_LETTER, "r20", null, null, null,
        "first\nsecond"));
    assertEquals(1, json.lines().count(), json);
    assertEquals("first\nsecond", JsonRecords.parse(json).get("message").asText());
  }

  @Test
  void shouldRenderEveryFieldOfTheRecordAsJson() {
    Alert a = alert(AlertKind.VERDICT_CHANGED, "r20", 2, null, null, "PASS -> FAIL");
    a.setVerdict(Verdict.FAIL);
    a.setPreviousVerdict(Verdict.PASS);
    JsonNode j = JsonRecords.parse(AlertLine.json(a));
    List<String> fields = new ArrayList<>();
    j.fieldNames().forEachRemaining(fields::add);
    assertEquals(Alert.getClassSchema().getFields().stream().map(Schema.Field::name).toList(),
        fields, "every field, in the schema's order");
    assertEquals("id-1", j.get("alert_id").asText());
    assertEquals("VERDICT_CHANGED", j.get("kind").asText());
    assertEquals(2, j.get("phase").asInt());
    assertTrue(j.get("fault").isNull());
    assertTrue(j.get("gate").isNull());
    assertEquals("FAIL", j.get("verdict").asText());
    assertEquals("PASS", j.get("previous_verdict").asText());
    assertEquals("2026-11-27T23:37:00.250Z", j.get("event_time").asText());
    assertEquals(a, JsonRecords.fromJson(j, Alert.class), "reads back into the same record");
  }
}
