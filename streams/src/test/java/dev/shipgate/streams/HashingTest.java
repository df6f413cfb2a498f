package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.shipgate.events.WriteOutcome;
import dev.shipgate.events.WriteResult;
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
}
