package dev.shipgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.PhaseSummary;
import dev.shipgate.results.Verdict;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The header line of the CLI's verdict table. */
class VerdictTableTest {
  private static CampaignVerdict.Builder verdict() {
    return CampaignVerdict.newBuilder().setCampaignId("demo-1").setState(CampaignState.FINISHED)
        .setVerdict(Verdict.PASS).setOverallPass(true).setCompletedAt("2026-11-27T21:57:54Z")
        .setPhases(List.of(PhaseSummary.newBuilder().setPhase(2).setVerdict(Verdict.PASS)
            .setReasons(List.of()).build()))
        .setReasons(List.of()).setSummaryJson("{}").setUpdatedAt(Instant.EPOCH);
  }

  private static String header(CampaignVerdict v) {
    String table = VerdictTable.render(v, List.of());
    return table.substring(0, table.indexOf('\n'));
  }

  @Test
  void shouldNameTheTargetAndItsVersionInTheHeader() {
    assertEquals("campaign demo-1  target etcd 3.4.23  ref -  state FINISHED at "
        + "2026-11-27T21:57:54Z",
        header(verdict().setTargetName("etcd").setTargetVersion("3.4.23").build()));
  }

  @Test
  void shouldShowADashForWhatIsNotKnown() {
    assertEquals("campaign demo-1  target ai-memory -  ref release/v0.6.0  state FINISHED at "
        + "2026-11-27T21:57:54Z",
        header(verdict().setTargetName("ai-memory").setTargetRef("release/v0.6.0").build()));
    assertEquals("campaign demo-1  target - -  ref -  state FINISHED at 2026-11-27T21:57:54Z",
        header(verdict().build()));
  }
}
