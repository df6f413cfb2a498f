package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.WriteOutcome;
import dev.shipgate.events.WriteResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteBucketTest {

  @Test
  void shouldKeepEveryRecordItsOutcomeTimesAndSightingsThroughItsBytes() {
    WriteBucket b = WriteBucket.decode(null);
    WriteResult w = Events.write("camp-1", "partition_minority", 1, 1, WriteOutcome.OK);
    b.of("w-1").write(w);
    b.of("w-1").sighted(2, 5_000);
    b.of("ü-2").sighted(0, 7_000); // seen on a node before its result was read
    WriteBucket back = WriteBucket.decode(b.encode());
    assertEquals(List.of("w-1", "ü-2"), List.copyOf(back.records.keySet()));
    WriteRecord r = back.records.get("w-1");
    assertTrue(r.written());
    assertEquals(WriteOutcome.OK, r.outcome());
    assertEquals(w.getEventTime().toEpochMilli(), r.issuedAt);
    assertEquals(-1, r.firstSeen(0));
    assertEquals(5_000, r.firstSeen(2));
    WriteRecord seenOnly = back.records.get("ü-2");
    assertFalse(seenOnly.written());
    assertEquals(7_000, seenOnly.firstSeen(0));
  }

  @Test
  void shouldEncodeAnEmptyBucketAsNoRecords() {
    assertTrue(WriteBucket.decode(WriteBucket.decode(null).encode()).records.isEmpty());
  }
}
