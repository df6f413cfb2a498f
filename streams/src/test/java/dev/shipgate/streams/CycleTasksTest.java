package dev.shipgate.streams;

import static dev.shipgate.streams.Events.config;
import static dev.shipgate.streams.Events.observation;
import static dev.shipgate.streams.Events.started;
import static dev.shipgate.streams.Events.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.WriteOutcome;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.DeadLetter;
import dev.shipgate.state.CycleControl;
import dev.shipgate.state.CycleControlKind;
import java.util.List;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;

/**
 * The two stages and the word between them: the campaign judge judges at once when every cycle a
 * cycle task met was judged, finalizes (and waits for every cycle task's answer) when one is still
 * open, and tells the cycle tasks when it has judged, after which they refuse the campaign's
 * cycle events themselves.
 */
class CycleTasksTest {
  private static final String C = "camp-1";
  private static final String PM = "partition_minority";

  private static TestOutputTopic<String, CycleControl> control(Harness h) {
    return h.driver.createOutputTopic(
        ShipgateTopology.controlTopic(ShipgateTopology.DEFAULT_APPLICATION_ID),
        new StringDeserializer(),
        StateSerde.<CycleControl>of(CycleControl.getClassSchema()).deserializer());
  }

  private static List<CycleControlKind> kinds(TestOutputTopic<String, CycleControl> t) {
    return t.readValuesToList().stream().map(CycleControl::getKind).toList();
  }

  @Test
  void shouldJudgeAtOnceWhenEveryCycleMetWasJudgedAndThenTellTheCycleTasks() throws Exception {
    try (Harness h = new Harness()) {
      TestOutputTopic<String, CycleControl> control = control(h);
      h.send(started(C, config(List.of(4), List.of(PM)).build()));
      List<String> ids = List.of("c1-w1", "c1-w2");
      h.send(write(C, PM, 1, 1, WriteOutcome.OK)).send(write(C, PM, 1, 2, WriteOutcome.OK));
      h.send(observation(C, PM, 1, 2, List.of(ids, ids, ids), "2", "2", "2"));
      h.finish(C);
      assertEquals(CampaignState.FINISHED, h.campaigns().get(C).getState());
      assertEquals(List.of(CycleControlKind.STARTED, CycleControlKind.JUDGED), kinds(control),
          "no finalize: the one cycle met was judged before everything announced was in");
    }
  }

  @Test
  void shouldFinalizeACampaignWithACycleStillOpenAndJudgeItOnWhatItHas() throws Exception {
    try (Harness h = new Harness()) {
      TestOutputTopic<String, CycleControl> control = control(h);
      h.send(started(C, config(List.of(4), List.of(PM)).build()));
      // cycle 1 complete; cycle 2 announced 3 writes, of which 2 were published (the driver
      // stopped mid-cycle): everything published is in, and cycle 2 is still open
      List<String> one = List.of("c1-w1");
      h.send(write(C, PM, 1, 1, WriteOutcome.OK));
      h.send(observation(C, PM, 1, 1, List.of(one, one, one), "1", "1", "1"));
      List<String> two = List.of("c2-w1", "c2-w2");
      h.send(write(C, PM, 2, 1, WriteOutcome.OK)).send(write(C, PM, 2, 2, WriteOutcome.OK));
      h.send(observation(C, PM, 2, 3, List.of(two, two, two), "2", "2", "2"));
      assertEquals(1, h.cycles().size(), "cycle 2 waits for its third write");
      h.abort(C, "driver stopped");
      assertEquals(List.of(CycleControlKind.STARTED, CycleControlKind.FINALIZE,
          CycleControlKind.JUDGED), kinds(control));
      CycleConvergence c2 = h.cycles().get(C + "/" + PM + "/2");
      assertEquals(2, c2.getOk(), "cycle 2 judged on the writes it had, at the finalize");
      assertEquals(CampaignState.ABORTED, h.campaigns().get(C).getState());

      // the cycle tasks heard it was judged: a cycle's event now is refused where it is read
      h.send(write(C, PM, 3, 1, WriteOutcome.OK));
      List<DeadLetter> letters = h.deadLetters().stream().map(kv -> kv.value).toList();
      assertEquals(1, letters.size(), letters.toString());
      assertEquals("shipgate.writes", letters.get(0).getSourceTopic());
      assertEquals("late evidence for campaign camp-1: the campaign was judged already; not"
          + " counted", letters.get(0).getReason());
      assertTrue(h.alerts().stream().anyMatch(a -> a.getKind() == AlertKind.LATE_EVIDENCE));
    }
  }
}
