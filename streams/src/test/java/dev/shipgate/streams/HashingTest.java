package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.shipgate.events.WriteOutcome;
import dev.shipgate.events.WriteResult;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.InMemorySchemaRegistry;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

class HashingTest {

  @Test
  void shouldTellRecordsApartByTheirContentOnly() {
    WriteResult a = Events.write("camp-1", "kill_primary_mid_write", 1, 1, WriteOutcome.OK);
    WriteResult same = WriteResult.newBuilder(a).build();
    WriteResult other = WriteResult.newBuilder(a).setOutcome(WriteOutcome.FAIL).build();
    assertEquals(Hashing.of(a), Hashing.of(same));
    assertNotEquals(Hashing.of(a), Hashing.of(other));
    // the writer and buffer kept between calls leave nothing of one record in the next
    assertEquals(Hashing.of(a), Hashing.of(WriteResult.newBuilder(a).build()));
  }

  private static Alert alert(String message) {
    return Alert.newBuilder()
        .setCampaignId("camp-1")
        .setKind(AlertKind.THRESHOLD_BREACHED)
        .setMessage(message)
        .setEventTime(Instant.parse("2026-01-01T00:00:00Z"))
        .build();
  }

  @Test
  void shouldLendTheHashedEncodingOnlyToTheSameRecordWhileItIsEmitted() {
    Alert emitted = alert("bound 0.98 below 0.99");
    Alert equal = Alert.newBuilder(emitted).build();
    byte[] encoded = StateSerde.<Alert>of(Alert.getClassSchema()).serializer()
        .serialize("t", emitted);
    Hashing.of(emitted);
    AtomicReference<byte[]> lent = new AtomicReference<>();
    AtomicReference<byte[]> lentToEqual = new AtomicReference<>(new byte[0]);
    Hashing.lending(emitted, () -> {
      lent.set(Hashing.lentCopy(emitted));
      lentToEqual.set(Hashing.lentCopy(equal));
    });
    assertArrayEquals(encoded, lent.get());
    assertNull(lentToEqual.get(), "an equal record is not the one hashed");
    assertNull(Hashing.lentCopy(emitted), "nothing is lent once the emit returned");

    // a record hashed, then another hashed: the first is not lent any more
    Alert next = alert("bound 0.97 below 0.99");
    Hashing.of(next);
    Hashing.lending(emitted, () -> lent.set(Hashing.lentCopy(emitted)));
    assertNull(lent.get());
  }

  @Test
  void shouldWriteTheSameOutputBytesFromTheLentEncodingAsFromTheRecord() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    Serializer<SpecificRecord> routed = OutputRouting.valueSerde(registry, "re.").serializer();
    Serializer<Alert> plain = Topics.ALERTS.valueSerde(registry).serializer();
    Alert a = alert("bound 0.98 below 0.99");
    byte[] expected = plain.serialize(Topics.ALERTS.name(), a);
    assertArrayEquals(expected, routed.serialize("re." + Topics.ALERTS.name(), a));
    Hashing.of(a);
    AtomicReference<byte[]> framed = new AtomicReference<>();
    Hashing.lending(a, () -> framed.set(routed.serialize("re." + Topics.ALERTS.name(), a)));
    assertArrayEquals(expected, framed.get());
    assertNotSame(expected, framed.get());
  }
}
