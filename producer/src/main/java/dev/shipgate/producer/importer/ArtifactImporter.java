package dev.shipgate.producer.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.EventSource;
import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.events.Thresholds;
import dev.shipgate.producer.importer.CycleLine.Count;
import dev.shipgate.producer.importer.LocatedJson.Located;
import dev.shipgate.producer.publish.EventPublisher;
import dev.shipgate.results.DeadLetter;
import dev.shipgate.schemas.CampaignIds;
import dev.shipgate.schemas.SeedJson;
import dev.shipgate.schemas.Topics;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecordBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports the original ship-gate's artifacts as shipgate input events.
 *
 * <p>A path is one of:
 * <ul>
 *   <li>a run directory ({@code runs/<id>/}): {@code campaign-summary.json}, any of
 *       {@code phase1-node-<x>.json}, {@code phase2.json}, {@code phase3.json},
 *       {@code phase4.json}, and per-cycle JSONL ({@code phase4-<fault>.jsonl} or any
 *       {@code *.jsonl}). Phases without their own file are taken from the summary's
 *       {@code phases} entries;
 *   <li>a directory of run directories: each is imported;
 *   <li>a single JSONL file: its cycles are imported under {@link ImportOptions#campaignId()}
 *       (required), without lifecycle events: the campaign's STARTED event comes from the import
 *       of its run directory or from the driver.
 * </ul>
 *
 * <p>A run becomes, in this order: CampaignEvent STARTED (with the configuration), the phase 1-3
 * CheckResults, per fault class either a {@code phase4.cycle} CheckResult plus a final
 * Observation per JSONL line or a single {@code phase4.bound}, and CampaignEvent FINISHED. Event
 * times rise by 1 ms per event and FINISHED carries {@code completed_at}. Event ids are
 * name-based UUIDs of campaign id, file and line, so a re-import publishes the same events.
 *
 * <p>Malformed input is refused piece by piece: one line per problem in
 * {@link ImportReport#errors()}, the refused bytes to the dead-letter topic, everything else
 * imported. A run whose campaign id is invalid is refused whole.
 */
public final class ArtifactImporter {
  private static final Logger log = LoggerFactory.getLogger(ArtifactImporter.class);

  /** The DeadLetter component of everything the importer refuses. */
  public static final String COMPONENT = "shipgate-import";

  static final String SUMMARY = "campaign-summary.json";
  private static final Pattern PHASE1_FILE = Pattern.compile("phase1-node-(.+)\\.json");
  private static final Pattern PHASE_FILE = Pattern.compile("phase[1-4].*\\.json");
  private static final Pattern PHASE4_JSONL = Pattern.compile("phase4-(.+)\\.jsonl");
  private static final Pattern HOST_NODE = Pattern.compile("-node-([A-Za-z0-9]+)$");
  private static final List<String> SEED_NODES = List.of("a", "b", "c");

  private static final Set<String> SUMMARY_KEYS =
      Set.of("campaign_id", "ai_memory_git_ref", "completed_at", "overall_pass", "phases");
  private static final Set<String> PHASE2_KEYS = Set.of("phase", "pass", "total_writes", "ok",
      "quorum_not_met", "fail", "counts", "probe1_single_peer_down", "probe2_both_peers_down",
      "reasons");
  private static final Set<String> PHASE3_KEYS = Set.of("phase", "pass", "report_forward",
      "report_idempotent", "report_reverse", "src_count", "dst_count", "reasons");
  private static final Set<String> PHASE4_KEYS = Set.of("phase", "pass", "cycles_per_fault",
      "writes_per_cycle", "convergence_by_fault", "reasons");
  private static final List<String> PHASE3_REPORTS =
      List.of("report_forward", "report_idempotent", "report_reverse");

  private final EventPublisher publisher;
  private final Clock clock;

  public ArtifactImporter(EventPublisher publisher) {
    this(publisher, Clock.systemUTC());
  }

  /** @param clock gives the import time (dead letters; event times when completed_at is absent) */
  public ArtifactImporter(EventPublisher publisher, Clock clock) {
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Imports {@code path} (see the class doc), publishes its events, flushes the publisher and
   * reports what was done.
   *
   * @throws dev.shipgate.producer.publish.PublishException when events could not be published
   */
  public ImportReport importPath(Path path, ImportOptions options) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    ImportReport report = new ImportReport();
    Instant importTime = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    if (Files.isRegularFile(path)) {
      if (path.getFileName().toString().endsWith(".jsonl")) {
        new CampaignImport(path.toAbsolutePath().getParent(), "", options, report, importTime)
            .importJsonl(path);
      } else {
        report.addError(path + ": expected a run directory, a directory of run directories or a"
            + " .jsonl file");
      }
    } else if (Files.isDirectory(path)) {
      if (isRunDirectory(path)) {
        new CampaignImport(path, "", options, report, importTime).importRun();
      } else {
        List<Path> runs = subdirectories(path).stream().filter(ArtifactImporter::isRunDirectory)
            .collect(Collectors.toList());
        if (runs.isEmpty()) {
          report.addError(path + ": no run found: expected " + SUMMARY
              + ", phase*.json or *.jsonl in it or in its subdirectories");
        } else if (options.campaignId() != null && runs.size() > 1) {
          report.addError(path + ": a campaign id override applies to one run, but " + path
              + " holds " + runs.size() + " runs");
        } else {
          for (Path run : runs) {
            new CampaignImport(run, run.getFileName() + "/", options, report, importTime)
                .importRun();
          }
        }
      }
    } else {
      report.addError(path + ": no such file or directory");
    }
    publisher.flush();
    log.info("imported {}: campaigns {}, events {}, {} errors", path, report.campaignIds(),
        report.eventsByTopic(), report.errors().size());
    return report;
  }

  static boolean isRunDirectory(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
          .anyMatch(n -> n.equals(SUMMARY) || PHASE_FILE.matcher(n).matches()
              || n.endsWith(".jsonl"));
    } catch (IOException e) {
      return false;
    }
  }

  private static List<Path> subdirectories(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isDirectory).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Where a phase's JSON object came from: its own file or an entry of the summary. */
  private record PhaseSource(Located obj, String display, String idFile, String idPart,
      String fieldPrefix) {}

  /** The import of one campaign: a run directory or a single JSONL file. */
  private final class CampaignImport {
    private final Path dir;
    private final String prefix;
    private final ImportOptions options;
    private final ImportReport report;
    private final Instant importTime;
    private final Map<Path, byte[]> bytes = new LinkedHashMap<>();
    /** Refused pieces (file, bytes, reason), dead-lettered once the campaign id is known. */
    private final List<Object[]> refused = new ArrayList<>();
    private final List<SpecificRecordBase> events = new ArrayList<>();
    private final LinkedHashMap<String, TreeMap<Integer, CycleLine>> cycles =
        new LinkedHashMap<>();
    private String campaignId;

    CampaignImport(Path dir, String prefix, ImportOptions options, ImportReport report,
        Instant importTime) {
      this.dir = dir;
      this.prefix = prefix;
      this.options = options;
      this.report = report;
      this.importTime = importTime;
    }

    // ---- entry points ----

    void importJsonl(Path file) {
      if (options.campaignId() == null) {
        report.addError(display(file) + ": a campaign id is required to import a single JSONL"
            + " file (--campaign-id)");
        return;
      }
      campaignId = options.campaignId();
      if (!CampaignIds.isValid(campaignId)) {
        String problem = CampaignIds.problem(campaignId);
        report.addError(display(file) + ": " + problem);
        byte[] content = read(file);
        if (content != null) {
          deadLetter(file, content, problem, campaignId);
        }
        return;
      }
      readJsonl(file);
      List<String> nodes = new ArrayList<>(SEED_NODES);
      for (String fault : cycles.keySet()) {
        addCycleEvents(fault, nodes);
      }
      report.addNote(display(file) + ": single JSONL file: published its cycles without"
          + " lifecycle events, with event times ending at the import time " + importTime);
      finish(importTime);
    }

    void importRun() {
      List<Path> files = listFiles();
      if (files == null) {
        return;
      }
      Path summaryFile = dir.resolve(SUMMARY);
      Located summary = null;
      if (Files.isRegularFile(summaryFile)) {
        summary = readObject(summaryFile);
      } else {
        report.addNote(display(summaryFile) + ": absent; no completed_at, git ref or extra keys");
      }

      if (!resolveCampaignId(summary, summaryFile, files)) {
        return;
      }

      Instant completedAt = null;
      String gitRef = null;
      ObjectNode summaryExtra = SeedJson.object();
      Map<String, String> settings = new LinkedHashMap<>();
      Map<Integer, List<PhaseSource>> fromSummary = new TreeMap<>();
      if (summary != null) {
        completedAt = completedAt(summary, summaryFile);
        gitRef = optionalText(summary, "ai_memory_git_ref", display(summaryFile), "");
        JsonNode overall = summary.node().get("overall_pass");
        if (overall != null && overall.isBoolean()) {
          settings.put("seed_overall_pass", overall.asText());
        }
        summaryExtra = extras(summary.node(), SUMMARY_KEYS);
        summaryPhases(summary, summaryFile, fromSummary);
      }
      settings.put("imported_from", dir.getFileName() == null ? dir.toString()
          : dir.getFileName().toString());

      TreeMap<String, PhaseSource> phase1 = phase1Sources(files, fromSummary);
      PhaseSource phase2 = phaseSource(2, fromSummary);
      PhaseSource phase3 = phaseSource(3, fromSummary);
      PhaseSource phase4 = phaseSource(4, fromSummary);
      for (Path file : files) {
        if (file.getFileName().toString().endsWith(".jsonl")) {
          readJsonl(file);
        }
      }

      // phase 4 configuration: recorded bounds first, in the file's order, then measured faults
      LinkedHashMap<String, String> bounds = new LinkedHashMap<>();
      Long cyclesPerFault = null;
      Long writesPerCycle = null;
      if (phase4 != null) {
        Located byFault = phase4.obj().child("convergence_by_fault");
        if (byFault.node() != null && !byFault.node().isNull()) {
          if (!byFault.node().isObject()) {
            fieldError(phase4, byFault, "convergence_by_fault", "expected an object");
          } else {
            Iterator<String> names = byFault.node().fieldNames();
            while (names.hasNext()) {
              String fault = names.next();
              Located bound = byFault.child(fault);
              if (bound.node().isNumber()) {
                bounds.put(fault, bound.node().isBigDecimal()
                    ? bound.node().decimalValue().toPlainString() : bound.node().asText());
              } else {
                bounds.put(fault, null);
                fieldError(phase4, bound, "convergence_by_fault." + fault, "expected a number");
              }
            }
          }
        }
        cyclesPerFault = integerField(phase4, phase4.obj(), "cycles_per_fault");
        writesPerCycle = integerField(phase4, phase4.obj(), "writes_per_cycle");
      }
      if (cyclesPerFault == null && !cycles.isEmpty()) {
        cyclesPerFault = (long) cycles.values().stream().mapToInt(Map::size).max().orElse(0);
      }
      if (writesPerCycle == null) {
        writesPerCycle = cycles.values().stream().flatMap(m -> m.values().stream())
            .map(CycleLine::writes).filter(Objects::nonNull).max(Long::compare).orElse(null);
      }
      LinkedHashSet<String> faults = new LinkedHashSet<>(bounds.keySet());
      faults.addAll(cycles.keySet());

      TreeSet<String> nodeSet = new TreeSet<>(SEED_NODES);
      nodeSet.addAll(phase1.keySet());
      List<String> nodes = new ArrayList<>(nodeSet);

      CampaignConfig config = CampaignConfig.newBuilder()
          .setTargetName(options.effectiveTargetName())
          .setTargetRef(gitRef)
          .setPhasesEnabled(new ArrayList<>(options.effectivePhases()))
          .setNodes(nodes)
          .setFaults(new ArrayList<>(faults))
          .setCyclesPerFault(toInt(cyclesPerFault))
          .setWritesPerCycle(toInt(writesPerCycle))
          .setThresholds(Thresholds.newBuilder().build())
          .setSettings(settings)
          .setExtraJson(summaryExtra.isEmpty() ? null : SeedJson.compact(summaryExtra))
          .build();
      events.add(CampaignEvent.newBuilder()
          .setCampaignId(campaignId)
          .setEventId(eventId(SUMMARY, "STARTED"))
          .setEventTime(Instant.EPOCH)
          .setType(CampaignEventType.STARTED)
          .setSource(EventSource.IMPORTED)
          .setConfig(config)
          .build());

      phase1.forEach(this::addPhase1);
      if (phase2 != null) {
        addPhase2(phase2);
      }
      if (phase3 != null) {
        addPhase3(phase3);
      }
      addPhase4(phase4, faults, bounds, cyclesPerFault, writesPerCycle, nodes);

      events.add(CampaignEvent.newBuilder()
          .setCampaignId(campaignId)
          .setEventId(eventId(SUMMARY, "FINISHED"))
          .setEventTime(Instant.EPOCH)
          .setType(CampaignEventType.FINISHED)
          .setSource(EventSource.IMPORTED)
          .build());
      if (completedAt == null) {
        report.addNote(campaignId + ": no completed_at; FINISHED and the event times end at the"
            + " import time " + importTime);
      }
      finish(completedAt == null ? importTime : completedAt);
    }

    // ---- campaign id, summary ----

    private boolean resolveCampaignId(Located summary, Path summaryFile, List<Path> files) {
      String where;
      if (options.campaignId() != null) {
        campaignId = options.campaignId();
        where = displayDir() + ": campaign id override";
      } else if (summary != null && summary.node().get("campaign_id") != null) {
        Located id = summary.child("campaign_id");
        where = display(summaryFile) + ":" + id.line();
        if (!id.node().isTextual()) {
          String problem = "field \"campaign_id\": expected a string, got "
              + Values.describe(id.node());
          report.addError(where + ": " + problem);
          refuseRun(files, problem, null);
          return false;
        }
        campaignId = id.node().asText();
      } else {
        campaignId = dir.getFileName() == null ? "" : dir.getFileName().toString();
        where = displayDir();
        report.addNote(displayDir() + ": no campaign_id in " + SUMMARY
            + "; the directory name is the campaign id");
      }
      if (!CampaignIds.isValid(campaignId)) {
        String problem = CampaignIds.problem(campaignId);
        report.addError(where + ": " + problem);
        refuseRun(files, problem, campaignId);
        return false;
      }
      return true;
    }

    /** A run that cannot be imported: every file goes to the dead letters. */
    private void refuseRun(List<Path> files, String reason, String rawId) {
      for (Path file : files) {
        byte[] content = read(file);
        if (content != null) {
          deadLetter(file, content, reason, rawId);
        }
      }
    }

    private Instant completedAt(Located summary, Path summaryFile) {
      Located value = summary.child("completed_at");
      if (value.node() == null || value.node().isNull()) {
        return null;
      }
      String text = value.node().isTextual() ? value.node().asText() : null;
      if (text != null) {
        try {
          return Instant.parse(text);
        } catch (DateTimeParseException e) {
          try {
            return OffsetDateTime.parse(text).toInstant();
          } catch (DateTimeParseException ignored) {
            // reported below
          }
        }
      }
      report.addError(display(summaryFile) + ":" + value.line() + ": field \"completed_at\":"
          + " expected an ISO-8601 time like \"2026-04-20T14:06:38Z\", got "
          + Values.describe(value.node()));
      return null;
    }

    private void summaryPhases(Located summary, Path summaryFile,
        Map<Integer, List<PhaseSource>> fromSummary) {
      Located phases = summary.child("phases");
      if (phases.node() == null || phases.node().isNull()) {
        return;
      }
      String display = display(summaryFile);
      if (!phases.node().isArray()) {
        report.addError(display + ":" + phases.line() + ": field \"phases\": expected an array,"
            + " got " + Values.describe(phases.node()));
        return;
      }
      for (int i = 0; i < phases.node().size(); i++) {
        Located entry = phases.element(i);
        String label = "phases[" + i + "]";
        if (!entry.node().isObject()) {
          report.addError(display + ":" + entry.line() + ": field \"" + label + "\": expected an"
              + " object, got " + Values.describe(entry.node()));
          continue;
        }
        Long phase = Values.integer(entry.node().get("phase"));
        if (phase == null || phase < 1 || phase > 4) {
          report.addError(display + ":" + entry.line("phase") + ": field \"" + label + ".phase\":"
              + " expected 1, 2, 3 or 4, got " + Values.describe(entry.node().get("phase")));
          continue;
        }
        fromSummary.computeIfAbsent(phase.intValue(), p -> new ArrayList<>())
            .add(new PhaseSource(entry, display, SUMMARY, "phases/" + i, label + "."));
      }
    }

    // ---- phase sources ----

    private TreeMap<String, PhaseSource> phase1Sources(List<Path> files,
        Map<Integer, List<PhaseSource>> fromSummary) {
      TreeMap<String, PhaseSource> sources = new TreeMap<>();
      for (Path file : files) {
        Matcher m = PHASE1_FILE.matcher(file.getFileName().toString());
        if (m.matches()) {
          Located obj = readObject(file);
          if (obj != null) {
            sources.put(m.group(1), new PhaseSource(obj, display(file),
                file.getFileName().toString(), "", ""));
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
          report.addNote(entry.display() + ":" + entry.obj().line() + ": " + entry.fieldPrefix()
              + "host " + Values.describe(host) + " names no node (-node-x); taken as node "
              + node + " by position");
        }
        // a node's own phase1-node-<x>.json wins over its copy in the summary
        sources.putIfAbsent(node, entry);
      }
      return sources;
    }

    private PhaseSource phaseSource(int phase, Map<Integer, List<PhaseSource>> fromSummary) {
      Path file = dir.resolve("phase" + phase + ".json");
      if (Files.isRegularFile(file)) {
        Located obj = readObject(file);
        if (obj != null) {
          return new PhaseSource(obj, display(file), file.getFileName().toString(), "", "");
        }
      }
      List<PhaseSource> entries = fromSummary.getOrDefault(phase, List.of());
      if (entries.size() > 1) {
        report.addNote(entries.get(1).display() + ": " + entries.size() + " entries for phase "
            + phase + " in phases; the first is imported");
      }
      if (!entries.isEmpty() && Files.isRegularFile(file)) {
        report.addNote(display(file) + ": unreadable; phase " + phase + " taken from " + SUMMARY);
      }
      return entries.isEmpty() ? null : entries.get(0);
    }

    // ---- phases 1-3 ----

    private void addPhase1(String node, PhaseSource src) {
      checkPhaseNumber(src, 1);
      Located obj = src.obj();
      CheckResult.Builder check = check(1, "phase1.node", src).setNode(node);
      Map<String, Long> metrics = check.getMetrics();
      putIfPresent(metrics, "recall_count", integerField(src, obj, "recall_count"));
      Located stats = obj.child("stats");
      if (stats.node() != null && stats.node().isObject()) {
        putIfPresent(metrics, "stats_total", integerField(src, stats, "total", "stats.total"));
      }
      putIfPresent(metrics, "snapshot_count", integerField(src, obj, "snapshot_count"));
      putIfPresent(metrics, "manifest_count", integerField(src, obj, "manifest_count"));
      Located curator = obj.child("curator");
      if (curator.node() != null && curator.node().isObject()) {
        Located errors = curator.child("errors");
        if (errors.node() != null && errors.node().isArray()) {
          metrics.put("curator_errors", (long) errors.node().size());
        } else if (errors.node() != null && !errors.node().isNull()) {
          fieldError(src, errors, "curator.errors", "expected an array");
        }
      }
      putIfPresent(metrics, "mcp_tool_count", integerField(src, obj, "mcp_tool_count"));
      check.setDetailsJson(SeedJson.compact(obj.node()));
      events.add(check.build());
    }

    private void addPhase2(PhaseSource src) {
      checkPhaseNumber(src, 2);
      Located obj = src.obj();
      List<CheckResult.Builder> checks = new ArrayList<>();
      if (Stream.of("total_writes", "ok", "quorum_not_met", "fail")
          .anyMatch(f -> obj.node().has(f))) {
        CheckResult.Builder writes = check(2, "phase2.writes", src);
        for (String field : List.of("total_writes", "ok", "quorum_not_met", "fail")) {
          putIfPresent(writes.getMetrics(), field, integerField(src, obj, field));
        }
        checks.add(writes);
      }
      Located counts = obj.child("counts");
      if (counts.node() != null && !counts.node().isNull()) {
        if (!counts.node().isObject()) {
          fieldError(src, counts, "counts", "expected an object");
        } else {
          CheckResult.Builder check = check(2, "phase2.counts", src);
          Iterator<String> names = counts.node().fieldNames();
          while (names.hasNext()) {
            String node = names.next();
            Located count = counts.child(node);
            Long value = Values.integer(count.node());
            if (value == null && count.node().isTextual()
                && count.node().asText().matches("[0-9]{1,18}")) {
              value = Long.parseLong(count.node().asText());
            }
            if (value != null && value >= 0) {
              check.getMetrics().put(node, value);
            } else if (count.node().isTextual() && "ERR".equals(count.node().asText())) {
              report.addNote(src.display() + ":" + count.line() + ": counts." + node
                  + " is \"ERR\"; imported without a count for node " + node);
            } else {
              fieldError(src, count, "counts." + node, "expected a count");
            }
          }
          checks.add(check);
        }
      }
      addProbe(src, "probe1_single_peer_down", "phase2.probe1", checks);
      addProbe(src, "probe2_both_peers_down", "phase2.probe2", checks);
      attachExtras(src, PHASE2_KEYS, checks);
      checks.forEach(c -> events.add(c.build()));
    }

    private void addProbe(PhaseSource src, String field, String kind,
        List<CheckResult.Builder> checks) {
      Located probe = src.obj().child(field);
      if (probe.node() == null || probe.node().isNull()) {
        return;
      }
      if (!probe.node().isTextual() && !probe.node().isNumber()) {
        fieldError(src, probe, field, "expected a status like \"201\"");
        return;
      }
      CheckResult.Builder check = check(2, kind, src);
      check.getValues().put("status", probe.node().asText());
      checks.add(check);
    }

    private void addPhase3(PhaseSource src) {
      checkPhaseNumber(src, 3);
      Located obj = src.obj();
      CheckResult.Builder check = check(3, "phase3.migration", src);
      putIfPresent(check.getMetrics(), "src_count", integerField(src, obj, "src_count"));
      putIfPresent(check.getMetrics(), "dst_count", integerField(src, obj, "dst_count"));
      ObjectNode details = SeedJson.object();
      for (String report : PHASE3_REPORTS) {
        Located value = obj.child(report);
        if (value.node() == null) {
          continue;
        }
        if (!value.node().isObject()) {
          fieldError(src, value, report, "expected an object");
        }
        details.set(report, value.node());
      }
      check.setDetailsJson(SeedJson.compact(details));
      List<CheckResult.Builder> checks = List.of(check);
      attachExtras(src, PHASE3_KEYS, checks);
      events.add(check.build());
    }

    // ---- phase 4 ----

    private void addPhase4(PhaseSource src, Set<String> faults, Map<String, String> bounds,
        Long cyclesPerFault, Long writesPerCycle, List<String> nodes) {
      if (src != null) {
        checkPhaseNumber(src, 4);
      }
      int first = events.size();
      for (String fault : faults) {
        if (cycles.containsKey(fault)) {
          addCycleEvents(fault, nodes);
          String recorded = bounds.get(fault);
          if (recorded != null) {
            String measured = SeedBound.of(cycles.get(fault).values());
            if (new BigDecimal(measured).compareTo(new BigDecimal(recorded)) != 0) {
              report.addNote(campaignId + ": " + fault + ": recorded bound " + recorded
                  + " differs from the bound of its " + cycles.get(fault).size()
                  + " imported cycles, " + measured + "; the cycles are imported");
            }
          }
        } else if (bounds.get(fault) != null) {
          CheckResult.Builder bound = check(4, "phase4.bound", src).setFault(fault);
          bound.setEventId(eventId(src.idFile(), src.idPart(), "phase4.bound", fault));
          bound.getValues().put("bound", bounds.get(fault));
          putIfPresent(bound.getMetrics(), "cycles_per_fault", cyclesPerFault);
          putIfPresent(bound.getMetrics(), "writes_per_cycle", writesPerCycle);
          events.add(bound.build());
        }
      }
      if (src != null) {
        ObjectNode extra = extras(src.obj().node(), PHASE4_KEYS);
        if (!extra.isEmpty()) {
          CheckResult firstCheck = events.subList(first, events.size()).stream()
              .filter(e -> e instanceof CheckResult).map(e -> (CheckResult) e)
              .findFirst().orElse(null);
          if (firstCheck == null) {
            report.addNote(src.display() + ": extra keys " + extra.properties().stream()
                .map(Map.Entry::getKey).collect(Collectors.toList())
                + " not carried: phase 4 has no fault class to import");
          } else {
            firstCheck.getValues().put("extra_json", SeedJson.compact(extra));
          }
        }
      }
    }

    private void addCycleEvents(String fault, List<String> nodes) {
      for (CycleLine line : cycles.get(fault).values()) {
        CheckResult.Builder check = CheckResult.newBuilder()
            .setCampaignId(campaignId)
            .setEventId(eventId(line.file(), String.valueOf(line.line()), "phase4.cycle"))
            .setEventTime(Instant.EPOCH)
            .setSource(EventSource.IMPORTED)
            .setPhase(4)
            .setCheck("phase4.cycle")
            .setFault(fault)
            .setCycle(line.cycle())
            .setMetrics(new LinkedHashMap<>())
            .setValues(new LinkedHashMap<>())
            .setDetailsJson(line.text().strip());
        putIfPresent(check.getMetrics(), "writes", line.writes());
        check.getMetrics().put("ok", line.ok());
        putIfPresent(check.getMetrics(), "quorum_not_met", line.quorumNotMet());
        putIfPresent(check.getMetrics(), "fail", line.fail());
        if (!line.extra().isEmpty()) {
          check.getValues().put("extra_json", SeedJson.compact(line.extra()));
        }
        events.add(check.build());

        List<NodeObservation> observed = new ArrayList<>();
        for (int i = 0; i < line.counts().size(); i++) {
          Count count = line.counts().get(i);
          observed.add(NodeObservation.newBuilder()
              .setNode(i < nodes.size() ? nodes.get(i) : "node" + i)
              .setNodeIndex(i)
              .setCount(count.value())
              .setRawCount(count.raw())
              .build());
        }
        events.add(Observation.newBuilder()
            .setCampaignId(campaignId)
            .setEventId(eventId(line.file(), String.valueOf(line.line()), "observation"))
            .setEventTime(Instant.EPOCH)
            .setPhase(4)
            .setFault(fault)
            .setCycle(line.cycle())
            .setPollSeq(0)
            .setFinal$(true)
            .setNodes(observed)
            .build());
      }
    }

    private void readJsonl(Path file) {
      byte[] content = read(file);
      if (content == null) {
        return;
      }
      String name = file.getFileName().toString();
      Matcher m = PHASE4_JSONL.matcher(name);
      CycleLineParser parser = new CycleLineParser(name, display(file), m.matches()
          ? m.group(1) : null);
      List<CycleLine> lines = parser.parse(new String(content, StandardCharsets.UTF_8),
          refusal -> {
            report.addError(refusal.message());
            refused.add(new Object[] {file, refusal.text().getBytes(StandardCharsets.UTF_8),
                refusal.message()});
          },
          report::addNote);
      for (CycleLine line : lines) {
        TreeMap<Integer, CycleLine> byCycle =
            cycles.computeIfAbsent(line.fault(), f -> new TreeMap<>());
        CycleLine earlier = byCycle.putIfAbsent(line.cycle(), line);
        if (earlier != null) {
          String message = line.display() + ":" + line.line() + ": field \"cycle\": duplicate"
              + " cycle " + line.cycle() + " of " + line.fault() + " (first at "
              + earlier.display() + ":" + earlier.line() + ")";
          report.addError(message);
          refused.add(new Object[] {file, line.text().getBytes(StandardCharsets.UTF_8), message});
        }
      }
      if (m.matches() && lines.isEmpty()) {
        report.addNote(display(file) + ": no valid cycle");
      }
    }

    // ---- events ----

    private CheckResult.Builder check(int phase, String kind, PhaseSource src) {
      return CheckResult.newBuilder()
          .setCampaignId(campaignId)
          .setEventId(src == null ? eventId("phase4.json", kind)
              : eventId(src.idFile(), src.idPart(), kind))
          .setEventTime(Instant.EPOCH)
          .setSource(EventSource.IMPORTED)
          .setPhase(phase)
          .setCheck(kind)
          .setMetrics(new LinkedHashMap<>())
          .setValues(new LinkedHashMap<>());
    }

    private String eventId(String... parts) {
      String name = campaignId + "\n" + String.join("\n", parts);
      return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Gives the events rising times ending at {@code end}, publishes them and the refusals. */
    private void finish(Instant end) {
      Instant start = end.minusMillis(Math.max(0, events.size() - 1));
      for (int i = 0; i < events.size(); i++) {
        events.get(i).put("event_time", start.plusMillis(i));
      }
      for (SpecificRecordBase event : events) {
        publish(event);
      }
      if (!events.isEmpty()) {
        report.addCampaign(campaignId);
      }
      for (Object[] r : refused) {
        deadLetter((Path) r[0], (byte[]) r[1], (String) r[2], campaignId);
      }
    }

    private void publish(SpecificRecordBase event) {
      if (event instanceof CampaignEvent e) {
        publisher.publish(e);
        report.countEvent(Topics.CAMPAIGNS.name());
      } else if (event instanceof CheckResult c) {
        publisher.publish(c);
        report.countEvent(Topics.CHECKS.name());
      } else if (event instanceof Observation o) {
        publisher.publish(o);
        report.countEvent(Topics.OBSERVATIONS.name());
      } else {
        throw new IllegalStateException("unexpected event " + event.getClass());
      }
    }

    private void deadLetter(Path file, byte[] content, String reason, String id) {
      publisher.publish(DeadLetter.newBuilder()
          .setSourceTopic(file.toString())
          .setCampaignId(id)
          .setKey(id == null ? null : ByteBuffer.wrap(id.getBytes(StandardCharsets.UTF_8)))
          .setValue(ByteBuffer.wrap(content))
          .setReason(reason)
          .setComponent(COMPONENT)
          .setEventTime(importTime)
          .build());
      report.countEvent(Topics.DEAD_LETTERS.name());
    }

    // ---- reading and validating ----

    private List<Path> listFiles() {
      try (Stream<Path> files = Files.list(dir)) {
        return files.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
      } catch (IOException e) {
        report.addError(displayDir() + ": cannot list: " + e.getMessage());
        return null;
      }
    }

    private byte[] read(Path file) {
      byte[] content = bytes.get(file);
      if (content != null) {
        return content;
      }
      try {
        content = Files.readAllBytes(file);
        bytes.put(file, content);
        return content;
      } catch (IOException e) {
        report.addError(display(file) + ": cannot read: " + LocatedJson.oneLine(e.toString()));
        return null;
      }
    }

    /** The file's top-level JSON object, or null after reporting why not. */
    private Located readObject(Path file) {
      byte[] content = read(file);
      if (content == null) {
        return null;
      }
      String message;
      try {
        LocatedJson doc = LocatedJson.parse(new String(content, StandardCharsets.UTF_8));
        if (doc.root().isObject()) {
          return doc.located();
        }
        message = display(file) + ":1: expected a JSON object, got "
            + Values.describe(doc.root());
      } catch (LocatedJson.SyntaxError e) {
        message = display(file) + ":" + e.line() + ": " + e.getMessage();
      }
      report.addError(message);
      refused.add(new Object[] {file, content, message});
      return null;
    }

    private void checkPhaseNumber(PhaseSource src, int phase) {
      Located value = src.obj().child("phase");
      if (value.node() == null) {
        return;
      }
      Long n = Values.integer(value.node());
      if (n == null || n != phase) {
        fieldError(src, value, "phase", "expected " + phase);
      }
    }

    private Long integerField(PhaseSource src, Located obj, String field) {
      return integerField(src, obj, field, field);
    }

    /** The field as a non-negative integer; null when absent or invalid (reported). */
    private Long integerField(PhaseSource src, Located obj, String field, String label) {
      Located value = obj.child(field);
      if (value.node() == null || value.node().isNull()) {
        return null;
      }
      Long n = Values.integer(value.node());
      if (n == null) {
        fieldError(src, value, label, "expected an integer");
        return null;
      }
      if (n < 0) {
        fieldError(src, value, label, "expected a non-negative integer");
        return null;
      }
      return n;
    }

    private void fieldError(PhaseSource src, Located value, String label, String expected) {
      report.addError(src.display() + ":" + value.line() + ": field \"" + src.fieldPrefix()
          + label + "\": " + expected + ", got " + Values.describe(value.node()));
    }

    private String optionalText(Located obj, String field, String display, String fieldPrefix) {
      Located value = obj.child(field);
      if (value.node() == null || value.node().isNull()) {
        return null;
      }
      if (!value.node().isTextual()) {
        report.addError(display + ":" + value.line() + ": field \"" + fieldPrefix + field
            + "\": expected a string, got " + Values.describe(value.node()));
        return null;
      }
      return value.node().asText();
    }

    private void attachExtras(PhaseSource src, Set<String> known,
        List<CheckResult.Builder> checks) {
      ObjectNode extra = extras(src.obj().node(), known);
      if (extra.isEmpty()) {
        return;
      }
      if (checks.isEmpty()) {
        report.addNote(src.display() + ": extra keys not carried: the phase has no check");
        return;
      }
      checks.get(0).getValues().put("extra_json", SeedJson.compact(extra));
    }

    private String display(Path file) {
      return prefix + file.getFileName();
    }

    private String displayDir() {
      return prefix.isEmpty() ? dir.toString() : prefix.substring(0, prefix.length() - 1);
    }
  }

  private static ObjectNode extras(JsonNode obj, Set<String> known) {
    ObjectNode extra = SeedJson.object();
    obj.properties().forEach(e -> {
      if (!known.contains(e.getKey())) {
        extra.set(e.getKey(), e.getValue());
      }
    });
    return extra;
  }

  private static void putIfPresent(Map<String, Long> metrics, String name, Long value) {
    if (value != null) {
      metrics.put(name, value);
    }
  }

  private static Integer toInt(Long value) {
    return value == null || value > Integer.MAX_VALUE ? null : value.intValue();
  }
}
