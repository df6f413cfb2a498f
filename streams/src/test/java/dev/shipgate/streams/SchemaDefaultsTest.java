package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shipgate.results.CycleConvergence;
import dev.shipgate.state.CycleBook;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The records built with every field set (to skip the builder's defaults) equal the defaults. */
class SchemaDefaultsTest {

  @Test
  void shouldOpenACycleBookWithTheSchemasDefaults() {
    assertEquals(CycleBook.newBuilder().setFault("kill_primary_mid_write").setCycle(7).build(),
        CycleStage.newCycle("kill_primary_mid_write", 7));
  }

  @Test
  void shouldJudgeACycleWithTheSchemasDefaultsForWhatTheVisibilityChecksAdd() {
    CycleBook cb = CycleStage.newCycle("partition_primary", 2);
    cb.setTallyOk(10L);
    cb.setTallyWrites(10L);
    CycleConvergence cc = ConvergenceRules.cycle("camp-1", cb, Map.of(), 0);
    CycleConvergence defaulted = CycleConvergence.newBuilder(cc)
        .clearRecoveredIds()
        .clearUnexpectedIds()
        .clearDuplicatedIds()
        .clearCountedAtSeedPoint()
        .clearPoints()
        .build();
    assertEquals(defaulted, cc);
  }
}
