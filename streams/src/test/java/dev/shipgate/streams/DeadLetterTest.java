package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.events.WriteResult;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.DeadLetter;
import dev.shipgate.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

/** Bad input is refused with its bytes and a reason, never dropped, never fatal. */
class DeadLetterTest {

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Test
  void shouldDeadLetterGarbageBytesWithTheOriginalBytesAndWhereTheyCameFrom() throws Exception {
    try (Harness h = new Harness()) {
      byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
      h.sendRaw(Topics.WRITES.name(), "camp-1", garbage);
      List<KeyValue<String, DeadLetter>> letters = h.deadLetters();
      assertEquals(1, letters.size());
      DeadLetter d = letters.get(0).value;
      assertEquals("camp-1", letters.get(0).key);
      assertEquals("shipgate.writes", d.getSourceTopic());
      assertEquals(0, d.getPartition());
      assertEquals(0L, d.getOffset());
      assertEquals("shipgate-streams", d.getComponent());
      assertArrayEquals(garbage, bytes(d.getValue()));
      assertArrayEquals("camp-1".getBytes(StandardCharsets.UTF_8), bytes(d.getKey()));
      assertTrue(d.getReason().startsWith("value (15 bytes, starting 0x6e6f74206176726f...)"),
          d.getReason());
      assertTrue(d.getReason().contains("cannot be decoded as WriteResult"), d.getReason());
      Alert alert = h.alerts().get(0);
      assertEquals(AlertKind.DEAD_LETTER, alert.getKind());
      assertEquals("camp-1", alert.getCampaignId());
    }
  }

  @Test
  void shouldDeadLetterARecordWhoseKeyIsNotItsCampaign() throws Exception {
    try (Harness h = new Harness()) {
      WriteResult w = Events.write("camp-1", "partition_minority", 1, 1, WriteOutcome.OK);
      h.send("camp-2", w);
      DeadLetter d = h.deadLetters().get(0).value;
      assertEquals("record key 'camp-2' does not match campaign_id 'camp-1' nor its cycle key"
          + " 'camp-1/partition_minority/1'", d.getReason());
      assertEquals("camp-1", d.getCampaignId());
      assertTrue(h.cycles().isEmpty());
    }
  }

  @Test
  void shouldTakeACycleEventKeyedByItsOwnCycleAndRefuseOneKeyedByAnother() throws Exception {
    try (Harness h = new Harness()) {
      WriteResult w = Events.write("camp-1", "partition_minority", 1, 1, WriteOutcome.OK);
      h.send("camp-1/partition_minority/1", w);
      assertTrue(h.deadLetters().isEmpty(), "its own cycle's key");
      WriteResult other = Events.write("camp-1", "partition_minority", 1, 2, WriteOutcome.OK);
      h.send("camp-1/partition_minority/2", other);
      assertEquals(List.of("record key 'camp-1/partition_minority/2' does not match campaign_id"
          + " 'camp-1' nor its cycle key 'camp-1/partition_minority/1'"),
          h.deadLetters().stream().map(l -> l.value.getReason()).toList());
      CampaignEvent started = Events.started("camp-1", Events.config(List.of(4),
          List.of("partition_minority")).build());
      h.send("camp-1/partition_minority/1", started);
      assertEquals(2, h.deadLetters().size(), "a campaign event is keyed by its campaign id");
    }
  }

  @Test
  void shouldDeadLetterAWriteIdTooLongToBookNamingItsLength() throws Exception {
    try (Harness h = new Harness()) {
      String id = "w".repeat(EventValidation.MAX_WRITE_ID_CHARS + 1);
      WriteResult w = Events.write("camp-1", "partition_minority", 1, 1, WriteOutcome.OK);
      w.setWriteId(id);
      h.send(w);
      DeadLetter d = h.deadLetters().get(0).value;
      assertEquals("write_id of 1025 characters exceeds 1024: '" + "w".repeat(40) + "...'",
          d.getReason());
      assertEquals("camp-1", d.getCampaignId());
      assertTrue(h.cycles().isEmpty());
    }
  }

  @Test
  void shouldDeadLetterAnInvalidCampaignIdNamingFieldAndValue() throws Exception {
    try (Harness h = new Harness()) {
      h.send(Events.started("../etc", Events.config(List.of(4), List.of()).build()));
      List<KeyValue<String, DeadLetter>> letters = h.deadLetters();
      assertEquals(1, letters.size());
      DeadLetter d = letters.get(0).value;
      assertEquals("../etc", letters.get(0).key);
      assertTrue(d.getReason().startsWith("campaign_id '../etc' is invalid"), d.getReason());
      assertNull(d.getCampaignId());
      assertEquals("shipgate.campaigns", d.getSourceTopic());
      assertTrue(h.campaigns().isEmpty(), "no verdict for a refused campaign");
    }
  }

  @Test
  void shouldDeadLetterACheckWithInvalidDetailsJsonAndKeepProcessing() throws Exception {
    try (Harness h = new Harness()) {
      CheckResult bad = Events.check("camp-1", 3, "phase3.migration").setDetailsJson("{oops")
          .build();
      h.send(bad);
      assertTrue(h.deadLetters().get(0).value.getReason().startsWith("details_json is not valid"
          + " JSON"), h.deadLetters().get(0).value.getReason());
      h.send(Events.started("camp-1", Events.config(List.of(4), List.of()).build()));
      assertEquals(1, h.campaigns().size(), "the application kept processing");
    }
  }
}
