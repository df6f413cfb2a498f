package dev.shipgate.producer.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.CheckResult;
import dev.shipgate.producer.publish.CapturingEventPublisher.Captured;
import dev.shipgate.results.DeadLetter;
import dev.shipgate.schemas.CampaignIds;
import dev.shipgate.schemas.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportValidationTest {

  @TempDir
  Path dir;

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file;
  }

  @Test
  void shouldRefuseAnInvalidCampaignIdAndDeadLetterTheRunsFiles() throws IOException {
    String summary = "{\"campaign_id\":\"../../etc\",\"ai_memory_git_ref\":\"main\","
        + "\"completed_at\":\"2026-04-20T14:06:38Z\",\"overall_pass\":true,\"phases\":[]}";
    write("campaign-summary.json", summary);
    write("phase2.json", "{\"phase\":2,\"ok\":200}");

    Imported imported = Imported.of(dir);

    assertEquals(List.of("campaign-summary.json:1: " + CampaignIds.problem("../../etc")),
        imported.report.errors());
    assertEquals(List.of(), imported.report.campaignIds());
    List<Captured> all = imported.publisher.all();
    assertTrue(all.stream().allMatch(c -> c.topic().equals(Topics.DEAD_LETTERS.name())));
    List<DeadLetter> dead = imported.deadLetters();
    assertEquals(2, dead.size());
    DeadLetter first = dead.get(0);
    assertEquals(dir.resolve("campaign-summary.json").toString(), first.getSourceTopic());
    assertEquals(summary, StandardCharsets.UTF_8.decode(first.getValue()).toString());
    assertEquals(CampaignIds.problem("../../etc"), first.getReason());
    assertEquals("shipgate-import", first.getComponent());
    assertEquals(Imported.IMPORT_TIME, first.getEventTime());
    assertEquals(first.getSourceTopic(), all.get(0).key(), "an invalid id is never a key");
    assertEquals(2, imported.report.events(Topics.DEAD_LETTERS));
  }

  @Test
  void shouldRefuseAnInvalidCampaignIdOverride() throws IOException {
    write("campaign-summary.json", "{\"campaign_id\":\"fine\",\"completed_at\":null}");

    Imported imported = Imported.of(dir, ImportOptions.defaults().withCampaignId("bad id"));

    assertEquals(1, imported.report.errors().size());
    assertTrue(imported.report.errors().get(0).endsWith(CampaignIds.problem("bad id")));
    assertEquals(1, imported.deadLetters().size());
    assertEquals(0, imported.report.events(Topics.CAMPAIGNS));
  }

  @Test
  void shouldPublishTheSameEventIdsAndTimesOnEveryImport() {
    Imported first = Imported.of(Imported.demoSample());
    Imported second = Imported.of(Imported.demoSample());

    List<String> firstIds = ids(first);
    assertEquals(firstIds, ids(second));
    assertEquals(firstIds.size(), firstIds.stream().distinct().count(), "ids are unique");
    assertEquals(first.publisher.all().stream().map(Captured::timestamp)
        .collect(Collectors.toList()), second.publisher.all().stream().map(Captured::timestamp)
        .collect(Collectors.toList()));
  }

  @Test
  void shouldGiveEventsRisingTimesEndingAtCompletedAt() {
    Imported demo = Imported.of(Imported.demoSample());

    List<Instant> times = demo.publisher.all().stream().map(Captured::timestamp)
        .collect(Collectors.toList());
    for (int i = 1; i < times.size(); i++) {
      assertTrue(times.get(i).isAfter(times.get(i - 1)), "event " + i + " after event " + (i - 1));
    }
    assertEquals(Instant.parse("2026-05-01T12:04:51Z"), times.get(times.size() - 1));
    assertEquals(times, demo.publisher.all().stream()
        .map(c -> (Instant) ((SpecificRecordBase) c.value()).get("event_time"))
        .collect(Collectors.toList()), "record timestamp = event_time");
  }

  @Test
  void shouldNameFileLineFieldAndValueOfAMalformedPhaseFileAndImportTheRest()
      throws IOException {
    write("campaign-summary.json", "{\"campaign_id\":\"bad-fields\",\"completed_at\":"
        + "\"2026-04-20T14:06:38Z\"}");
    write("phase2.json", "{\n  \"phase\": 2,\n  \"pass\": true,\n  \"total_writes\": 200,\n"
        + "  \"ok\": \"x\",\n  \"counts\": {\"a\": 200, \"b\": \"ERR\", \"c\": -1},\n"
        + "  \"probe1_single_peer_down\": \"201\"\n}\n");
    write("phase3.json", "{\"phase\": 3,\n \"src_count\": 1000,");

    Imported imported = Imported.of(dir);

    List<String> errors = imported.report.errors();
    assertTrue(errors.get(0).startsWith("phase3.json:2: invalid JSON: "), errors.get(0));
    assertEquals("phase2.json:5: field \"ok\": expected an integer, got \"x\"", errors.get(1));
    assertEquals("phase2.json:6: field \"counts.c\": expected a count, got -1", errors.get(2));
    assertEquals(3, errors.size(), errors.toString());
    assertEquals(Map.of("total_writes", 200L), imported.check("phase2.writes").getMetrics());
    assertEquals(Map.of("a", 200L), imported.check("phase2.counts").getMetrics());
    assertEquals("201", imported.check("phase2.probe1").getValues().get("status"));
    assertTrue(imported.checks("phase2.probe2").isEmpty());
    assertTrue(imported.checks("phase3.migration").isEmpty());
    assertEquals(1, imported.deadLetters().size());
    assertEquals(dir.resolve("phase3.json").toString(),
        imported.deadLetters().get(0).getSourceTopic());
  }

  @Test
  void shouldImportPhasesFromTheSummaryWhenThePhaseFilesAreAbsent() throws IOException {
    String r14 = Files.readString(Imported.reference("v0.6.0.0-final-r14")
        .resolve("campaign-summary.json"));
    write("campaign-summary.json", r14);

    Imported imported = Imported.of(dir);

    assertEquals(List.of(), imported.report.errors());
    assertEquals(List.of("a", "b", "c"), imported.checks("phase1.node").stream()
        .map(CheckResult::getNode).collect(Collectors.toList()));
    assertEquals(36L, imported.checks("phase1.node").get(2).getMetrics().get("mcp_tool_count"));
    assertEquals(Map.of("a", 200L, "b", 166L, "c", 164L),
        imported.check("phase2.counts").getMetrics());
    assertEquals(List.of("v0.6.0.0-final-r14"), imported.report.campaignIds());
  }

  @Test
  void shouldNameTheSummaryEntryOfAMalformedSummaryPhase() throws IOException {
    write("campaign-summary.json", "{\"campaign_id\":\"summary-only\",\n\"phases\":[\n"
        + "{\"phase\":2,\"ok\":1.5,\"counts\":{\"a\":1}},\n{\"phase\":9}\n]}");

    Imported imported = Imported.of(dir);

    assertEquals(List.of(
        "campaign-summary.json:4: field \"phases[1].phase\": expected 1, 2, 3 or 4, got 9",
        "campaign-summary.json:3: field \"phases[0].ok\": expected an integer, got 1.5"),
        imported.report.errors());
    assertEquals(Map.of("a", 1L), imported.check("phase2.counts").getMetrics());
  }

  @Test
  void shouldUseTheImportTimeWhenCompletedAtIsMissingAndSaySo() throws IOException {
    write("campaign-summary.json", "{\"campaign_id\":\"no-end\",\"phases\":[]}");

    Imported imported = Imported.of(dir);

    assertEquals(List.of(), imported.report.errors());
    assertEquals(Imported.IMPORT_TIME, imported.finished().getEventTime());
    assertTrue(imported.report.notes().stream().anyMatch(n -> n.startsWith("no-end: no"
        + " completed_at")), imported.report.notes().toString());
  }

  @Test
  void shouldHonourPhasesAndTargetOverrides() {
    Imported imported = Imported.of(Imported.reference("v0.6.0.0-final-r14"),
        ImportOptions.defaults().withPhasesEnabled(List.of(1, 2)).withTargetName("etcd"));

    assertEquals(List.of(1, 2), imported.started().getConfig().getPhasesEnabled());
    assertEquals("etcd", imported.started().getConfig().getTargetName());
  }

  @Test
  void shouldReportAPathThatDoesNotExist() {
    Imported imported = Imported.of(dir.resolve("missing"));

    assertEquals(List.of(dir.resolve("missing") + ": no such file or directory"),
        imported.report.errors());
    assertNull(imported.report.campaignIds().stream().findFirst().orElse(null));
  }

  @Test
  void shouldRefuseACampaignIdOverrideForSeveralRuns() {
    Imported imported = Imported.of(Imported.referenceRuns(),
        ImportOptions.defaults().withCampaignId("one"));

    assertEquals(1, imported.report.errors().size());
    assertTrue(imported.report.errors().get(0).endsWith(" holds 5 runs"));
    assertTrue(imported.publisher.all().isEmpty());
  }

  private static List<String> ids(Imported imported) {
    return imported.publisher.all().stream()
        .map(c -> String.valueOf(((SpecificRecordBase) c.value()).get("event_id")))
        .collect(Collectors.toList());
  }

  @Test
  void shouldNotConfuseEventIdsOfDifferentCampaigns() {
    Imported a = Imported.of(Imported.reference("v0.6.0.0-final-r24"));
    Imported b = Imported.of(Imported.reference("v0.6.0.0-final-r14"));

    assertNotEquals(a.started().getEventId(), b.started().getEventId());
  }
}
