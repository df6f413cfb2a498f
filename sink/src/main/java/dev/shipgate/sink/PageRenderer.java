package dev.shipgate.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import dev.shipgate.events.FaultAction;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.Verdict;
import dev.shipgate.sink.RunModel.FaultEntry;
import dev.shipgate.sink.RunModel.PhaseEntry;
import dev.shipgate.sink.RunModel.Run;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders the run page and the runs index with mustache ({@code {{ }}} only, so every value is
 * HTML-escaped). The pages are self-contained: inline CSS and SVG, no scripts, no external URLs.
 *
 * <p>The check tables show values read from the seed-shaped artifacts; whether a check failed is
 * read from shipgate's reasons (which name the metric), never inferred from thresholds the sink
 * does not receive.
 */
final class PageRenderer {
  private final Mustache runTemplate;
  private final Mustache indexTemplate;

  PageRenderer() {
    DefaultMustacheFactory factory = new DefaultMustacheFactory("dev/shipgate/sink");
    this.runTemplate = factory.compile("run.html.mustache");
    this.indexTemplate = factory.compile("runs-index.html.mustache");
  }

  String renderRun(Run run, Map<String, String> files) {
    StringWriter out = new StringWriter();
    runTemplate.execute(out, runPage(run, files));
    return out.toString();
  }

  String renderIndex(List<RunListing> runs) {
    List<IndexRow> rows = new ArrayList<>();
    for (RunListing r : runs) {
      List<Chip> chips = new ArrayList<>();
      r.phaseVerdicts().forEach((phase, v) -> chips.add(new Chip("P" + phase, badge(v))));
      Badge badge = r.verdict() == null && r.verdictNote() != null
          ? new Badge("NOT JUDGED", "warn") : badge(r.verdict());
      rows.add(new IndexRow(r.campaignId(), r.href(), badge,
          r.verdictNote() == null ? "" : r.verdictNote(), or(r.state(), "—"),
          target(r.targetName(), r.targetVersion()), or(r.targetRef(), "—"),
          or(r.completedAt(), "not completed"),
          or(r.updatedAt(), "—"), chips));
    }
    StringWriter out = new StringWriter();
    indexTemplate.execute(out, new IndexPage(rows, rows.size(), !rows.isEmpty()));
    return out.toString();
  }

  // --- view model ------------------------------------------------------------------------------

  public record Badge(String label, String cls) {}

  public record Chip(String label, Badge badge) {}

  public record IndexRow(String campaignId, String href, Badge badge, String note, String state,
      String target, String targetRef, String completedAt, String updatedAt, List<Chip> chips) {}

  public record IndexPage(List<IndexRow> runs, int count, boolean hasRuns) {}

  public record RunPage(String campaignId, String target, String targetRef, String state,
      String completedAt, String updatedAt, Badge verdict, String verdictMeaning,
      String overallPass, List<String> campaignReasons, boolean hasCampaignReasons,
      List<OverviewRow> overview, List<Section> sections, List<FileLink> files,
      List<Raw> runRaws) {}

  public record OverviewRow(String phaseLabel, String anchor, Badge badge, String why) {}

  public record Section(String anchor, String title, String purpose, Badge badge,
      boolean noEvidence, String noEvidenceText, List<String> phaseReasons, boolean hasPhaseReasons,
      CheckTable checks, Phase4 phase4, FaultEvidence probeEvidence, List<Raw> raws) {}

  public record CheckTable(List<String> columns, List<CheckRow> rows, String footnote) {}

  public record CheckRow(String label, String requirement, List<Cell> cells) {}

  public record Cell(String text, String cls, String mark, boolean isBadge) {}

  public record Phase4(List<FaultRow> faultRows, List<FaultChart> charts, boolean hasFaults) {}

  public record FaultRow(String fault, String source, String cycles, String sumOk, String sumMin,
      String bound, String threshold, String wilson, String lostWrites, String faultEvents,
      String faultEventsCls, String faultEventsTip, Badge badge, String reason) {}

  public record FaultChart(String fault, boolean hasBars, String note, int width, int height,
      List<Bar> bars, List<Tick> ticks, boolean hasThreshold, String thresholdY,
      String thresholdText, String thresholdTextY, String plotLeft, String plotRight,
      String axisY, String lastCycle,
      List<CycleRow> cycleRows, boolean hasCycleRows, String cycleNote, List<LostRow> lostRows,
      boolean hasLost, String lostNote, String fileName, String detailFileName,
      FaultEvidence evidence, VisibilityView.View visibility, String visibilityFile) {}

  /**
   * The fault events of one fault class (or of phase 2's probes): a one-line summary, plain
   * warnings when some of them prove nothing, and a table.
   */
  public record FaultEvidence(String title, String summary, String summaryCls,
      List<String> warnings, boolean hasWarnings, String emptyNote, EvidenceTable unproven,
      EvidenceTable all, String allLabel, boolean open) {}

  public record EvidenceTable(String firstColumn, List<EvidenceRow> rows) {}

  public record EvidenceRow(String first, Badge action, String rowCls, String node,
      String mechanism, String command, String exit, boolean notApplied, String reason,
      boolean hasEvidence, String evidence, String evidenceShort, boolean evidenceLong,
      String evidenceMore, boolean missingEvidence, String time, String timeShort) {}

  public record Bar(String x, String y, String w, String h, String cls, String tip) {}

  public record Tick(String y, String text, String textY) {}

  public record CycleRow(String cycle, String writes, String ok, String qnm, String fail,
      String indeterminate, String counts, String minPeer, String ratio, String lost) {}

  public record LostRow(String cycle, String node, String ids) {}

  /** Bars of a fault class's chart at most (more cycles: a bar per run of cycles). */
  static final int MAX_BARS = 240;
  /** Cycles listed in a class's table at most (more: the ones with the lowest min peer / ok). */
  static final int MAX_CYCLE_ROWS = 100;
  /** Rows of lost ids (cycle x node) at most. */
  static final int MAX_LOST_ROWS = 50;
  /** Fault events listed per class at most; every one is in the events file. */
  static final int MAX_EVENT_ROWS = 100;

  /** The cycle of {@code group} with the lowest min peer / ok (no acknowledged write: highest). */
  private static CycleConvergence worst(List<CycleConvergence> group) {
    return group.stream().min(PageRenderer::byRatio).orElseThrow();
  }

  /** Lowest min peer / ok first; cycles without acknowledged writes last; then by cycle. */
  private static int byRatio(CycleConvergence a, CycleConvergence b) {
    boolean an = a.getOk() == 0 || !a.getObserved();
    boolean bn = b.getOk() == 0 || !b.getObserved();
    if (an != bn) {
      return an ? 1 : -1;
    }
    if (!an) {
      // a.min/a.ok vs b.min/b.ok without rounding
      int c = BigDecimal.valueOf(a.getMinPeer()).multiply(BigDecimal.valueOf(b.getOk()))
          .compareTo(BigDecimal.valueOf(b.getMinPeer()).multiply(BigDecimal.valueOf(a.getOk())));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.getCycle(), b.getCycle());
  }

  /** Lost ids named per cycle and node on the page. */
  static final int LOST_IDS_SHOWN = 20;

  public record FileLink(String name, String size) {}

  public record Raw(String name, String content) {
    /** A file as the page embeds it: whole up to {@link #RAW_EMBEDDED} bytes, else its start. */
    static Raw of(String name, String content) {
      if (content.length() <= RAW_EMBEDDED) {
        return new Raw(name, content);
      }
      int cut = content.lastIndexOf('\n', RAW_EMBEDDED);
      String head = content.substring(0, cut > 0 ? cut + 1 : RAW_EMBEDDED);
      return new Raw(name, head + "… the first " + head.length() + " of "
          + content.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
          + " bytes; the whole file is " + name + "\n");
    }
  }

  /** Characters of a file the page embeds at most (the file itself is linked). */
  static final int RAW_EMBEDDED = 32 * 1024;

  // --- building it -----------------------------------------------------------------------------

  private static final String[] TITLES = {"",
      "Phase 1 — functional (per node)",
      "Phase 2 — multi-agent federation",
      "Phase 3 — cross-backend migration",
      "Phase 4 — chaos campaign"};

  private static final String[] PURPOSES = {"",
      "On every node: a write read back, stats, a backup (snapshot and its manifest) and, where"
          + " the target has them, the curator dry-run and the MCP handshake. Establishes that the"
          + " store starts and works on one node before replication is exercised.",
      "Concurrent agents write through the cluster with a write quorum, then, after a settle,"
          + " every node's count is checked; plus two quorum probes (one peer down must answer"
          + " 201, both peers down must answer 503). Catches silent data loss and quorum"
          + " misclassification.",
      "Round trip of the data set (ai-memory: between backends; etcd: a snapshot restored into"
          + " a fresh member): forward, idempotent re-run, reverse. Asserts zero errors and"
          + " matching counts. Catches migration regressions on a production upgrade path.",
      "Cycles of writes per fault class while a fault is injected and healed. Convergence bound"
          + " per class = floor(1000 × Σ min(count_node1, count_node2) / Σ ok) / 1000, judged"
          + " against the threshold; shipgate adds a 95 % Wilson lower bound (too few"
          + " acknowledged writes to show the threshold is INCONCLUSIVE) and lost write ids."};

  private static final String NO_EVIDENCE = "This phase is enabled but produced no evidence in"
      + " this campaign: no artifact and no checks reached shipgate. It counts as NOT RUN, which"
      + " is not a pass — the campaign cannot pass without it.";

  private static final String DEFAULTS_NOTE = "Requirements are shown with the seed's default"
      + " thresholds; pass and fail marks come from shipgate's reasons, judged with the"
      + " campaign's own thresholds.";

  private RunPage runPage(Run run, Map<String, String> files) {
    List<OverviewRow> overview = new ArrayList<>();
    for (PhaseEntry p : run.phases) {
      overview.add(new OverviewRow(p.node == null ? "Phase " + p.phase
          : "Phase " + p.phase + " · node " + p.node, "phase-" + p.phase, badge(p.verdict),
          p.reasons.isEmpty() ? (p.verdict == Verdict.PASS ? "all checks hold" : "—")
              : String.join("; ", p.reasons)));
    }
    List<Section> sections = new ArrayList<>();
    for (int phase : new TreeSet<>(run.phases.stream().map(p -> p.phase).toList())) {
      if (phase >= 1 && phase <= 4) {
        sections.add(section(run, phase, files));
      }
    }
    List<FileLink> links = new ArrayList<>();
    List<Raw> runRaws = new ArrayList<>();
    for (Map.Entry<String, String> f : files.entrySet()) {
      if (f.getKey().equals(RunArtifactsWriter.PAGE_FILE)) {
        continue;
      }
      links.add(new FileLink(f.getKey(), size(f.getValue())));
      if (!f.getKey().startsWith("phase")) {
        runRaws.add(Raw.of(f.getKey(), f.getValue()));
      }
    }
    return new RunPage(run.campaignId, target(run.targetName, run.targetVersion),
        or(run.targetRef, "—"), or(run.state, "no verdict yet"),
        or(run.completedAt, "not completed"), or(run.updatedAt, "—"), badge(run.verdict),
        meaning(run.verdict), String.valueOf(run.verdict == Verdict.PASS),
        run.reasons, !run.reasons.isEmpty(), overview, sections, links, runRaws);
  }

  private Section section(Run run, int phase, Map<String, String> files) {
    List<PhaseEntry> entries = run.phases.stream().filter(p -> p.phase == phase).toList();
    PhaseEntry aggregate = entries.stream().filter(p -> p.node == null).findFirst().orElse(null);
    Verdict verdict = aggregate != null ? aggregate.verdict
        : Verdicts.worst(entries.stream().map(p -> p.verdict).toList());
    List<String> reasons = new ArrayList<>();
    entries.forEach(p -> p.reasons.stream().filter(r -> !reasons.contains(r))
        .forEach(reasons::add));
    boolean evidence = entries.stream().anyMatch(p -> p.details() != null)
        || (phase == 4 && !run.faults.isEmpty());
    List<Raw> raws = new ArrayList<>();
    for (PhaseEntry p : entries) {
      if (p.file != null && files.containsKey(p.file)) {
        raws.add(Raw.of(p.file, files.get(p.file)));
      }
    }
    CheckTable checks = null;
    Phase4 phase4 = null;
    FaultEvidence probeEvidence = phase == 2 ? probeEvidence(run.probeEvents) : null;
    if (evidence) {
      switch (phase) {
        case 1 -> checks = phase1Checks(entries);
        case 2 -> checks = phase2Checks(entries.get(0));
        case 3 -> checks = phase3Checks(entries.get(0));
        default -> phase4 = phase4(run, files);
      }
    }
    return new Section("phase-" + phase, TITLES[phase], PURPOSES[phase], badge(verdict),
        !evidence, evidence ? "" : NO_EVIDENCE, reasons, !reasons.isEmpty(), checks, phase4,
        probeEvidence, raws);
  }

  private static CheckTable phase1Checks(List<PhaseEntry> entries) {
    List<PhaseEntry> nodes = entries.stream().filter(p -> p.node != null).toList();
    List<String> columns = nodes.stream().map(p -> "node " + p.node).toList();
    List<CheckRow> rows = new ArrayList<>();
    rows.add(infoRow("host", nodes, d -> d.path("host")));
    rows.add(infoRow("version", nodes, d -> d.path("version")));
    rows.add(checkRow("store + recall", "≥ 1", nodes, "recall_count",
        d -> d.path("recall_count")));
    // the seed's ai-memory artifacts nest it (stats.total); other targets report stats_total
    rows.add(checkRow("stats total", "≥ 1", nodes, "stats_total", d -> d.path("stats").has("total")
        ? d.path("stats").path("total") : d.path("stats_total")));
    rows.add(checkRow("snapshot after backup", "≥ 1", nodes, "snapshot_count",
        d -> d.path("snapshot_count")));
    rows.add(checkRow("manifest after backup", "≥ 1", nodes, "manifest_count",
        d -> d.path("manifest_count")));
    rows.add(checkRow("curator errors", "≤ 1", nodes, "curator_errors",
        d -> d.path("curator").path("errors").isArray()
            ? number(d.path("curator").path("errors").size()) : d.path("curator_errors")));
    rows.add(checkRow("MCP tools", "≥ 30", nodes, "mcp_tool_count", d -> d.path("mcp_tool_count")));
    List<Cell> verdicts = nodes.stream()
        .map(p -> new Cell(Verdicts.label(p.verdict), Verdicts.cssClass(p.verdict), "", true))
        .toList();
    rows.add(new CheckRow("node verdict", "all hold", verdicts));
    return new CheckTable(columns, rows, DEFAULTS_NOTE);
  }

  private static CheckTable phase2Checks(PhaseEntry p) {
    JsonNode d = p.details();
    if (d == null) {
      return null;
    }
    List<PhaseEntry> one = List.of(p);
    List<CheckRow> rows = new ArrayList<>();
    rows.add(new CheckRow("writes", "tally", List.of(info(String.format(Locale.ROOT,
        "%s total · %s ok · %s quorum not met · %s fail", d.path("total_writes").asText("?"),
        d.path("ok").asText("?"), d.path("quorum_not_met").asText("?"),
        d.path("fail").asText("?"))))));
    d.path("counts").fieldNames().forEachRemaining(node -> rows.add(checkRow(
        "count on node " + node, "≥ 95 % of ok", one,
        "node-" + node.toUpperCase(Locale.ROOT) + " count",
        x -> x.path("counts").path(node))));
    rows.add(checkRow("probe 1 (one peer down)", "201", one, "probe1",
        x -> x.path("probe1_single_peer_down")));
    rows.add(checkRow("probe 2 (both peers down)", "503", one, "probe2",
        x -> x.path("probe2_both_peers_down")));
    return new CheckTable(List.of("observed"), rows, DEFAULTS_NOTE);
  }

  private static CheckTable phase3Checks(PhaseEntry p) {
    JsonNode d = p.details();
    if (d == null) {
      return null;
    }
    List<PhaseEntry> one = List.of(p);
    List<CheckRow> rows = new ArrayList<>();
    rows.add(checkRow("forward: memories read", "= 1000", one, "forward memories_read",
        x -> x.path("report_forward").path("memories_read")));
    rows.add(checkRow("forward: memories written", "= 1000", one, "forward memories_written",
        x -> x.path("report_forward").path("memories_written")));
    rows.add(checkRow("forward: errors", "0", one, "forward errors",
        x -> errorCount(x.path("report_forward"))));
    rows.add(checkRow("idempotent re-run: written", "= 1000", one, "idempotent memories_written",
        x -> x.path("report_idempotent").path("memories_written")));
    rows.add(checkRow("idempotent re-run: errors", "0", one, "idempotent errors",
        x -> errorCount(x.path("report_idempotent"))));
    rows.add(checkRow("reverse: read / written", "reported", one, "reverse",
        x -> text(x.path("report_reverse").path("memories_read").asText("?") + " / "
            + x.path("report_reverse").path("memories_written").asText("?"))));
    rows.add(checkRow("source / destination count", "equal", one, "src_count",
        x -> text(x.path("src_count").asText("?") + " / " + x.path("dst_count").asText("?"))));
    return new CheckTable(List.of("observed"), rows, DEFAULTS_NOTE);
  }

  private static JsonNode errorCount(JsonNode report) {
    JsonNode errors = report.path("errors");
    return errors.isArray() ? number(errors.size()) : errors;
  }

  private static CheckRow infoRow(String label, List<PhaseEntry> nodes,
      java.util.function.Function<JsonNode, JsonNode> value) {
    List<Cell> cells = new ArrayList<>();
    for (PhaseEntry p : nodes) {
      JsonNode d = p.details();
      JsonNode v = d == null ? null : value.apply(d);
      cells.add(info(v == null || v.isMissingNode() || v.isNull() ? "—" : v.asText()));
    }
    return new CheckRow(label, "", cells);
  }

  /**
   * A check cell per entry: ✗ when one of the entry's reasons names {@code token}, "n/a" when the
   * entry declares the metric not applicable to its target ({@code not_applicable}, e.g. etcd has
   * no curator), ? when the value is missing or the entry has no artifact, ✓ otherwise.
   */
  private static CheckRow checkRow(String label, String requirement, List<PhaseEntry> entries,
      String token, java.util.function.Function<JsonNode, JsonNode> value) {
    List<Cell> cells = new ArrayList<>();
    for (PhaseEntry p : entries) {
      JsonNode d = p.details();
      JsonNode v = d == null ? null : value.apply(d);
      boolean missing = v == null || v.isMissingNode() || v.isNull();
      boolean named = p.reasons.stream().anyMatch(r -> r.contains(token));
      if (missing && d != null && notApplicable(d, token)) {
        cells.add(new Cell("n/a: the target has no such metric (rule skipped, not passed)", "info",
            "", false));
        continue;
      }
      String text = missing ? "missing" : v.asText();
      if (named && !missing) {
        cells.add(new Cell(text, "fail", "✗", false));
      } else if (missing) {
        cells.add(new Cell(text, "warn", "?", false));
      } else {
        cells.add(new Cell(text, "pass", "✓", false));
      }
    }
    return new CheckRow(label, requirement, cells);
  }

  private static boolean notApplicable(JsonNode details, String metric) {
    for (JsonNode n : details.path("not_applicable")) {
      if (metric.equals(n.asText())) {
        return true;
      }
    }
    return false;
  }

  private static Cell info(String text) {
    return new Cell(text, "info", "", false);
  }

  private static JsonNode number(int n) {
    return dev.shipgate.schemas.SeedJson.MAPPER.getNodeFactory().numberNode(n);
  }

  private static JsonNode text(String s) {
    return dev.shipgate.schemas.SeedJson.MAPPER.getNodeFactory().textNode(s);
  }

  private Phase4 phase4(Run run, Map<String, String> files) {
    List<FaultRow> rows = new ArrayList<>();
    List<FaultChart> charts = new ArrayList<>();
    for (FaultEntry f : run.faults) {
      FaultBound b = f.bound;
      rows.add(new FaultRow(f.fault,
          b == null ? "—" : b.getSource().name().toLowerCase(Locale.ROOT),
          b == null ? String.valueOf(f.cycles.size()) : String.valueOf(b.getCycles()),
          b == null || b.getSumOk() == null ? "—" : String.valueOf(b.getSumOk()),
          b == null || b.getSumMinPeer() == null ? "—" : String.valueOf(b.getSumMinPeer()),
          b == null ? "—" : b.getBound(), b == null ? "—" : b.getThreshold(),
          b == null || b.getWilsonLower() == null ? "—"
              : String.format(Locale.ROOT, "%.4f", b.getWilsonLower()),
          b == null ? "—" : b.getLostWrites() == null ? "unknown" : String.valueOf(b.getLostWrites()),
          eventsCell(f.events), eventsCls(f.events),
          FaultEvents.Counts.of(f.events).summary(), badge(f.verdict),
          or(f.reason, "")));
      charts.add(chart(f, files));
    }
    return new Phase4(rows, charts, !rows.isEmpty());
  }

  private static final int W = 760;
  private static final int H = 150;
  private static final int LEFT = 44;
  private static final int RIGHT = 8;
  private static final int TOP = 18;
  private static final int BOTTOM = 22;

  private static FaultChart chart(FaultEntry f, Map<String, String> files) {
    List<CycleConvergence> observed = f.cycles.stream().filter(CycleConvergence::getObserved)
        .toList();
    BigDecimal threshold = null;
    if (f.bound != null) {
      try {
        threshold = new BigDecimal(f.bound.getThreshold());
      } catch (NumberFormatException e) {
        threshold = null;
      }
    }
    double max = 1.0;
    for (CycleConvergence c : observed) {
      if (c.getOk() > 0) {
        max = Math.max(max, (double) c.getMinPeer() / c.getOk());
      }
    }
    double plotH = H - TOP - BOTTOM;
    double plotW = W - LEFT - RIGHT;
    List<Bar> bars = new ArrayList<>();
    // at most MAX_BARS bars: beyond that each bar is a run of consecutive cycles, drawn as the
    // worst of them, so a page's size does not grow with the number of cycles
    int per = Math.max(1, (observed.size() + MAX_BARS - 1) / MAX_BARS);
    int n = (observed.size() + per - 1) / per;
    double slot = n == 0 ? 0 : plotW / n;
    double gap = slot > 6 ? Math.min(3, slot * 0.2) : 0.5;
    for (int i = 0; i < n; i++) {
      List<CycleConvergence> group = observed.subList(i * per,
          Math.min(observed.size(), (i + 1) * per));
      CycleConvergence c = worst(group);
      double x = LEFT + i * slot + gap / 2;
      String tip;
      String cls;
      double ratio;
      String unreadable = unreadablePeers(c);
      String which = group.size() == 1 ? "cycle " + c.getCycle()
          : "cycles " + group.get(0).getCycle() + "-" + group.get(group.size() - 1).getCycle()
              + ", lowest cycle " + c.getCycle();
      if (c.getOk() == 0) {
        ratio = max;
        cls = "none";
        tip = which + ": no acknowledged writes (adds nothing to the bound)";
      } else if (!unreadable.isEmpty() && c.getMinPeer() == 0) {
        ratio = max;
        cls = "err";
        tip = which + ": " + unreadable + " (counted as 0)";
      } else {
        ratio = (double) c.getMinPeer() / c.getOk();
        boolean below = threshold != null
            && BigDecimal.valueOf(c.getMinPeer()).compareTo(
                threshold.multiply(BigDecimal.valueOf(c.getOk()))) < 0;
        cls = threshold == null ? "info" : below ? "fail" : "pass";
        tip = String.format(Locale.ROOT, "%s: min peer %d / ok %d = %.3f", which,
            c.getMinPeer(), c.getOk(), ratio);
      }
      double h = Math.max(ratio / max * plotH, ratio > 0 ? 1 : 0);
      bars.add(new Bar(fmt(x), fmt(TOP + plotH - h), fmt(Math.max(slot - gap, 0.5)), fmt(h), cls,
          tip));
    }
    List<Tick> ticks = new ArrayList<>();
    for (double t : new double[] {0, 0.5, 1.0}) {
      double y = TOP + plotH - t / max * plotH;
      ticks.add(new Tick(fmt(y), String.format(Locale.ROOT, "%.1f", t), fmt(y + 4)));
    }
    if (max > 1.0) {
      ticks.add(new Tick(fmt(TOP), String.format(Locale.ROOT, "%.2f", max), fmt(TOP + 4)));
    }
    String thresholdY = threshold == null ? "0"
        : fmt(TOP + plotH - threshold.doubleValue() / max * plotH);
    List<CycleRow> cycleRows = new ArrayList<>();
    List<LostRow> lostRows = new ArrayList<>();
    List<CycleConvergence> listed = f.cycles.size() <= MAX_CYCLE_ROWS ? f.cycles
        : f.cycles.stream().sorted(PageRenderer::byRatio).limit(MAX_CYCLE_ROWS)
            .sorted(java.util.Comparator.comparingInt(CycleConvergence::getCycle)).toList();
    for (CycleConvergence c : listed) {
      int lost = c.getLostIds().values().stream().mapToInt(List::size).sum();
      cycleRows.add(new CycleRow(String.valueOf(c.getCycle()), String.valueOf(c.getWrites()),
          String.valueOf(c.getOk()), String.valueOf(c.getQuorumNotMet()),
          String.valueOf(c.getFail()), String.valueOf(c.getIndeterminate()),
          c.getObserved() ? String.join(" · ", c.getNodeCounts()) : "not observed yet",
          String.valueOf(c.getMinPeer()),
          c.getOk() == 0 ? "—" : String.format(Locale.ROOT, "%.3f",
              (double) c.getMinPeer() / c.getOk()),
          String.valueOf(lost)));
    }
    String detail = f.detailFile != null && files.containsKey(f.detailFile) ? f.detailFile
        : RunArtifactsWriter.VERDICT_FILE;
    int lostCycles = 0;
    for (CycleConvergence c : f.cycles) {
      boolean any = c.getLostIds().values().stream().anyMatch(ids -> !ids.isEmpty());
      if (!any) {
        continue;
      }
      lostCycles++;
      if (lostRows.size() >= MAX_LOST_ROWS) {
        continue;
      }
      new TreeMap<>(c.getLostIds()).forEach((node, ids) -> {
        if (!ids.isEmpty() && lostRows.size() < MAX_LOST_ROWS) {
          // the page names the first ones; the per-cycle detail file has them all
          String shown = String.join(", ", ids.subList(0, Math.min(LOST_IDS_SHOWN, ids.size())))
              + (ids.size() > LOST_IDS_SHOWN ? ", ... and " + (ids.size() - LOST_IDS_SHOWN)
                  + " more (all in " + detail + ")" : "");
          lostRows.add(new LostRow(String.valueOf(c.getCycle()), node, shown));
        }
      });
    }
    String cycleNote = f.cycles.size() <= MAX_CYCLE_ROWS ? ""
        : f.cycles.size() + " cycles: the " + MAX_CYCLE_ROWS + " with the lowest min peer / ok"
            + " are listed; every cycle is in " + detail + ".";
    String lostNote = lostRows.size() < MAX_LOST_ROWS ? ""
        : lostCycles + " cycles lost acknowledged writes; the first " + MAX_LOST_ROWS
            + " rows are listed, every lost id is in " + detail + ".";
    String note;
    if (f.bound != null && f.bound.getSource().name().equals("IMPORTED")) {
      note = "Imported bound recorded by the original gate: no per-cycle data behind it, so no"
          + " Wilson lower bound and no chart.";
    } else if (observed.isEmpty()) {
      note = f.cycles.isEmpty() ? "No cycles of this fault class reached shipgate."
          : "No cycle of this fault class has a final observation yet.";
    } else {
      note = "Per cycle: min(count_node1, count_node2) / ok. Bars below the dashed threshold"
          + " line are red; amber marks a cycle whose peer count was unreadable (ERR, counted"
          + " as 0); hover a bar for its numbers.";
    }
    String fileName = f.file != null && files.containsKey(f.file) ? f.file : "";
    return new FaultChart(f.fault, !bars.isEmpty(), note, W, H, bars, ticks, threshold != null,
        thresholdY, threshold == null ? "" : "threshold " + threshold.toPlainString(),
        threshold == null ? "0" : fmt(Double.parseDouble(thresholdY) - 4),
        String.valueOf(LEFT), String.valueOf(W - RIGHT), fmt(TOP + plotH),
        observed.isEmpty() ? "" : "cycle " + observed.get(observed.size() - 1).getCycle(),
        cycleRows,
        !cycleRows.isEmpty(), cycleNote, lostRows, !lostRows.isEmpty(), lostNote, fileName,
        f.detailFile != null && files.containsKey(f.detailFile) ? f.detailFile : "",
        classEvidence(f), f.visibility == null ? null : VisibilityView.of(f.visibility, f.cycles),
        files.containsKey(RunArtifactsWriter.VISIBILITY_FILE) ? RunArtifactsWriter.VISIBILITY_FILE
            : "");
  }

  // --- fault evidence --------------------------------------------------------------------------

  /** Evidence longer than this (or on several lines) is shortened, the full text one click away. */
  static final int EVIDENCE_SHOWN = 96;
  /**
   * Up to this many events are listed in one open table; more are collapsed, with the ones that
   * prove nothing (NOT_APPLIED, no evidence) repeated in an open table above.
   */
  private static final int OPEN_ROWS = 24;

  /** "50 injected · 50 healed" (injected with evidence) + " · 3 not applied", or "none". */
  private static String eventsCell(List<FaultEvent> events) {
    if (events.isEmpty()) {
      return "none";
    }
    FaultEvents.Counts c = FaultEvents.Counts.of(events);
    return c.injectedProven() + " injected · " + c.healed() + " healed"
        + (c.notApplied() > 0 ? " · " + c.notApplied() + " not applied" : "");
  }

  private static String eventsCls(List<FaultEvent> events) {
    return events.isEmpty() || FaultEvents.Counts.of(events).hasUnproven() ? "warn" : "";
  }

  private static FaultEvidence classEvidence(FaultEntry f) {
    List<String> warnings = new ArrayList<>();
    List<FaultEvent> notApplied = f.events.stream()
        .filter(e -> e.getAction() == FaultAction.NOT_APPLIED).toList();
    if (!notApplied.isEmpty()) {
      warnings.add("NOT APPLIED in " + cycles(notApplied) + ": the fault could not be applied,"
          + " so those cycles are not evidence that the system tolerates it — "
          + reasons(notApplied) + ".");
    }
    List<FaultEvent> bare = f.events.stream()
        .filter(e -> e.getAction() != FaultAction.NOT_APPLIED && !FaultEvents.hasEvidence(e))
        .toList();
    if (!bare.isEmpty()) {
      warnings.add(bare.size() + " INJECTED/HEALED event(s) in " + cycles(bare)
          + " carry no evidence: nothing proves those actions took effect.");
    }
    Set<Integer> withEvent = new LinkedHashSet<>();
    f.events.stream().filter(e -> e.getAction() != FaultAction.HEALED && e.getCycle() != null)
        .forEach(e -> withEvent.add(e.getCycle()));
    List<String> silent = f.cycles.stream().filter(CycleConvergence::getObserved)
        .map(CycleConvergence::getCycle).filter(c -> !withEvent.contains(c))
        .map(String::valueOf).toList();
    if (!f.events.isEmpty() && !silent.isEmpty()) {
      warnings.add("No INJECTED or NOT_APPLIED event for cycle(s) " + String.join(", ", silent)
          + ": nothing shows a fault was active during them.");
    }
    String empty = "";
    if (f.events.isEmpty()) {
      empty = f.bound != null && f.bound.getSource().name().equals("IMPORTED")
          ? "The original gate recorded no fault events for this class: nothing here proves the"
              + " fault took effect."
          : "No fault events for this class reached shipgate: nothing here proves the fault"
              + " took effect.";
    }
    return evidence("Fault evidence", "Cycle", f.events, warnings, empty, f.eventsFile);
  }

  private static FaultEvidence probeEvidence(List<FaultEvent> events) {
    List<String> warnings = new ArrayList<>();
    List<FaultEvent> notApplied = events.stream()
        .filter(e -> e.getAction() == FaultAction.NOT_APPLIED).toList();
    if (!notApplied.isEmpty()) {
      Set<String> probes = new LinkedHashSet<>();
      notApplied.forEach(e -> probes.add(e.getFault()));
      warnings.add("NOT APPLIED: " + String.join(", ", probes) + " — the peers were not taken"
          + " down, so that probe's answer is not evidence of quorum behaviour — "
          + reasons(notApplied) + ".");
    }
    long bare = events.stream()
        .filter(e -> e.getAction() != FaultAction.NOT_APPLIED && !FaultEvents.hasEvidence(e))
        .count();
    if (bare > 0) {
      warnings.add(bare + " INJECTED/HEALED event(s) carry no evidence: nothing proves those"
          + " actions took effect.");
    }
    return evidence("Probe fault evidence", "Probe", events, warnings, events.isEmpty()
        ? "No probe fault events reached shipgate: nothing here proves the peers were down"
            + " during the probes."
        : "", RunArtifactsWriter.VERDICT_FILE);
  }

  private static FaultEvidence evidence(String title, String firstColumn, List<FaultEvent> events,
      List<String> warnings, String emptyNote, String allFile) {
    List<EvidenceRow> rows = new ArrayList<>();
    List<EvidenceRow> unproven = new ArrayList<>();
    for (FaultEvent e : events) {
      boolean na = e.getAction() == FaultAction.NOT_APPLIED;
      boolean proven = FaultEvents.hasEvidence(e);
      String first = firstColumn.equals("Cycle")
          ? (e.getCycle() == null ? "—" : String.valueOf(e.getCycle())) : e.getFault();
      Badge action = na ? new Badge("NOT APPLIED", "warn")
          : new Badge(e.getAction().name(), proven ? "applied" : "warn");
      String ev = or(e.getEvidence(), "");
      String shown = shorten(ev, EVIDENCE_SHOWN);
      long lines = ev.lines().count();
      String time = e.getEventTime() == null ? "" : e.getEventTime().toString();
      int t = time.indexOf('T');
      EvidenceRow row = new EvidenceRow(first, action, na || !proven ? "unproven" : "",
          e.getTargetNode(), e.getMechanism(), or(e.getCommand(), "—"),
          e.getExitStatus() == null ? "—" : String.valueOf(e.getExitStatus()), na,
          or(e.getReason(), "no reason given"), proven, ev, shown, !ev.equals(shown),
          lines > 1 ? lines + " lines" : "full text", !na && !proven, time,
          t >= 0 ? timeOfDay(time.substring(t + 1)) : time);
      if (rows.size() < MAX_EVENT_ROWS) {
        rows.add(row);
      }
      if ((na || !proven) && unproven.size() < MAX_EVENT_ROWS) {
        unproven.add(row);
      }
    }
    String more = events.size() <= MAX_EVENT_ROWS ? ""
        : "; the first " + MAX_EVENT_ROWS + " are listed, every one is in " + allFile;
    FaultEvents.Counts counts = FaultEvents.Counts.of(events);
    boolean open = events.size() <= OPEN_ROWS;
    return new FaultEvidence(title, events.isEmpty() ? "no fault events" : counts.summary(),
        counts.hasUnproven() || events.isEmpty() ? "warn" : "applied", warnings,
        !warnings.isEmpty(), emptyNote,
        open || unproven.isEmpty() ? null : new EvidenceTable(firstColumn, unproven),
        rows.isEmpty() ? null : new EvidenceTable(firstColumn, rows),
        open ? rows.size() + " fault event(s): what was done on which node, and what was read"
            + " back to prove it"
            : "All " + events.size() + " fault events: what was done on which node, and what was"
                + " read back to prove it" + more,
        open);
  }

  /** The first line of {@code text}, cut to {@code max} characters, with "…" when shortened. */
  static String shorten(String text, int max) {
    int nl = text.indexOf('\n');
    String line = nl >= 0 ? text.substring(0, nl) : text;
    if (line.length() > max) {
      line = line.substring(0, max);
    }
    return line.length() < text.length() ? line.stripTrailing() + " …" : line;
  }

  /** "16:48:11Z" from "16:48:11.137Z": the page shows seconds, the title the full time. */
  private static String timeOfDay(String time) {
    int dot = time.indexOf('.');
    return dot >= 0 && time.endsWith("Z") ? time.substring(0, dot) + "Z" : time;
  }

  /** "cycles 3, 4" (or "no cycle" when the events name none). */
  private static String cycles(List<FaultEvent> events) {
    Set<String> cycles = new LinkedHashSet<>();
    events.stream().filter(e -> e.getCycle() != null).forEach(e -> cycles.add(
        String.valueOf(e.getCycle())));
    if (cycles.isEmpty()) {
      return "events without a cycle";
    }
    return (cycles.size() == 1 ? "cycle " : "cycles ") + String.join(", ", cycles);
  }

  /** "reason: libfaketime ignored by etcd" (distinct reasons, in order). */
  private static String reasons(List<FaultEvent> events) {
    Set<String> reasons = new LinkedHashSet<>();
    events.forEach(e -> reasons.add(or(e.getReason(), "no reason given")));
    return (reasons.size() == 1 ? "reason: " : "reasons: ") + String.join("; ", reasons);
  }

  /** "count_node1 ERR" for peer counts (nodes 1 and 2) that are not numbers, else "". */
  private static String unreadablePeers(CycleConvergence c) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= 2 && i < c.getNodeCounts().size(); i++) {
      String count = c.getNodeCounts().get(i);
      if (!count.matches("[0-9]+")) {
        out.add("count_node" + i + " " + (count.isEmpty() ? "missing" : count));
      }
    }
    return String.join(", ", out);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static Badge badge(Verdict v) {
    return new Badge(Verdicts.label(v), Verdicts.cssClass(v));
  }

  private static String meaning(Verdict v) {
    return switch (v) {
      case PASS -> "Every enabled phase passed.";
      case FAIL -> "At least one phase failed.";
      case NOT_RUN -> "An enabled phase has no evidence. Not a pass.";
      case INCOMPLETE -> "Evidence was cut short or is still missing. Not a pass.";
      case INCONCLUSIVE -> "Evidence too thin to show the threshold. Not a pass.";
      case PENDING -> "Not final yet: evidence the campaign announced is still to come. Not a pass.";
    };
  }

  private static String size(String content) {
    int bytes = content.getBytes(StandardCharsets.UTF_8).length;
    return bytes < 1024 ? bytes + " B" : String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
  }

  /** The system under test as one line, e.g. {@code etcd 3.4.23}; "—" when nothing is known. */
  static String target(String name, String version) {
    if (name == null && version == null) {
      return "—";
    }
    return name == null ? version : version == null ? name : name + " " + version;
  }

  private static String or(String value, String fallback) {
    return value == null ? fallback : value;
  }
}
