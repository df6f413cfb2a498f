package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shipgate.events.FaultAction;
import dev.shipgate.results.WriteWindow;
import dev.shipgate.state.CycleBook;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Write windows at the exact boundaries of a cycle's fault events. */
class VisibilityRulesTest {
  private static final long INJECTED = FaultAction.INJECTED.ordinal();
  private static final long HEALED = FaultAction.HEALED.ordinal();

  static CycleBook cycle(Long expectedFaults, List<Long> times) {
    return CycleBook.newBuilder().setFault("partition_minority").setCycle(1).setFinalAt(3000L)
        .setExpectedFaults(expectedFaults).setFaultTimes(times).build();
  }

  @Test
  void shouldPlaceWritesAtTheExactInjectedAndHealedTimes() {
    // a second heal after the final poll (a kill's restart) is not the writes' window
    long[] w = VisibilityRules.faultWindow(cycle(2L, List.of(INJECTED, 1000L, HEALED, 1500L,
        HEALED, 4000L)));
    assertEquals(WriteWindow.PRE_FAULT, VisibilityRules.window(999, w));
    assertEquals(WriteWindow.DURING_FAULT, VisibilityRules.window(1000, w));
    assertEquals(WriteWindow.DURING_FAULT, VisibilityRules.window(1499, w));
    assertEquals(WriteWindow.POST_HEAL, VisibilityRules.window(1500, w));
    assertEquals(2, VisibilityRules.faultEventsUpToFinal(cycle(2L, List.of(INJECTED, 1000L,
        HEALED, 1500L, HEALED, 4000L))));
  }

  @Test
  void shouldKeepAKillsWindowOpenToTheEndAndAFaultNeverInjectedPreFault() {
    // injected, healed only after the settle: every later write ran during the fault
    long[] kill = VisibilityRules.faultWindow(cycle(1L, List.of(INJECTED, 1000L, HEALED, 9000L)));
    assertEquals(WriteWindow.DURING_FAULT, VisibilityRules.window(2999, kill));
    long[] notApplied = VisibilityRules.faultWindow(cycle(1L,
        List.of((long) FaultAction.NOT_APPLIED.ordinal(), 1000L)));
    assertEquals(WriteWindow.PRE_FAULT, VisibilityRules.window(2000, notApplied));
    // fault events not announced by the final poll: no window is drawn from them
    assertEquals(WriteWindow.UNKNOWN, VisibilityRules.window(2000,
        VisibilityRules.faultWindow(cycle(null, List.of(INJECTED, 1000L)))));
  }

  @Test
  void shouldListACyclesIdsInIdOrderWhateverTheyWereIssuedIn() {
    java.util.Random random = new java.util.Random(7);
    for (int round = 0; round < 50; round++) {
      java.util.Map<String, WriteRecord> records = new java.util.HashMap<>();
      List<String> expected = new java.util.ArrayList<>();
      int n = 1 + random.nextInt(150);
      for (int i = 1; i <= n; i++) {
        // ids of the driver's shape, some with leading zeros or another prefix (ties of the
        // numbers broken by the text), issued in order, a little out of order, or at random
        String id = switch (random.nextInt(4)) {
          case 0 -> "c3-w" + i;
          case 1 -> "c3-w0" + i;
          case 2 -> "x" + random.nextInt(20) + "-w" + i;
          default -> "c3-w" + random.nextInt(40);
        };
        if (records.containsKey(id)) {
          continue;
        }
        WriteRecord r = new WriteRecord();
        r.issuedAt = round % 3 == 0 ? i : round % 3 == 1 ? i + random.nextInt(5)
            : random.nextInt(1000);
        records.put(id, r);
        expected.add(id);
      }
      expected.sort(dev.shipgate.schemas.WriteIds.ORDER);
      assertEquals(expected, VisibilityRules.inIdOrder(records), "round " + round);
    }
  }
}
