package dev.shipgate.producer.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.CheckResult;
import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.results.DeadLetter;
import dev.shipgate.schemas.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlImportTest {
  private static final ImportOptions CAMPAIGN = ImportOptions.defaults().withCampaignId("jsonl-1");

  @TempDir
  Path dir;

  private static String line(int cycle, String fault, int ok, String c0, String c1, String c2) {
    return "{\"cycle\":" + cycle + ",\"fault\":\"" + fault + "\",\"writes\":100,\"ok\":" + ok
        + ",\"quorum_not_met\":0,\"fail\":" + (100 - ok) + ",\"count_node0\":\"" + c0
        + "\",\"count_node1\":\"" + c1 + "\",\"count_node2\":\"" + c2 + "\"}";
  }

  private Path write(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  @Test
  void shouldCountErrAsZeroAndKeepItsRawText() throws IOException {
    Path file = write("phase4-partition_minority.jsonl",
        line(1, "partition_minority", 100, "100", "ERR", "50"),
        line(2, "partition_minority", 100, "ERR", "40", "30"));

    Imported imported = Imported.of(file, CAMPAIGN);

    assertEquals(List.of(), imported.report.errors());
    List<Observation> obs = imported.observations();
    assertEquals("ERR", obs.get(0).getNodes().get(1).getRawCount());
    assertNull(obs.get(0).getNodes().get(1).getCount());
    assertNull(obs.get(1).getNodes().get(0).getCount());
    assertEquals(40L, obs.get(1).getNodes().get(1).getCount());
    // Σmin = min(0, 50) + min(40, 30) = 30 of Σok 200
    assertEquals(Map.of("partition_minority", "0.15"), imported.measuredBounds());
  }

  @Test
  void shouldImportCyclesWithNoAcknowledgedWriteAsBoundOne() throws IOException {
    Path file = write("phase4-drop_random_acks.jsonl",
        line(1, "drop_random_acks", 0, "0", "0", "0"),
        line(2, "drop_random_acks", 0, "ERR", "ERR", "ERR"));

    Imported imported = Imported.of(file, CAMPAIGN);

    assertEquals(List.of(), imported.report.errors());
    assertEquals(List.of(0L, 0L), imported.checks("phase4.cycle").stream()
        .map(c -> c.getMetrics().get("ok")).collect(Collectors.toList()));
    assertEquals(Map.of("drop_random_acks", "1"), imported.measuredBounds());
  }

  @Test
  void shouldKeepCountsAboveOkAsWritten() throws IOException {
    Path file = write("phase4-kill_primary_mid_write.jsonl",
        line(1, "kill_primary_mid_write", 90, "95", "97", "96"));

    Imported imported = Imported.of(file, CAMPAIGN);

    assertEquals(List.of(), imported.report.errors());
    assertEquals(List.of(95L, 97L, 96L), imported.observations().get(0).getNodes().stream()
        .map(NodeObservation::getCount).collect(Collectors.toList()));
    assertEquals(Map.of("kill_primary_mid_write", "1.066"), imported.measuredBounds());
  }

  @Test
  void shouldImportASingleCycleWithItsTallyAndThreeNamedNodes() throws IOException {
    Path file = write("phase4-partition_minority.jsonl",
        line(1, "partition_minority", 97, "97", "20", "20"));

    Imported imported = Imported.of(file, CAMPAIGN);

    CheckResult cycle = imported.check("phase4.cycle");
    assertEquals(4, cycle.getPhase());
    assertEquals("partition_minority", cycle.getFault());
    assertEquals(1, cycle.getCycle());
    assertEquals(Map.of("writes", 100L, "ok", 97L, "quorum_not_met", 0L, "fail", 3L),
        cycle.getMetrics());
    Observation obs = imported.observations().get(0);
    assertTrue(obs.getFinal$());
    assertEquals(1, obs.getCycle());
    assertEquals(List.of("a", "b", "c"),
        obs.getNodes().stream().map(NodeObservation::getNode).collect(Collectors.toList()));
    assertEquals(List.of(0, 1, 2),
        obs.getNodes().stream().map(NodeObservation::getNodeIndex).collect(Collectors.toList()));
    assertEquals(Map.of("partition_minority", "0.206"), imported.measuredBounds());
    assertTrue(imported.campaignEvents().isEmpty(), "a single JSONL file has no lifecycle");
  }

  @Test
  void shouldImportTwoHundredCyclesInCycleOrder() throws IOException {
    String[] lines = new String[200];
    for (int i = 0; i < 200; i++) {
      int cycle = 200 - i;
      lines[i] = line(cycle, "partition_minority", 100, "100", "100", cycle == 7 ? "ERR" : "100");
    }
    Path file = write("phase4-partition_minority.jsonl", lines);

    Imported imported = Imported.of(file, CAMPAIGN);

    assertEquals(List.of(), imported.report.errors());
    assertEquals(200, imported.report.events(Topics.CHECKS));
    assertEquals(200, imported.report.events(Topics.OBSERVATIONS));
    List<Integer> order = imported.checks("phase4.cycle").stream().map(CheckResult::getCycle)
        .collect(Collectors.toList());
    assertEquals(1, order.get(0));
    assertEquals(200, order.get(199));
    // Σmin = 199 × 100 of Σok 20000 → floor(995.0) / 1000
    assertEquals(Map.of("partition_minority", "0.995"), imported.measuredBounds());
  }

  @Test
  void shouldAcceptNumericCountsAndKeepTheirText() throws IOException {
    Path file = write("chaos-report.jsonl",
        "{\"cycle\":1,\"fault\":\"partition_minority\",\"writes\":100,\"ok\":97,"
            + "\"count_node0\":97,\"count_node1\":20,\"count_node2\":\"21\"}");

    Imported imported = Imported.of(file, CAMPAIGN);

    assertEquals(List.of(), imported.report.errors());
    assertEquals(List.of("97", "20", "21"), imported.observations().get(0).getNodes().stream()
        .map(NodeObservation::getRawCount).collect(Collectors.toList()));
    assertEquals(Map.of("writes", 100L, "ok", 97L), imported.check("phase4.cycle").getMetrics());
  }

  @Test
  void shouldRefuseMalformedLinesByFileLineAndFieldAndImportTheValidOnes() throws IOException {
    Path file = write("phase4-partition_minority.jsonl",
        line(1, "partition_minority", 97, "97", "20", "20"),
        "{\"cycle\":2,\"fault\":\"partition_minority\",\"ok\":97",
        "{\"fault\":\"partition_minority\",\"ok\":97,\"count_node1\":\"20\"}",
        line(4, "partition_minority", 98, "98", "21", "22"),
        "",
        "{\"cycle\":6,\"fault\":\"partition_minority\",\"ok\":\"x\"}",
        "{\"cycle\":7,\"fault\":\"kill_primary_mid_write\",\"ok\":100}",
        "{\"cycle\":8,\"fault\":\"partition_minority\",\"ok\":97,\"count_node1\":true}",
        line(4, "partition_minority", 99, "99", "25", "25"),
        line(10, "partition_minority", 100, "100", "19", "20"));

    Imported imported = Imported.of(file, CAMPAIGN);

    List<String> errors = imported.report.errors();
    assertEquals(6, errors.size(), errors.toString());
    assertTrue(errors.get(0).startsWith("phase4-partition_minority.jsonl:2: invalid JSON: "),
        errors.get(0));
    assertEquals("phase4-partition_minority.jsonl:3: field \"cycle\": missing", errors.get(1));
    assertEquals("phase4-partition_minority.jsonl:6: field \"ok\": expected an integer, got \"x\"",
        errors.get(2));
    assertEquals("phase4-partition_minority.jsonl:7: field \"fault\": expected"
        + " \"partition_minority\" (from the file name), got \"kill_primary_mid_write\"",
        errors.get(3));
    assertEquals("phase4-partition_minority.jsonl:8: field \"count_node1\": expected a count (an"
        + " integer, a string of digits or \"ERR\"), got true", errors.get(4));
    assertEquals("phase4-partition_minority.jsonl:9: field \"cycle\": duplicate cycle 4 of"
        + " partition_minority (first at phase4-partition_minority.jsonl:4)", errors.get(5));
    assertTrue(errors.stream().noneMatch(e -> e.contains("\n")));

    assertEquals(List.of(1, 4, 10), imported.checks("phase4.cycle").stream()
        .map(CheckResult::getCycle).collect(Collectors.toList()));
    assertEquals(3, imported.observations().size());

    List<DeadLetter> dead = imported.deadLetters();
    assertEquals(6, dead.size());
    assertEquals("{\"cycle\":6,\"fault\":\"partition_minority\",\"ok\":\"x\"}",
        StandardCharsets.UTF_8.decode(dead.get(2).getValue()).toString());
    assertEquals(errors.get(2), dead.get(2).getReason());
    assertEquals(file.toString(), dead.get(2).getSourceTopic());
    assertEquals("shipgate-import", dead.get(2).getComponent());
    assertEquals("jsonl-1", dead.get(2).getCampaignId());
  }

  @Test
  void shouldRequireAFaultOnEveryLineWhenTheFileNameNamesNone() throws IOException {
    Path file = write("chaos-report.jsonl",
        "{\"cycle\":1,\"ok\":97,\"count_node1\":\"20\",\"count_node2\":\"20\"}",
        line(1, "kill_primary_mid_write", 100, "100", "100", "100"),
        line(1, "partition_minority", 97, "97", "20", "20"));

    Imported imported = Imported.of(file, CAMPAIGN);

    assertEquals(List.of("chaos-report.jsonl:1: field \"fault\": missing (the file name does not"
        + " name the fault)"), imported.report.errors());
    assertEquals(List.of("kill_primary_mid_write", "partition_minority"),
        imported.checks("phase4.cycle").stream().map(CheckResult::getFault)
            .collect(Collectors.toList()));
  }

  @Test
  void shouldRefuseASingleJsonlFileWithoutACampaignId() throws IOException {
    Path file = write("phase4-partition_minority.jsonl",
        line(1, "partition_minority", 97, "97", "20", "20"));

    Imported imported = Imported.of(file);

    assertEquals(List.of("phase4-partition_minority.jsonl: a campaign id is required to import a"
        + " single JSONL file (--campaign-id)"), imported.report.errors());
    assertTrue(imported.publisher.all().isEmpty());
  }

  @Test
  void shouldImportJsonlCyclesOfARunDirectoryInsteadOfItsRecordedBound() throws IOException {
    write("campaign-summary.json", "{\"campaign_id\":\"run-with-cycles\",\"ai_memory_git_ref\":"
        + "\"main\",\"completed_at\":\"2026-04-20T14:06:38Z\",\"overall_pass\":false}");
    write("phase4.json", "{\"phase\":4,\"pass\":false,\"cycles_per_fault\":2,"
        + "\"writes_per_cycle\":100,\"convergence_by_fault\":{\"kill_primary_mid_write\":1,"
        + "\"partition_minority\":0.5}}");
    write("phase4-partition_minority.jsonl",
        line(1, "partition_minority", 100, "100", "20", "20"),
        line(2, "partition_minority", 100, "100", "20", "20"));
    write("phase4-clock_skew_peer.jsonl", line(1, "clock_skew_peer", 100, "100", "100", "100"));

    Imported imported = Imported.of(dir);

    assertEquals(List.of(), imported.report.errors());
    assertEquals(List.of("kill_primary_mid_write", "partition_minority", "clock_skew_peer"),
        imported.started().getConfig().getFaults());
    assertEquals(List.of("kill_primary_mid_write"), imported.checks("phase4.bound").stream()
        .map(CheckResult::getFault).collect(Collectors.toList()));
    assertEquals(Map.of("partition_minority", "0.2", "clock_skew_peer", "1"),
        imported.measuredBounds());
    assertTrue(imported.report.notes().stream().anyMatch(n -> n.equals("run-with-cycles:"
        + " partition_minority: recorded bound 0.5 differs from the bound of its 2 imported"
        + " cycles, 0.2; the cycles are imported")), imported.report.notes().toString());
  }

  @Test
  void shouldBuildEachCycleAsItIsPublishedWithThePhasesExtrasOnItsFirstCheck() throws IOException {
    // r20 records both bounds and an extra key; its first class here has cycles of its own
    Path run = dir.resolve("v0.6.0.0-final-r20");
    Files.createDirectories(run);
    try (var files = Files.list(Imported.reference("v0.6.0.0-final-r20"))) {
      for (Path f : files.toList()) {
        Files.copy(f, run.resolve(f.getFileName()));
      }
    }
    Files.writeString(run.resolve("phase4-kill_primary_mid_write.jsonl"),
        line(1, "kill_primary_mid_write", 100, "100", "100", "100") + "\n"
        + line(2, "kill_primary_mid_write", 100, "100", "100", "100") + "\n");

    Imported imported = Imported.of(run);

    List<CheckResult> cycles = imported.checks("phase4.cycle");
    assertEquals(List.of(1, 2), cycles.stream().map(CheckResult::getCycle).toList());
    assertEquals("{\"_reconstructed_from\":\"https://github.com/alphaonedev/ai-memory-ship-gate"
        + "/actions/runs/24669844796\"}", cycles.get(0).getValues().get("extra_json"));
    assertNull(cycles.get(1).getValues().get("extra_json"), "extras ride on the first check only");
    assertNull(imported.checks("phase4.bound").get(0).getValues().get("extra_json"));
    assertEquals(2, imported.observations().stream().filter(o -> o.getPhase() == 4).count());
    // the end event announces the deferred cycles' events as the built ones
    Map<String, Long> manifest = imported.campaignEvents()
        .get(imported.campaignEvents().size() - 1).getManifest();
    assertEquals(3L, manifest.get("4/checks"), manifest.toString());
    assertEquals(2L, manifest.get("4/observations"), manifest.toString());
    // and every event, built early or late, has its own rising time in publishing order
    List<Long> times = imported.publisher.all().stream()
        .filter(c -> !c.topic().equals(Topics.DEAD_LETTERS.name()))
        .map(c -> c.timestamp().toEpochMilli()).toList();
    for (int i = 1; i < times.size(); i++) {
      assertEquals(times.get(i - 1) + 1, times.get(i), "event " + i + " of " + times.size());
    }
  }
}
