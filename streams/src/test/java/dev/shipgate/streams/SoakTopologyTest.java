package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.GateConfig;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.SoakVerdict;
import dev.shipgate.results.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Final campaign verdicts flowing into their target version's soak verdict, in one topology. */
class SoakTopologyTest {
  private static final String KP = "kill_primary_mid_write";
  private static final String KEY = "etcd@v3.5.17";

  private static CampaignConfig config() {
    return Events.config(List.of(4), List.of(KP)).setTargetName("etcd")
        .setTargetVersion("v3.5.17").setGate(GateConfig.newBuilder().setExpectedRuns(3)
            .setP99WallCeilingSeconds(7200L).build()).build();
  }

  /** A campaign of 50 imported cycles whose peers hold {@code peer} of 100 writes each. */
  private static void campaign(Harness h, String id, String peer) {
    h.send(Events.started(id, config()));
    for (int cycle = 1; cycle <= 50; cycle++) {
      h.send(Events.cycleTally(id, KP, cycle, 100, 100, 0, 0));
      h.send(Events.observation(id, KP, cycle, "100", peer, peer));
    }
    h.finish(id);
  }

  @Test
  void shouldJudgeTheSoakAsRunsFinishAndAlertOnTheRegression() throws Exception {
    try (Harness h = new Harness()) {
      campaign(h, "etcd-r1", "100");
      SoakVerdict v = h.soaks().get(KEY);
      assertEquals(Verdict.INCOMPLETE, v.getVerdict());
      assertEquals(List.of("1 of the 3 expected runs"), v.getReasons());
      assertEquals(3600L, v.getRuns().get(0).getWallSeconds(), "STARTED at T0, FINISHED 1 h on");
      assertEquals(1.0, v.getRuns().get(0).getBounds().get(KP));

      campaign(h, "etcd-r2", "100");
      assertEquals(Verdict.INCOMPLETE, h.soaks().get(KEY).getVerdict());
      assertFalse(h.soaks().get(KEY).getFinal$());

      campaign(h, "etcd-r3", "99");
      v = h.soaks().get(KEY);
      assertEquals(Verdict.FAIL, v.getVerdict());
      assertTrue(v.getFinal$());
      assertEquals(3, v.getRunsCounted());
      assertEquals(2, v.getRunsPassed());
      assertEquals(0.99, v.getBoundMin());
      assertEquals(1, v.getFailedRuns().size());
      assertTrue(v.getFailedRuns().get(0).startsWith("etcd-r3: FINISHED FAIL"),
          v.getFailedRuns().toString());
      assertTrue(v.getFailedRuns().get(0).endsWith("kill_primary_mid_write bound 0.99 < 0.995"),
          v.getFailedRuns().toString());

      List<Alert> soakAlerts = h.alerts().stream()
          .filter(a -> a.getGate() != null).toList();
      assertEquals(List.of(AlertKind.SOAK_REGRESSION, AlertKind.SOAK_FINAL),
          soakAlerts.stream().map(Alert::getKind).toList());
      assertEquals("etcd-r3", soakAlerts.get(0).getCampaignId());
      assertEquals(KEY, soakAlerts.get(0).getGate());
    }
  }

  @Test
  void shouldCountNoRunWithoutAVersion() throws Exception {
    try (Harness h = new Harness()) {
      h.send(Events.started("nov", Events.config(List.of(4), List.of(KP)).setTargetRef(null)
          .build()));
      h.finish("nov");
      assertEquals(0, h.soaks().size());
    }
  }
}
