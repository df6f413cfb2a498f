package dev.shipgate.sink;

import static dev.shipgate.sink.Fixtures.R24;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.events.FaultAction;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.results.BoundSource;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.CampaignIds;
import dev.shipgate.schemas.SeedJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunArtifactsWriterTest {
  @TempDir
  Path tmp;

  private Path runs() {
    return tmp.resolve("runs");
  }

  @Test
  void shouldWriteSeedArtifactsByteIdenticalToTheReferenceRun() throws IOException {
    new RunArtifactsWriter(runs()).write(Fixtures.r24());

    for (String file : List.of("campaign-summary.json", "phase1-node-a.json",
        "phase1-node-b.json", "phase1-node-c.json", "phase2.json", "phase3.json",
        "phase4.json")) {
      assertEquals(Fixtures.reference(R24, file), read(R24, file), file);
    }
  }

  @Test
  void shouldWriteCycleLinesInRunChaosFormatInCycleOrder() throws IOException {
    String id = "chaos-1";
    List<CycleConvergence> cycles = List.of(
        Fixtures.cycle(id, "partition_minority", 2, 95, 2, 3, List.of("95", "ERR", "90"), 0,
            Map.of()),
        Fixtures.cycle(id, "partition_minority", 1, 97, 3, 0, List.of("97", "20", "20"), 20,
            Map.of()),
        unobserved(Fixtures.cycle(id, "partition_minority", 3, 0, 0, 0, List.of("", "", ""), 0,
            Map.of())));

    new RunArtifactsWriter(runs()).write(new RunRecords(id, null, List.of(), List.of(), cycles));

    assertEquals(
        "{\"cycle\":1,\"fault\":\"partition_minority\",\"writes\":100,\"ok\":97,"
            + "\"quorum_not_met\":0,\"fail\":3,\"count_node0\":\"97\",\"count_node1\":\"20\","
            + "\"count_node2\":\"20\"}\n"
            + "{\"cycle\":2,\"fault\":\"partition_minority\",\"writes\":100,\"ok\":95,"
            + "\"quorum_not_met\":0,\"fail\":5,\"count_node0\":\"95\",\"count_node1\":\"ERR\","
            + "\"count_node2\":\"90\"}\n",
        read(id, "phase4-partition_minority.jsonl"));
  }

  @Test
  void shouldPrintBoundsAsTheSeedDoes() throws IOException {
    String id = "bounds-1";
    List<FaultBound> bounds = List.of(
        Fixtures.bound(id, "kill_primary_mid_write", BoundSource.IMPORTED, 50, null, null, "1",
            1000, null, 0, Verdict.PASS, null),
        Fixtures.bound(id, "partition_minority", BoundSource.IMPORTED, 50, null, null, "0.2",
            200, null, 0, Verdict.FAIL, "partition_minority: 0.2 < 0.995"));

    new RunArtifactsWriter(runs()).write(new RunRecords(id, null, List.of(), bounds, List.of()));

    String json = read(id, "shipgate-verdict.json");
    assertTrue(json.contains("\"bound\": 1,"), json);
    assertTrue(json.contains("\"bound\": 0.2,"), json);
    assertTrue(json.contains("\"threshold\": 0.995,"), json);
  }

  @Test
  void shouldRecordShipgatesRicherResultWithWilsonBoundAndLostIds() throws IOException {
    new RunArtifactsWriter(runs()).write(Fixtures.r24());

    JsonNode v = SeedJson.parse(read(R24, "shipgate-verdict.json"));
    assertEquals("FAIL", v.get("verdict").asText());
    assertFalse(v.get("overall_pass").asBoolean());
    assertEquals("FINISHED", v.get("state").asText());
    JsonNode partition = v.get("faults").get(0);
    assertEquals("partition_minority", partition.get("fault").asText());
    assertEquals("MEASURED", partition.get("source").asText());
    assertEquals(5000, partition.get("sum_ok").asLong());
    assertEquals(1000, partition.get("sum_min_peer").asLong());
    assertEquals(0.18915, partition.get("wilson_lower").asDouble(), 1e-9);
    assertEquals("FAIL", partition.get("verdict").asText());
    assertEquals(4, partition.get("lost_writes").asLong());
    assertEquals("[\"1/c1-w21\",\"1/c1-w22\",\"2/c2-w21\",\"2/c2-w22\"]",
        partition.get("lost_ids_sample").toString());
    assertEquals("shipgate-cycles-partition_minority.jsonl",
        partition.get("per_cycle_file").asText());
    List<String> lines = read(R24, "shipgate-cycles-partition_minority.jsonl").lines().toList();
    assertEquals(50, lines.size());
    JsonNode cycle1 = SeedJson.parse(lines.get(0));
    assertEquals(1, cycle1.get("cycle").asInt());
    assertEquals("[\"c1-w21\",\"c1-w22\"]", cycle1.get("lost_ids").get("b").toString());
    assertEquals("[\"c1-w21\"]", cycle1.get("lost_ids").get("c").toString());
  }

  @Test
  void shouldKeepThePageAndTheVerdictFileBoundedForAMillionWrites() throws IOException {
    String id = "big-1";
    List<CycleConvergence> cycles = new ArrayList<>();
    List<FaultEvent> events = new ArrayList<>();
    for (String fault : List.of("kill_primary_mid_write", "partition_minority")) {
      for (int c = 1; c <= 5000; c++) {
        // every 10th cycle of the partition class lost 3 acknowledged writes on one peer
        boolean lossy = fault.equals("partition_minority") && c % 10 == 0;
        Map<String, List<String>> lost = lossy
            ? Map.of("c", List.of("c" + c + "-w1", "c" + c + "-w2", "c" + c + "-w3")) : Map.of();
        cycles.add(Fixtures.cycle(id, fault, c, 100, 0, 0,
            List.of("100", "100", lossy ? "97" : "100"), lossy ? 97 : 100, lost));
        events.add(Fixtures.fault(id, 4, fault, c, FaultAction.INJECTED,
            "iptables -S: -A OUTPUT -d 127.0.0.12/32 -m owner --uid-owner 1001 -j DROP", null));
        events.add(Fixtures.fault(id, 4, fault, c, FaultAction.HEALED, "no rule listed", null));
      }
    }
    // sum min peer = 4500 x 100 + 500 x 97 of sum ok 500000: 0.997, 1500 lost
    List<String> reasons = List.of();
    CampaignVerdict campaign = Fixtures.verdict(id, Verdict.PASS, CampaignState.FINISHED, null,
        "2026-04-20T17:48:31Z", List.of(Fixtures.summary(4, null, Verdict.PASS, reasons)),
        reasons, "{\"overall_pass\": true}", Fixtures.R24_DONE);
    RunRecords records = new RunRecords(id, campaign,
        List.of(Fixtures.phase(id, 4, null, Verdict.PASS, reasons, null)),
        List.of(Fixtures.bound(id, "partition_minority", BoundSource.MEASURED, 5000, 500_000L,
                498_500L, "0.997", 997, 0.9968, 1500, Verdict.PASS, null),
            Fixtures.bound(id, "kill_primary_mid_write", BoundSource.MEASURED, 5000, 500_000L,
                500_000L, "1", 1000, 0.99999, 0, Verdict.PASS, null)),
        cycles, events);
    new RunArtifactsWriter(runs()).write(records);

    long page = Files.size(runs().resolve(id).resolve("index.html"));
    long verdict = Files.size(runs().resolve(id).resolve("shipgate-verdict.json"));
    System.out.println("10^6 writes: index.html " + page + " bytes, shipgate-verdict.json "
        + verdict + " bytes");
    assertTrue(page < 1_000_000, "index.html under 1 MB: " + page);
    assertTrue(verdict < 200_000, "shipgate-verdict.json under 200 kB: " + verdict);
    // the detail lives in the JSONL files: every cycle, every event
    assertEquals(5000, read(id, "shipgate-cycles-partition_minority.jsonl").lines().count());
    assertEquals(10000, read(id, "shipgate-faults-partition_minority.jsonl").lines().count());
    assertEquals(5000, read(id, "phase4-partition_minority.jsonl").lines().count());
    String html = read(id, "index.html").replace("&#x2F;", "/").replace("&#x3D;", "=")
        .replace("&#47;", "/").replace("&#61;", "=");
    assertTrue(html.contains("5000 cycles: the 100 with the lowest min peer / ok are listed;"
        + " every cycle is in shipgate-cycles-partition_minority.jsonl."),
        () -> "cycle note in " + html.substring(html.indexOf("Per-cycle numbers"),
            html.indexOf("Per-cycle numbers") + 400));
    assertTrue(html.contains("500 cycles lost acknowledged writes; the first 50 rows are listed"),
        "lost note");
    assertTrue(html.contains("All 10000 fault events"), "event count");
    assertTrue(html.contains("cycles 1-21, lowest cycle 10: min peer 97 / ok 100 = 0.970"),
        "a bar covers a run of cycles and shows its worst");
    JsonNode v = SeedJson.parse(read(id, "shipgate-verdict.json"));
    JsonNode partition = null;
    for (JsonNode f : v.get("faults")) {
      if (f.get("fault").asText().equals("partition_minority")) {
        partition = f;
      }
    }
    assertEquals(100, partition.get("lost_ids_sample").size());
    assertEquals("10/c10-w1", partition.get("lost_ids_sample").get(0).asText());
    assertEquals(100, partition.get("fault_events").size());
    assertEquals(10000, partition.get("fault_events_total").asInt());
    assertEquals("shipgate-faults-partition_minority.jsonl",
        partition.get("fault_events_file").asText());
  }

  @Test
  void shouldLeaveNoTempFilesAndNotRewriteUnchangedContent() throws IOException {
    RunArtifactsWriter writer = new RunArtifactsWriter(runs());
    WriteReport first = writer.write(Fixtures.r24());
    Path page = runs().resolve(R24).resolve("index.html");
    FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
    Files.setLastModifiedTime(page, old);

    WriteReport second = writer.write(Fixtures.r24());

    assertTrue(first.written().contains("index.html"));
    assertEquals(List.of(), second.written());
    assertEquals(first.written().size(), second.unchanged().size());
    assertEquals(old, Files.getLastModifiedTime(page));
    try (Stream<Path> all = Files.walk(runs())) {
      List<String> leftovers = all.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".tmp") || n.startsWith(".")).toList();
      assertEquals(List.of(), leftovers);
    }
  }

  @Test
  void shouldRewriteVerdictAndPageWhenTheVerdictChanges() throws IOException {
    RunArtifactsWriter writer = new RunArtifactsWriter(runs());
    RunRecords running = withVerdict(Fixtures.r24(), Verdict.INCOMPLETE, CampaignState.RUNNING,
        null);
    writer.write(running);
    assertTrue(read(R24, "index.html").contains(">INCOMPLETE<"));

    WriteReport finished = writer.write(Fixtures.r24());

    assertTrue(finished.written().contains("shipgate-verdict.json"), finished.toString());
    assertTrue(finished.written().contains("index.html"), finished.toString());
    assertFalse(finished.written().contains("phase2.json"), finished.toString());
    assertEquals("FAIL", SeedJson.parse(read(R24, "shipgate-verdict.json")).get("verdict")
        .asText());
  }

  @Test
  void shouldRefuseInvalidCampaignIdsAndCreateNothing() {
    RunArtifactsWriter writer = new RunArtifactsWriter(runs());
    for (String id : List.of("../x", "", ".hidden", "a".repeat(129), "a/b", "..", "a\nb")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> writer.write(new RunRecords(id, null, List.of(), List.of(), List.of())));
      assertEquals(CampaignIds.problem(id), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
    assertFalse(Files.exists(runs()));
    assertFalse(Files.exists(tmp.resolve("x")));
  }

  @Test
  void shouldRefuseRecordsOfAnotherCampaign() {
    PhaseVerdict other = Fixtures.phase("other", 2, null, Verdict.PASS, List.of(), "{}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RunArtifactsWriter(runs()).write(
            new RunRecords("mine", null, List.of(other), List.of(), List.of())));
    assertEquals("record of campaign_id 'other' given with the records of campaign 'mine'",
        e.getMessage());
    assertFalse(Files.exists(runs().resolve("mine")));
  }

  @Test
  void shouldEscapeHtmlInReasons() throws IOException {
    RunRecords r = Fixtures.r24();
    CampaignVerdict v = CampaignVerdict.newBuilder(r.verdict())
        .setReasons(List.of("<script>alert(1)</script>")).build();
    new RunArtifactsWriter(runs()).write(
        new RunRecords(R24, v, r.phases(), r.bounds(), r.cycles()));

    String html = read(R24, "index.html");
    assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assertFalse(html.contains("<script"));
  }

  @Test
  void shouldRenderSelfContainedPagesWithNothingToLoad() throws IOException {
    RunArtifactsWriter writer = new RunArtifactsWriter(runs());
    writer.write(Fixtures.r24());
    writer.write(Fixtures.r20());

    for (Path page : List.of(runs().resolve("index.html"), runs().resolve(R24 + "/index.html"),
        runs().resolve(Fixtures.R20 + "/index.html"))) {
      String html = Files.readString(page);
      // r20's raw JSON quotes an https URL: as escaped text inside <pre>, it loads nothing.
      String outsidePre = Pattern.compile("<pre>.*?</pre>", Pattern.DOTALL).matcher(html)
          .replaceAll("");
      assertFalse(outsidePre.matches("(?s).*https?://.*"), page + " references a URL");
      assertFalse(html.contains("<script"), page.toString());
      assertFalse(html.contains("<link"), page.toString());
      assertFalse(html.contains("@import"), page.toString());
      assertFalse(html.contains("url("), page.toString());
      assertFalse(html.contains("src="), page.toString());
      assertTrue(html.contains("<style>"), page.toString());
    }
    assertTrue(section(read(Fixtures.R20, "index.html"), "phase-2")
        .contains("<pre>{&#10;  &quot;phase&quot;: 2,"), "raw JSON shown escaped in <pre>");
  }

  @Test
  void shouldLinkEveryArtifactRelatively() throws IOException {
    new RunArtifactsWriter(runs()).write(Fixtures.r24());

    String html = read(R24, "index.html");
    for (String file : List.of("campaign-summary.json", "phase1-node-a.json", "phase2.json",
        "phase3.json", "phase4.json", "phase4-partition_minority.jsonl",
        "phase4-kill_primary_mid_write.jsonl", "shipgate-verdict.json")) {
      assertTrue(html.contains("href=\"" + file + "\""), file);
      assertTrue(Files.isRegularFile(runs().resolve(R24).resolve(file)), file);
    }
    assertTrue(html.contains("href=\"../index.html\""), "link back to the runs index");
  }

  @Test
  void shouldShowTheVerdictAndPhase4Table() throws IOException {
    new RunArtifactsWriter(runs()).write(Fixtures.r24());

    String html = read(R24, "index.html");
    assertTrue(html.contains("<div class=\"big fail\"><div class=\"word\">FAIL</div>"), html);
    assertTrue(html.contains("<dt>Target ref</dt><dd>release/v0.6.0</dd>"));
    assertTrue(html.contains("2026-04-20T17:48:31Z"));
    String phase4 = section(html, "phase-4");
    assertTrue(phase4.contains("<td class=\"num\"><strong>0.2</strong></td>"), phase4);
    assertTrue(phase4.contains("<td class=\"num\">0.1892</td>"), phase4);
    assertTrue(phase4.contains("<svg class=\"chart\""), phase4);
    assertEquals(100, count(phase4, "<rect class="), "one bar per cycle of the two classes");
  }

  @Test
  void shouldShowAnEtcdNodesPhase1WithItsOwnStatsAndItsNotApplicableMetrics() throws IOException {
    RunRecords r24 = Fixtures.r24();
    String etcd = "{\"phase\":1,\"host\":\"a\",\"version\":\"etcd 3.4.23\",\"pass\":true,"
        + "\"reasons\":[\"\"],\"not_applicable\":[\"curator_errors\",\"mcp_tool_count\"],"
        + "\"recall_count\":1,\"stats_total\":2,\"snapshot_count\":1,\"manifest_count\":1}";
    List<PhaseVerdict> phases = new ArrayList<>();
    for (PhaseVerdict p : r24.phases()) {
      phases.add(p.getPhase() == 1 && p.getNode() != null
          ? Fixtures.phase(r24.campaignId(), 1, p.getNode(), Verdict.PASS, List.of(),
              etcd.replace("\"host\":\"a\"", "\"host\":\"" + p.getNode() + "\""))
          : p);
    }
    new RunArtifactsWriter(runs()).write(new RunRecords(r24.campaignId(), r24.verdict(), phases,
        r24.bounds(), r24.cycles(), r24.faults()));

    String phase1 = section(read(Fixtures.R24, "index.html"), "phase-1");
    assertFalse(phase1.contains("missing"), "stats_total is the etcd profile's stats: " + phase1);
    assertEquals(3, count(phase1, "<span class=\"mark\">✓</span><span class=\"mono\">2</span>"), phase1);
    // etcd has no curator and no MCP tools: said, and never shown as a pass mark
    assertEquals(6, count(phase1, "n/a: the target has no such metric (rule skipped, not passed)"),
        phase1);
  }

  @Test
  void shouldShowNotRunPhasesAsNotRunNeverAsPass() throws IOException {
    new RunArtifactsWriter(runs()).write(Fixtures.r20());

    String phase1 = section(read(Fixtures.R20, "index.html"), "phase-1");
    assertTrue(phase1.contains("<span class=\"badge warn\">NOT RUN</span>"), phase1);
    assertTrue(phase1.contains("produced no evidence"), phase1);
    assertFalse(phase1.contains("badge pass"), phase1);
    JsonNode v = SeedJson.parse(read(Fixtures.R20, "shipgate-verdict.json"));
    assertEquals("NOT_RUN", v.get("phases").get(0).get("verdict").asText());
    assertTrue(v.get("phases").get(0).get("artifact").isNull());
  }

  @Test
  void shouldShowTheTargetOnThePageTheIndexAndTheVerdictFile() throws IOException {
    RunArtifactsWriter writer = new RunArtifactsWriter(runs());
    RunRecords r = withTarget(Fixtures.r24(), "etcd", "3.4.23");
    writer.write(r);
    writer.writeRunsIndex();

    String html = read(R24, "index.html");
    assertTrue(html.contains("<dt>Target</dt><dd>etcd 3.4.23</dd>\n"
        + "      <dt>Target ref</dt><dd>release/v0.6.0</dd>"), html);
    JsonNode v = SeedJson.parse(read(R24, "shipgate-verdict.json"));
    assertEquals("etcd", v.get("target_name").asText());
    assertEquals("3.4.23", v.get("target_version").asText());
    assertEquals("release/v0.6.0", v.get("target_ref").asText());
    String index = Files.readString(runs().resolve("index.html"));
    assertTrue(index.contains("<th>Target</th>"), index);
    assertTrue(index.contains("<td class=\"mono\">etcd 3.4.23<div class=\"foot\">ref "
        + "release/v0.6.0</div></td>"), index);
    assertEquals(Fixtures.reference(R24, "campaign-summary.json"),
        read(R24, "campaign-summary.json"), "the seed file does not carry the target");
  }

  @Test
  void shouldShowADashOrTheNameAloneWhenTheTargetIsNotFullyKnown() throws IOException {
    RunArtifactsWriter writer = new RunArtifactsWriter(runs());
    writer.write(Fixtures.r24());
    writer.write(withTarget(Fixtures.r20(), "ai-memory", null));

    assertTrue(read(R24, "index.html").contains("<dt>Target</dt><dd>—</dd>"));
    JsonNode v = SeedJson.parse(read(R24, "shipgate-verdict.json"));
    assertTrue(v.get("target_name").isNull());
    assertTrue(v.get("target_version").isNull());
    assertTrue(read(Fixtures.R20, "index.html").contains("<dt>Target</dt><dd>ai-memory</dd>"));
    assertTrue(SeedJson.parse(read(Fixtures.R20, "shipgate-verdict.json")).get("target_version")
        .isNull());
  }

  @Test
  void shouldEscapeTheTargetInThePages() throws IOException {
    RunArtifactsWriter writer = new RunArtifactsWriter(runs());
    writer.write(withTarget(Fixtures.r24(), "etcd", "3.5<script>alert(1)</script>"));
    writer.writeRunsIndex();

    for (String html : List.of(read(R24, "index.html"),
        Files.readString(runs().resolve("index.html")))) {
      assertFalse(html.contains("<script>"), html);
      assertTrue(html.contains("etcd 3.5&lt;script&gt;alert(1)&lt;/script&gt;"), html);
    }
    assertEquals("3.5<script>alert(1)</script>",
        SeedJson.parse(read(R24, "shipgate-verdict.json")).get("target_version").asText());
  }

  @Test
  void shouldNeverReadARunWithoutCampaignVerdictAsPass() throws IOException {
    RunRecords r = Fixtures.r24();
    new RunArtifactsWriter(runs()).write(new RunRecords(R24, null, r.phases(), r.bounds(),
        r.cycles()));

    JsonNode v = SeedJson.parse(read(R24, "shipgate-verdict.json"));
    assertEquals("INCOMPLETE", v.get("verdict").asText());
    assertFalse(v.get("overall_pass").asBoolean());
    assertFalse(Files.exists(runs().resolve(R24).resolve("campaign-summary.json")));
    assertTrue(read(R24, "index.html").contains("<div class=\"big warn\">"));
  }

  @Test
  void shouldListRunsNewestFirst() throws IOException {
    RunArtifactsWriter writer = new RunArtifactsWriter(runs());
    writer.write(Fixtures.r20());
    writer.write(Fixtures.r24());
    RunRecords running = withVerdict(Fixtures.r24(), Verdict.INCOMPLETE, CampaignState.RUNNING,
        Instant.parse("2026-05-01T10:00:00Z"));
    writer.write(new RunRecords("live-run", rename(running.verdict(), "live-run"), List.of(),
        List.of(), List.of()));
    Files.createDirectories(runs().resolve("soak-v0.6.0-r84"));
    Files.writeString(runs().resolve("soak-v0.6.0-r84/campaign-summary.json"),
        "{\"campaign_id\":\"soak-v0.6.0-r84\",\"ai_memory_git_ref\":\"v0.6.0\","
            + "\"completed_at\":\"2026-05-04T16:50:20Z\",\"overall_pass\":true,\"phases\":[]}\n");
    writer.writeRunsIndex();

    String index = Files.readString(runs().resolve("index.html"));
    List<String> order = new ArrayList<>();
    var m = Pattern.compile("<a href=\"[^\"]*\">([^<]+)</a>").matcher(index);
    while (m.find()) {
      order.add(m.group(1));
    }
    assertEquals(List.of("soak-v0.6.0-r84", "live-run", R24, Fixtures.R20), order);
    String soakRow = index.substring(index.indexOf(">soak-v0.6.0-r84<"));
    soakRow = soakRow.substring(0, soakRow.indexOf("</tr>"));
    assertTrue(soakRow.contains("NOT JUDGED"), soakRow);
    assertFalse(soakRow.contains("badge pass"), soakRow);
  }

  // ---------------------------------------------------------------------------------------------

  private String read(String id, String file) throws IOException {
    return Files.readString(runs().resolve(id).resolve(file));
  }

  private static String section(String html, String id) {
    int start = html.indexOf("<section class=\"card\" id=\"" + id + "\">");
    assertTrue(start >= 0, "no section " + id);
    return html.substring(start, html.indexOf("</section>", start));
  }

  private static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  private static CycleConvergence unobserved(CycleConvergence c) {
    return CycleConvergence.newBuilder(c).setObserved(false).build();
  }

  private static RunRecords withVerdict(RunRecords r, Verdict verdict, CampaignState state,
      Instant updated) {
    CampaignVerdict.Builder v = CampaignVerdict.newBuilder(r.verdict()).setVerdict(verdict)
        .setOverallPass(verdict == Verdict.PASS).setState(state)
        .setCompletedAt(state == CampaignState.RUNNING ? null : r.verdict().getCompletedAt());
    if (updated != null) {
      v.setUpdatedAt(updated);
    }
    return new RunRecords(r.campaignId(), v.build(), r.phases(), r.bounds(), r.cycles());
  }

  private static RunRecords withTarget(RunRecords r, String name, String version) {
    CampaignVerdict v = CampaignVerdict.newBuilder(r.verdict()).setTargetName(name)
        .setTargetVersion(version).build();
    return new RunRecords(r.campaignId(), v, r.phases(), r.bounds(), r.cycles(), r.faults());
  }

  private static CampaignVerdict rename(CampaignVerdict v, String id) {
    return CampaignVerdict.newBuilder(v).setCampaignId(id).build();
  }

  @Test
  void shouldRecordEachFaultClasssEventsWithTheirEvidenceInTheVerdictFile() throws IOException {
    new RunArtifactsWriter(runs()).write(Fixtures.r24WithFaults());

    JsonNode v = SeedJson.parse(read(R24, "shipgate-verdict.json"));
    JsonNode kill = faultClass(v, "kill_primary_mid_write");
    assertEquals(100, kill.get("fault_events").size());
    JsonNode first = kill.get("fault_events").get(0);
    assertEquals(1, first.get("cycle").asInt());
    assertEquals("INJECTED", first.get("action").asText());
    assertEquals("a", first.get("target_node").asText());
    assertEquals("SIGKILL", first.get("mechanism").asText());
    assertEquals("kill -KILL $(cat /run/sg-node-a.pid)", first.get("command").asText());
    assertEquals(0, first.get("exit_status").asInt());
    assertEquals("ps -o stat= -p 5001: Z (zombie after SIGKILL)", first.get("evidence").asText());
    assertTrue(first.get("reason").isNull());
    assertEquals("2026-04-20T16:48:51.137Z", first.get("event_time").asText());
    assertEquals("HEALED", kill.get("fault_events").get(1).get("action").asText());
    JsonNode counts = kill.get("fault_event_counts");
    assertEquals(50, counts.get("injected").asInt());
    assertEquals(50, counts.get("healed").asInt());
    assertEquals(0, counts.get("not_applied").asInt());
    JsonNode partition = faultClass(v, "partition_minority").get("fault_event_counts");
    assertEquals(49, partition.get("healed_with_evidence").asInt());
    JsonNode phase2 = v.get("phases").get(4);
    assertEquals(2, phase2.get("phase").asInt());
    assertEquals("probe1_single_peer_down",
        phase2.get("fault_events").get(0).get("fault").asText());
    assertEquals(2, phase2.get("fault_event_counts").get("injected").asInt());
  }

  @Test
  void shouldShowFaultEvidenceOnThePageEscapedWithItsSummary() throws IOException {
    String id = "evidence-1";
    String longEvidence = "-A OUTPUT -d 127.0.0.12/32 -j DROP ".repeat(5) + "\nsecond line";
    List<FaultEvent> events = List.of(
        Fixtures.fault(id, 4, "drop_random_acks", 1, FaultAction.INJECTED,
            "state <b>T</b> & stopped", null),
        Fixtures.fault(id, 4, "drop_random_acks", 1, FaultAction.HEALED, longEvidence, null));

    new RunArtifactsWriter(runs()).write(new RunRecords(id, null, phase4(id), List.of(),
        List.of(), events));

    String html = read(id, "index.html");
    assertTrue(html.contains("state &lt;b&gt;T&lt;/b&gt; &amp; stopped"), html);
    assertFalse(html.contains("<b>T</b>"));
    assertTrue(html.contains("1 injected with evidence, 1 healed, 0 not applied"), html);
    String shown = PageRenderer.shorten(longEvidence, PageRenderer.EVIDENCE_SHOWN);
    assertEquals(longEvidence.substring(0, PageRenderer.EVIDENCE_SHOWN).stripTrailing() + " …",
        shown);
    assertTrue(html.contains(">" + shown + "</code>"), "shortened evidence shown");
    assertTrue(html.contains("<pre>" + longEvidence.replace("\n", "&#10;") + "</pre>"),
        "full evidence one click away");
    assertTrue(html.contains("<span class=\"badge applied\">INJECTED</span>"), html);
    assertFalse(html.contains("badge pass\">INJECTED"));
  }

  @Test
  void shouldShowNotAppliedFaultsWithTheirReasonAndNeverAsSuccess() throws IOException {
    String id = "skew-1";
    String reason = "etcd ignores libfaketime: measured offset 0 s";
    List<FaultEvent> events = List.of(
        Fixtures.fault(id, 4, "clock_skew_peer", 1, FaultAction.NOT_APPLIED, null, reason),
        Fixtures.fault(id, 4, "clock_skew_peer", 2, FaultAction.NOT_APPLIED, null, reason));

    new RunArtifactsWriter(runs()).write(new RunRecords(id, null, phase4(id), List.of(),
        List.of(), events));

    String html = read(id, "index.html");
    assertTrue(html.contains("<span class=\"badge warn\">NOT APPLIED</span>"), html);
    assertTrue(html.contains("not applied: " + reason), html);
    assertTrue(html.contains("NOT APPLIED in cycles 1, 2: the fault could not be applied, so"
        + " those cycles are not evidence"), html);
    assertTrue(html.contains("0 injected with evidence, 0 healed, 2 not applied"), html);
    assertFalse(html.contains("badge applied\">NOT"));
    assertFalse(html.contains("badge pass\">NOT"));
    JsonNode skew = faultClass(SeedJson.parse(read(id, "shipgate-verdict.json")),
        "clock_skew_peer");
    assertEquals("INCOMPLETE", skew.get("verdict").asText());
    assertEquals("clock_skew_peer: fault not applied: " + reason, skew.get("reason").asText());
    assertEquals(2, skew.get("fault_event_counts").get("not_applied").asInt());
    assertEquals(reason, skew.get("fault_events").get(0).get("reason").asText());
  }

  @Test
  void shouldShowProbeFaultEventsInPhaseTwosSection() throws IOException {
    new RunArtifactsWriter(runs()).write(Fixtures.r24WithFaults());

    String html = read(R24, "index.html");
    String phase2 = html.substring(html.indexOf("id=\"phase-2\""), html.indexOf("id=\"phase-3\""));
    assertTrue(phase2.contains("Probe fault evidence"), phase2);
    assertTrue(phase2.contains("probe2_both_peers_down"), phase2);
    assertTrue(phase2.contains("2 injected with evidence, 2 healed, 0 not applied"), phase2);
    String phase4 = html.substring(html.indexOf("id=\"phase-4\""), html.indexOf("All artifacts"));
    assertFalse(phase4.contains("probe1_single_peer_down"));
    assertTrue(phase4.contains("50 injected with evidence, 50 healed (1 without evidence)"));
    assertTrue(phase4.contains("no evidence recorded"));
  }

  @Test
  void shouldKeepOneFaultEventPerEventId() throws IOException {
    String id = "dup-1";
    FaultEvent e = Fixtures.fault(id, 4, "kill_primary_mid_write", 1, FaultAction.INJECTED,
        "Z", null);

    new RunArtifactsWriter(runs()).write(new RunRecords(id, null, List.of(), List.of(),
        List.of(), List.of(e, e)));

    JsonNode kill = faultClass(SeedJson.parse(read(id, "shipgate-verdict.json")),
        "kill_primary_mid_write");
    assertEquals(1, kill.get("fault_events").size());
  }

  @Test
  void shouldRefuseFaultEventsOfAnotherCampaign() {
    FaultEvent other = Fixtures.fault("other", 4, "kill_primary_mid_write", 1,
        FaultAction.INJECTED, "Z", null);

    assertThrows(IllegalArgumentException.class, () -> new RunArtifactsWriter(runs())
        .write(new RunRecords("mine", null, List.of(), List.of(), List.of(), List.of(other))));
    assertFalse(Files.exists(runs().resolve("mine")));
  }

  /** Phase 4 as Streams publishes it while the campaign runs: no bound yet. */
  private static List<PhaseVerdict> phase4(String id) {
    return List.of(Fixtures.phase(id, 4, null, Verdict.INCOMPLETE, List.of(), null));
  }

  private static JsonNode faultClass(JsonNode verdict, String fault) {
    for (JsonNode f : verdict.get("faults")) {
      if (f.get("fault").asText().equals(fault)) {
        return f;
      }
    }
    throw new AssertionError("no fault class " + fault + " in " + verdict);
  }

  @Test
  void shouldNotRenderARunAgainWhoseRecordsDidNotChange() throws Exception {
    RunArtifactsWriter writer = new RunArtifactsWriter(runs());
    WriteReport first = writer.writeRunIfChanged(Fixtures.r20());
    assertTrue(first.written().contains("index.html"), first.toString());
    java.nio.file.Path page = first.directory().resolve("index.html");
    long written = java.nio.file.Files.getLastModifiedTime(page).toMillis();

    // a restarted sink: a new writer, the same records (phases in another arrival order)
    RunRecords same = Fixtures.r20();
    List<PhaseVerdict> reversed = new java.util.ArrayList<>(same.phases());
    java.util.Collections.reverse(reversed);
    WriteReport again = new RunArtifactsWriter(runs()).writeRunIfChanged(new RunRecords(
        same.campaignId(), same.verdict(), reversed, same.bounds(), same.cycles(),
        same.faults()));
    assertEquals(List.of(), again.written(), "nothing rendered");
    assertEquals(written, java.nio.file.Files.getLastModifiedTime(page).toMillis());

    // a changed record is rendered
    RunRecords changed = new RunRecords(same.campaignId(), same.verdict(), same.phases(),
        same.bounds(), List.of(Fixtures.cycle(same.campaignId(), "partition_minority", 9, 100, 0, 0,
            List.of("100", "100", "100"), 100, Map.of())), same.faults());
    assertFalse(new RunArtifactsWriter(runs()).writeRunIfChanged(changed).written().isEmpty());
  }
}
