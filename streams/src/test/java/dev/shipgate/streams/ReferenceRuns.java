package dev.shipgate.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.EventSource;
import dev.shipgate.events.Thresholds;
import dev.shipgate.schemas.SeedJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * Test-only mirror of the importer's mapping (spec, "Event flow"): turns a reference run directory
 * of the original ship-gate into the events the importer publishes. The real importer lives in
 * module producer; this one exists so the golden cases need no other module.
 */
final class ReferenceRuns {
  private ReferenceRuns() {}

  static final Path ROOT = Path.of(System.getProperty("shipgate.reference", "../testdata/reference-runs"));
  static final Instant CHECK_TIME = Instant.parse("2026-04-20T09:00:00Z");

  static Path dir(String run) {
    return ROOT.resolve(run);
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(Path file) {
    return SeedJson.parse(read(file));
  }

  /** The STARTED event. */
  static CampaignEvent started(String run) {
    JsonNode summary = json(dir(run).resolve("campaign-summary.json"));
    List<String> faults = new ArrayList<>();
    Integer cycles = null;
    Integer writes = null;
    Path phase4 = dir(run).resolve("phase4.json");
    if (Files.exists(phase4)) {
      JsonNode p4 = json(phase4);
      p4.get("convergence_by_fault").fieldNames().forEachRemaining(faults::add);
      cycles = p4.get("cycles_per_fault").intValue();
      writes = p4.get("writes_per_cycle").intValue();
    }
    String extra = extras(summary,
        Set.of("campaign_id", "ai_memory_git_ref", "completed_at", "overall_pass", "phases"));
    return CampaignEvent.newBuilder()
        .setCampaignId(summary.get("campaign_id").asText())
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(CHECK_TIME)
        .setType(dev.shipgate.events.CampaignEventType.STARTED)
        .setSource(EventSource.IMPORTED)
        .setConfig(CampaignConfig.newBuilder()
            .setTargetName("ai-memory")
            .setTargetRef(summary.get("ai_memory_git_ref").asText())
            .setPhasesEnabled(List.of(1, 2, 3, 4))
            .setNodes(List.of("a", "b", "c"))
            .setFaults(faults)
            .setCyclesPerFault(cycles)
            .setWritesPerCycle(writes)
            .setThresholds(Thresholds.newBuilder().build())
            .setExtraJson(extra)
            .build())
        .build();
  }

  /** The FINISHED event, at the summary's completed_at, announcing the run's checks. */
  static CampaignEvent finished(String run) {
    JsonNode summary = json(dir(run).resolve("campaign-summary.json"));
    Map<String, Long> manifest = new java.util.TreeMap<>();
    for (CheckResult c : checks(run)) {
      manifest.merge(c.getPhase() + "/checks", 1L, Long::sum);
    }
    return CampaignEvent.newBuilder(Events.finished(summary.get("campaign_id").asText(),
            Instant.parse(summary.get("completed_at").asText())))
        .setSource(EventSource.IMPORTED)
        .setManifest(manifest)
        .build();
  }

  /** Every check of the run's phase files, in phase order. */
  static List<CheckResult> checks(String run) {
    String campaign = json(dir(run).resolve("campaign-summary.json")).get("campaign_id").asText();
    List<CheckResult> out = new ArrayList<>();
    for (String node : List.of("a", "b", "c")) {
      Path file = dir(run).resolve("phase1-node-" + node + ".json");
      if (Files.exists(file)) {
        JsonNode r = json(file);
        Map<String, Long> m = new HashMap<>();
        putIf(m, "recall_count", r.get("recall_count"));
        putIf(m, "stats_total", r.path("stats").get("total"));
        putIf(m, "snapshot_count", r.get("snapshot_count"));
        putIf(m, "manifest_count", r.get("manifest_count"));
        if (r.path("curator").path("errors").isArray()) {
          m.put("curator_errors", (long) r.path("curator").path("errors").size());
        }
        putIf(m, "mcp_tool_count", r.get("mcp_tool_count"));
        out.add(check(campaign, 1, "phase1.node").setNode(node).setMetrics(m)
            .setDetailsJson(read(file)).build());
      }
    }
    Path p2 = dir(run).resolve("phase2.json");
    if (Files.exists(p2)) {
      JsonNode r = json(p2);
      Map<String, String> values = new HashMap<>();
      String extra = extras(r, Set.of("phase", "pass", "total_writes", "ok", "quorum_not_met",
          "fail", "counts", "probe1_single_peer_down", "probe2_both_peers_down", "reasons"));
      if (extra != null) {
        values.put("extra_json", extra);
      }
      out.add(check(campaign, 2, "phase2.writes").setValues(values).setMetrics(Map.of(
          "total_writes", r.get("total_writes").longValue(), "ok", r.get("ok").longValue(),
          "quorum_not_met", r.get("quorum_not_met").longValue(),
          "fail", r.get("fail").longValue())).build());
      Map<String, Long> counts = new LinkedHashMap<>();
      r.get("counts").fields().forEachRemaining(e -> counts.put(e.getKey(),
          e.getValue().longValue()));
      out.add(check(campaign, 2, "phase2.counts").setMetrics(counts).build());
      out.add(check(campaign, 2, "phase2.probe1")
          .setValues(Map.of("status", r.get("probe1_single_peer_down").asText())).build());
      out.add(check(campaign, 2, "phase2.probe2")
          .setValues(Map.of("status", r.get("probe2_both_peers_down").asText())).build());
    }
    Path p3 = dir(run).resolve("phase3.json");
    if (Files.exists(p3)) {
      JsonNode r = json(p3);
      ObjectNode details = SeedJson.object();
      details.set("report_forward", r.get("report_forward"));
      details.set("report_idempotent", r.get("report_idempotent"));
      details.set("report_reverse", r.get("report_reverse"));
      Map<String, String> values = new HashMap<>();
      String extra = extras(r, Set.of("phase", "pass", "report_forward", "report_idempotent",
          "report_reverse", "src_count", "dst_count", "reasons"));
      if (extra != null) {
        values.put("extra_json", extra);
      }
      out.add(check(campaign, 3, "phase3.migration")
          .setMetrics(Map.of("src_count", r.get("src_count").longValue(),
              "dst_count", r.get("dst_count").longValue()))
          .setValues(values)
          .setDetailsJson(SeedJson.compact(details)).build());
    }
    Path p4 = dir(run).resolve("phase4.json");
    if (Files.exists(p4)) {
      JsonNode r = json(p4);
      String extra = extras(r, Set.of("phase", "pass", "cycles_per_fault", "writes_per_cycle",
          "convergence_by_fault", "reasons"));
      boolean first = true;
      Iterator<Map.Entry<String, JsonNode>> it = r.get("convergence_by_fault").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        Map<String, String> values = new HashMap<>();
        values.put("bound", e.getValue().isBigDecimal()
            ? e.getValue().decimalValue().toPlainString() : e.getValue().asText());
        if (first && extra != null) {
          values.put("extra_json", extra);
        }
        first = false;
        out.add(check(campaign, 4, "phase4.bound").setFault(e.getKey()).setValues(values)
            .setMetrics(Map.of("cycles_per_fault", r.get("cycles_per_fault").longValue(),
                "writes_per_cycle", r.get("writes_per_cycle").longValue()))
            .build());
      }
    }
    return out;
  }

  /** STARTED, every check, FINISHED: what the importer publishes for a run. */
  static List<SpecificRecord> events(String run) {
    List<SpecificRecord> events = new ArrayList<>();
    events.add(started(run));
    events.addAll(checks(run));
    events.add(finished(run));
    return events;
  }

  private static CheckResult.Builder check(String campaign, int phase, String kind) {
    return Events.check(campaign, phase, kind).setEventTime(CHECK_TIME);
  }

  private static void putIf(Map<String, Long> m, String key, JsonNode v) {
    if (v != null && v.isNumber()) {
      m.put(key, v.longValue());
    }
  }

  private static String extras(JsonNode file, Set<String> standard) {
    ObjectNode extra = SeedJson.object();
    file.fields().forEachRemaining(e -> {
      if (!standard.contains(e.getKey())) {
        extra.set(e.getKey(), e.getValue());
      }
    });
    return extra.isEmpty() ? null : SeedJson.compact(extra);
  }
}
