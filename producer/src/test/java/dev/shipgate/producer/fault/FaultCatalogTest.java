package dev.shipgate.producer.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultCatalogTest {
  private final FaultCatalog catalog = FaultCatalog.builtIn();

  @Test
  void shouldKnowTheSeedsFourClassesInRunOrder() {
    assertEquals(List.of("kill_primary_mid_write", "partition_minority", "drop_random_acks",
        "clock_skew_peer"), List.copyOf(catalog.faultClasses()));
  }

  @Test
  void shouldNameTheUnknownClassAndTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> catalog.create("disk_full", Map.of()));
    assertEquals("unknown fault class 'disk_full'; known: clock_skew_peer, drop_random_acks,"
        + " kill_primary_mid_write, partition_minority", e.getMessage());
  }

  @Test
  void shouldUseTheSeedsHealDelaysByDefaultAndHonourSettings() {
    assertEquals(Duration.ZERO, catalog.create("kill_primary_mid_write", null).healDelay());
    assertEquals(Duration.ofMillis(500), catalog.create("partition_minority", Map.of())
        .healDelay());
    assertEquals(Duration.ofMillis(500), catalog.create("drop_random_acks", Map.of())
        .healDelay());
    assertEquals(Duration.ofMillis(750), catalog.create("drop_random_acks",
        Map.of("heal_delay_ms", "750")).healDelay());
    ClockSkewFaultSpec skew = (ClockSkewFaultSpec) catalog.create("clock_skew_peer",
        Map.of("mechanism", "libfaketime", "offset_ms", "-2500"));
    assertEquals("-2.500", skew.faketimeValue());
  }

  @Test
  void shouldRefuseUnknownOrMalformedSettings() {
    assertEquals("partition_minority: unknown setting(s) [heal_delay]; known: [heal_delay_ms]",
        assertThrows(IllegalArgumentException.class, () -> catalog.create("partition_minority",
            Map.of("heal_delay", "5"))).getMessage());
    assertEquals("drop_random_acks: heal_delay_ms must be a non-negative number of milliseconds,"
        + " got 'soon'", assertThrows(IllegalArgumentException.class,
            () -> catalog.create("drop_random_acks", Map.of("heal_delay_ms", "soon")))
        .getMessage());
  }
}
