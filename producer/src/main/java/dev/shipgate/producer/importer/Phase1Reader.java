package dev.shipgate.producer.importer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.events.CheckResult;
import dev.shipgate.producer.importer.ImportTree.Entry;
import dev.shipgate.producer.importer.LocatedJson.Located;
import dev.shipgate.schemas.SeedJson;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Phase 1 of a run: one {@code phase1.node} CheckResult per node, from its
 * {@code phase1-node-<x>.json} or, failing that, from the summary's phase 1 entry naming the node
 * in its {@code host} ({@code ...-node-x}); the whole object is kept as details.
 */
final class Phase1Reader {
  private Phase1Reader() {}

  private static final Pattern FILE = Pattern.compile("phase1-node-(.+)\\.json");
  private static final Pattern HOST_NODE = Pattern.compile("-node-([A-Za-z0-9]+)$");

  /** Node → where its phase 1 report comes from; a node's own file wins over the summary. */
  static TreeMap<String, PhaseSource> sources(RunImport run, List<Entry> files,
      Map<Integer, List<PhaseSource>> fromSummary) {
    TreeMap<String, PhaseSource> sources = new TreeMap<>();
    for (Entry file : files) {
      Matcher m = FILE.matcher(file.name());
      if (m.matches()) {
        Located obj = run.readObject(file);
        if (obj != null) {
          sources.put(m.group(1), new PhaseSource(obj, run.display(file), file.name(), "", ""));
        }
      }
    }
    List<PhaseSource> entries = fromSummary.getOrDefault(1, List.of());
    for (int k = 0; k < entries.size(); k++) {
      PhaseSource entry = entries.get(k);
      JsonNode host = entry.obj().node().get("host");
      Matcher m = HOST_NODE.matcher(host != null && host.isTextual() ? host.asText() : "");
      String node;
      if (m.find()) {
        node = m.group(1);
      } else {
        node = k < 26 ? String.valueOf((char) ('a' + k)) : "node" + k;
        run.report().addNote(entry.display() + ":" + entry.obj().line() + ": "
            + entry.fieldPrefix() + "host " + Values.describe(host)
            + " names no node (-node-x); taken as node " + node + " by position");
      }
      sources.putIfAbsent(node, entry);
    }
    return sources;
  }

  static void read(RunImport run, String node, PhaseSource src) {
    run.checkPhaseNumber(src, 1);
    Located obj = src.obj();
    CheckResult.Builder check = run.check(1, "phase1.node", src).setNode(node);
    Map<String, Long> metrics = check.getMetrics();
    RunImport.putIfPresent(metrics, "recall_count", run.integerField(src, obj, "recall_count"));
    Located stats = obj.child("stats");
    if (stats.node() != null && stats.node().isObject()) {
      RunImport.putIfPresent(metrics, "stats_total",
          run.integerField(src, stats, "total", "stats.total"));
    }
    RunImport.putIfPresent(metrics, "snapshot_count",
        run.integerField(src, obj, "snapshot_count"));
    RunImport.putIfPresent(metrics, "manifest_count",
        run.integerField(src, obj, "manifest_count"));
    Located curator = obj.child("curator");
    if (curator.node() != null && curator.node().isObject()) {
      Located errors = curator.child("errors");
      if (errors.node() != null && errors.node().isArray()) {
        metrics.put("curator_errors", (long) errors.node().size());
      } else if (errors.node() != null && !errors.node().isNull()) {
        run.fieldError(src, errors, "curator.errors", "expected an array");
      }
    }
    RunImport.putIfPresent(metrics, "mcp_tool_count",
        run.integerField(src, obj, "mcp_tool_count"));
    check.setDetailsJson(SeedJson.compact(obj.node()));
    run.add(check.build());
  }
}
