package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.FaultAction;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Stalled and abandoned campaigns, on TopologyTestDriver's wall clock. */
class SilenceWatchTest {
  private static final String FAULT = "kill_primary_mid_write";

  private static CampaignConfig config(Long stallMs, Long abandonMs) {
    return Events.config(List.of(4), List.of(FAULT)).setCyclesPerFault(2).setWritesPerCycle(3)
        .setStallAfterMs(stallMs).setAbandonAfterMs(abandonMs).build();
  }

  private static FaultEvent injected(String campaign) {
    return FaultEvent.newBuilder()
        .setCampaignId(campaign)
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(Events.T0.plusSeconds(1))
        .setPhase(4)
        .setFault(FAULT)
        .setCycle(1)
        .setTargetNode("a")
        .setAction(FaultAction.INJECTED)
        .setMechanism("SIGKILL")
        .build();
  }

  /** The campaign alerts (the soak's, of the test config's target version, left out). */
  private static List<AlertKind> kinds(Harness h) {
    return h.alerts().stream().filter(a -> a.getGate() == null).map(Alert::getKind).toList();
  }

  @Test
  void shouldStallThenResumeThenAbandonASilentDriverAndReportTheFaultsItLeftApplied()
      throws Exception {
    try (Harness h = new Harness()) {
      h.send(Events.started("c1", config(10_000L, 60_000L)));
      h.send(Events.write("c1", FAULT, 1, 1, WriteOutcome.OK));
      h.send(injected("c1"));
      h.driver.advanceWallClockTime(Duration.ofSeconds(9));
      assertEquals(List.of(), kinds(h), "9 s of silence is not 10");

      h.driver.advanceWallClockTime(Duration.ofSeconds(2));
      List<Alert> alerts = h.alerts();
      assertEquals(List.of(AlertKind.CAMPAIGN_STALLED), kinds(h));
      String stalled = alerts.get(0).getMessage();
      assertTrue(stalled.contains("nothing published since 2026-04-20T10:00:01Z"), stalled);
      assertTrue(stalled.contains("faults left applied: kill_primary_mid_write on a since"
          + " 2026-04-20T10:00:01Z"), stalled);
      h.driver.advanceWallClockTime(Duration.ofSeconds(20));
      assertEquals(1, h.alerts().stream()
          .filter(a -> a.getKind() == AlertKind.CAMPAIGN_STALLED).count(), "stalled once");

      h.send(Events.write("c1", FAULT, 1, 2, WriteOutcome.OK));
      assertEquals(AlertKind.CAMPAIGN_RESUMED, h.alerts().get(h.alerts().size() - 1).getKind());
      assertEquals(CampaignState.RUNNING, h.campaigns().get("c1").getState());

      h.driver.advanceWallClockTime(Duration.ofSeconds(59));
      assertEquals(CampaignState.RUNNING, h.campaigns().get("c1").getState(),
          "59 s of silence: stalled, not abandoned");
      h.driver.advanceWallClockTime(Duration.ofSeconds(2));
      CampaignVerdict v = h.campaigns().get("c1");
      assertEquals(CampaignState.ABORTED, v.getState());
      assertEquals(Verdict.INCOMPLETE, v.getVerdict());
      assertTrue(v.getReasons().stream().anyMatch(r -> r.contains("driver silent since"
          + " 2026-04-20T10:00:01Z (nothing published for abandon_after_ms 60000); faults left"
          + " applied: kill_primary_mid_write on a")), v.getReasons().toString());
      List<AlertKind> all = kinds(h);
      assertEquals(List.of(AlertKind.CAMPAIGN_STALLED, AlertKind.CAMPAIGN_RESUMED,
          AlertKind.CAMPAIGN_STALLED, AlertKind.CAMPAIGN_ABANDONED, AlertKind.VERDICT_FINAL),
          all);
      assertTrue(h.alerts().stream().allMatch(a -> a.getAlertId().length() == 32));

      // the driver was only slow after all: its FINISHED is late evidence, never a re-judgement
      h.finish("c1");
      List<AlertKind> after = kinds(h);
      assertEquals(AlertKind.LATE_EVIDENCE, after.get(after.size() - 1));
      assertEquals(CampaignState.ABORTED, h.campaigns().get("c1").getState());
    }
  }

  @Test
  void shouldNeverStallAFinishedCampaignAndUseTheDefaultsWithoutAConfig() throws Exception {
    try (Harness h = new Harness()) {
      h.send(Events.started("done", config(5_000L, 10_000L)));
      h.finish("done");
      h.send(Events.started("quiet", config(null, null)));
      h.driver.advanceWallClockTime(Duration.ofSeconds(119));
      assertEquals(List.of(AlertKind.VERDICT_FINAL), kinds(h), "done is NOT_RUN, final");
      h.driver.advanceWallClockTime(Duration.ofSeconds(2));
      assertEquals(List.of(AlertKind.VERDICT_FINAL, AlertKind.CAMPAIGN_STALLED), kinds(h),
          "the default stall_after is 120 s");
      h.driver.advanceWallClockTime(Duration.ofSeconds(480));
      assertEquals(CampaignState.ABORTED, h.campaigns().get("quiet").getState(),
          "the default abandon_after is 600 s");
      assertEquals(CampaignState.FINISHED, h.campaigns().get("done").getState());
    }
  }

  @Test
  void shouldKeepACampaignAliveWhileItsOldEventsArriveAsABacklogIsRead() throws Exception {
    try (Harness h = new Harness()) {
      // event times months old (T0), arriving now: silence is counted from their arrival
      h.send(Events.started("old", config(5_000L, 20_000L)));
      for (int i = 1; i <= 10; i++) {
        h.driver.advanceWallClockTime(Duration.ofSeconds(3));
        h.send(Events.write("old", FAULT, 1, i, WriteOutcome.OK));
      }
      assertEquals(List.of(), kinds(h));
      assertEquals(CampaignState.RUNNING, h.campaigns().get("old").getState());
    }
  }
}
