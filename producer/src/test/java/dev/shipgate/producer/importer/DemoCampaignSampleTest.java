package dev.shipgate.producer.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.schemas.SeedJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DemoCampaignSampleTest {

  @Test
  void shouldImportTheSampleWithMeasuredBoundsOfExactlyOneAndPointTwo() {
    Imported demo = Imported.of(Imported.demoSample());

    assertEquals(List.of(), demo.report.errors());
    assertEquals(List.of("shipgate-demo"), demo.report.campaignIds());
    assertEquals(Map.of("kill_primary_mid_write", "1", "partition_minority", "0.2"),
        demo.measuredBounds());
    assertTrue(demo.checks("phase4.bound").isEmpty(), "measured cycles replace recorded bounds");
    assertEquals(20, demo.checks("phase4.cycle").size());
    assertEquals(20, demo.observations().size());
    assertEquals(List.of(), demo.report.notes().stream().filter(n -> n.contains("differs"))
        .collect(Collectors.toList()), "recorded bounds agree with the cycles");
  }

  @Test
  void shouldBeWrittenInTheSeedsJqFormatWithTheSummaryRepeatingThePhaseFiles() throws Exception {
    Path sample = Imported.demoSample();
    List<String> files = List.of("campaign-summary.json", "phase1-node-a.json",
        "phase1-node-b.json", "phase1-node-c.json", "phase2.json", "phase3.json", "phase4.json");
    for (String file : files) {
      String text = Files.readString(sample.resolve(file));
      assertEquals(SeedJson.pretty(SeedJson.parse(text)), text, file);
    }
    JsonNode summary = SeedJson.parse(Files.readString(sample.resolve("campaign-summary.json")));
    for (int i = 1; i < files.size(); i++) {
      assertEquals(SeedJson.parse(Files.readString(sample.resolve(files.get(i)))),
          summary.get("phases").get(i - 1), files.get(i));
    }
    assertEquals(false, summary.get("overall_pass").booleanValue());
  }

  @Test
  void shouldImportTheSampleConfigurationAsTheSeedWroteIt() {
    Imported demo = Imported.of(Imported.demoSample());

    CampaignConfig config = demo.started().getConfig();
    assertEquals("demo/sample", config.getTargetRef());
    assertEquals(List.of("kill_primary_mid_write", "partition_minority"), config.getFaults());
    assertEquals(10, config.getCyclesPerFault());
    assertEquals(100, config.getWritesPerCycle());
    assertNull(config.getExtraJson());
    assertEquals(Instant.parse("2026-05-01T12:04:51Z"), demo.finished().getEventTime());
    assertEquals(3, demo.checks("phase1.node").size());
    assertEquals(Map.of("a", 200L, "b", 200L, "c", 200L),
        demo.check("phase2.counts").getMetrics());
  }

  @Test
  void shouldCarryTheErrCountOfPartitionCycleSixAsRawTextWithoutANumber() {
    Imported demo = Imported.of(Imported.demoSample());

    Observation cycle6 = demo.observations().stream()
        .filter(o -> o.getFault().equals("partition_minority") && o.getCycle() == 6)
        .findFirst().orElseThrow();
    assertEquals(List.of("a", "b", "c"),
        cycle6.getNodes().stream().map(NodeObservation::getNode).collect(Collectors.toList()));
    assertEquals(List.of("100", "21", "ERR"),
        cycle6.getNodes().stream().map(NodeObservation::getRawCount).collect(Collectors.toList()));
    assertEquals(100L, cycle6.getNodes().get(0).getCount());
    assertNull(cycle6.getNodes().get(2).getCount());
    CheckResult kill4 = demo.checks("phase4.cycle").stream()
        .filter(c -> c.getFault().equals("kill_primary_mid_write") && c.getCycle() == 4)
        .findFirst().orElseThrow();
    assertEquals(Map.of("writes", 100L, "ok", 98L, "quorum_not_met", 2L, "fail", 0L),
        kill4.getMetrics());
  }

  @Test
  void shouldImportTheSampleUnderAFreshCampaignIdWithDifferentEventIds() {
    Imported original = Imported.of(Imported.demoSample());
    Imported fresh = Imported.of(Imported.demoSample(),
        ImportOptions.defaults().withCampaignId("demo-1767225600"));

    assertEquals(List.of("demo-1767225600"), fresh.report.campaignIds());
    assertTrue(fresh.publisher.all().stream().allMatch(c -> c.key().equals("demo-1767225600")
        || c.key().startsWith("demo-1767225600/")), "keyed by the campaign, or by its cycle");
    assertTrue(fresh.publisher.all().stream().anyMatch(c -> c.key().startsWith(
        "demo-1767225600/")), "the phase 4 cycles' events keyed by cycle");
    assertTrue(fresh.checks().stream().allMatch(c -> c.getCampaignId().equals("demo-1767225600")));
    assertTrue(original.started().getEventId() != null
        && !original.started().getEventId().equals(fresh.started().getEventId()));
    assertEquals(original.measuredBounds(), fresh.measuredBounds());
  }
}
