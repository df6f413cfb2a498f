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
}
