package dev.shipgate.producer.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.producer.campaign.Fakes.FakeFault;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CampaignPlanTest {

  @Test
  void shouldListEveryCommandWithPidPlaceholdersWithoutRunningAny() {
    CampaignSpec spec = CampaignRunnerTest.spec("adaptive", "[2, 4]");
    FakeFault fault = new FakeFault(Duration.ofMillis(500), true);
    CampaignPlan plan = CampaignPlan.of(spec, List.of(fault));
    List<String> lines = plan.lines();
    String text = String.join("\n", lines);

    assertTrue(lines.contains("  fake_fault cycle 1: writes c1-w1..c1-w5 under"
        + " shipgate/unit-1/phase4/fake_fault/c1 to the primary (adapter's leader, else a); after"
        + " c1-w2 is answered: inject, heal after 500 ms; settle; recovery"), text);
    assertTrue(lines.contains("      RUN on a: pid=$(cat /run/a.pid) && kill -9 $pid"), text);
    assertTrue(lines.contains("      RUN on a: fake-cleanup unit-1"), text);
    assertTrue(lines.contains("      RUN on b: kill -STOP \"$(cat '/run/b.pid')\" && ps -o stat="
        + " -p \"$(cat '/run/b.pid')\""), text);
    assertTrue(text.contains("RUN on c: pid=$(cat '/run/c.pid' 2>/dev/null);"), text);
    assertTrue(lines.contains("phase 2: 2 agents x 3 writes (p2-a<agent>-w<seq>) to the primary"
        + " under namespace shipgate/unit-1/phase2, settle adaptive (poll every 100 ms, max 3000 ms)"), text);
    // phase 2 probes (2 + 4), cleanUp (1), inject (1), recovery (SIGCONT + restart on 3 nodes)
    assertEquals(2 + 4 + 1 + 1 + 6, plan.commandCount(), text);
    // the worker was only asked through the plan's own capturing runner
    assertEquals(List.of("cleanUp", "inject a cycle 1", "heal a"), fault.actions);
  }

  @Test
  void shouldStreamAPlanOfAMillionCyclesInAFewLines() {
    CampaignSpec spec = new CampaignLoader(java.nio.file.Path.of("."), List.of("fake_fault"),
        java.time.Clock.systemUTC()).parse(CampaignRunnerTest.CAMPAIGN.formatted("adaptive")
            .replace("cycles: 1", "cycles: 1000000"), "t", "t", CampaignOverrides.none());
    List<String> lines = new java.util.ArrayList<>();
    CampaignPlan.write(spec, List.of(new FakeFault(Duration.ofMillis(500), true)), lines::add);

    assertTrue(lines.size() < 60, lines.size() + " lines");
    assertTrue(lines.contains("  fake_fault cycles 4 to 999999: the same, each under its own"
        + " namespace"), String.join("\n", lines));
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("  fake_fault cycle 1000000: writes"
        + " c1000000-w1..c1000000-w5 under shipgate/unit-1/phase4/fake_fault/c1000000")));
  }
}
