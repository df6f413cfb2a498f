package dev.shipgate.producer.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.EventSource;
import dev.shipgate.events.Observation;
import dev.shipgate.events.Thresholds;
import dev.shipgate.producer.importer.ImportTree.Entry;
import dev.shipgate.producer.importer.LocatedJson.Located;
import dev.shipgate.producer.publish.EventPublisher;
import dev.shipgate.results.DeadLetter;
import dev.shipgate.schemas.CampaignIds;
import dev.shipgate.schemas.DeadLetters;
import dev.shipgate.schemas.EvidenceLimits;
import dev.shipgate.schemas.SeedJson;
import dev.shipgate.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The import of one campaign, a run directory or a single JSONL file: resolves the campaign id,
 * reads the summary, lets one reader per artifact kind ({@link Phase1Reader} ...
 * {@link Phase4Reader}) turn the phase files into events, frames them with STARTED and FINISHED,
 * gives them rising event times and publishes them; refused pieces go to the dead letters (their
 * first bytes only, see {@link DeadLetters}) once the campaign id is known. Also the validation
 * helpers the readers share, so that every problem is one line naming file, line, field and value.
 */
final class RunImport {
  static final String SUMMARY = "campaign-summary.json";
  private static final Pattern PHASE_FILE = Pattern.compile("phase[1-4].*\\.json");
  private static final List<String> SEED_NODES = List.of("a", "b", "c");
  private static final Set<String> SUMMARY_KEYS =
      Set.of("campaign_id", "ai_memory_git_ref", "completed_at", "overall_pass", "phases");

  /** A refused piece: where it came from, its bytes, their original length, the reason. */
  private record Refused(Entry file, byte[] bytes, long length, String reason) {}

  private final ImportTree tree;
  private final Entry dir;
  private final ImportOptions options;
  private final ImportReport report;
  private final Instant importTime;
  private final EventPublisher publisher;
  private final Map<Path, byte[]> bytes = new HashMap<>();
  private final List<Refused> refused = new ArrayList<>();
  /** The events in publishing order: built records, or {@link Deferred} ones. */
  private final List<Object> events = new ArrayList<>();
  final Phase4Reader phase4;
  private String campaignId;

  RunImport(ImportTree tree, Entry dir, ImportOptions options, ImportReport report,
      Instant importTime, EventPublisher publisher) {
    this.tree = tree;
    this.dir = dir;
    this.options = options;
    this.report = report;
    this.importTime = importTime;
    this.publisher = publisher;
    this.phase4 = new Phase4Reader(this);
  }

  /** Whether {@code files} (a directory's regular files) make it a run directory. */
  static boolean isRun(List<Entry> files) {
    return files.stream().filter(e -> !e.directory()).map(Entry::name)
        .anyMatch(n -> n.equals(SUMMARY) || PHASE_FILE.matcher(n).matches()
            || n.endsWith(".jsonl"));
  }

  // ------------------------------------------------------------------------------ entry points

  /** One run-chaos.sh JSONL file, under the campaign id of the options. */
  void importJsonl(Entry file) {
    if (options.campaignId() == null) {
      report.addError(display(file) + ": a campaign id is required to import a single JSONL"
          + " file (--campaign-id)");
      return;
    }
    campaignId = options.campaignId();
    if (!CampaignIds.isValid(campaignId)) {
      String problem = CampaignIds.problem(campaignId);
      report.addError(display(file) + ": " + problem);
      byte[] content = read(file, ImportTree.MAX_JSONL_BYTES);
      if (content != null) {
        deadLetter(file, content, content.length, problem, campaignId);
      }
      return;
    }
    phase4.readJsonl(file);
    for (String fault : phase4.faultsWithCycles()) {
      phase4.addCycleEvents(fault, new ArrayList<>(SEED_NODES));
    }
    if (!phase4.faultsWithCycles().isEmpty()) {
      report.addNote(display(file) + ": single JSONL file: published its cycles without"
          + " lifecycle events, with event times ending at the import time " + importTime);
    }
    finish(importTime);
  }

  /** A run directory: the summary, the phase files, the per-cycle JSONL. */
  void importRun() {
    List<Entry> files = tree.list(dir).stream().filter(e -> !e.directory()).toList();
    Entry summaryFile = file(files, SUMMARY);
    Located summary = null;
    if (summaryFile != null) {
      summary = readObject(summaryFile);
    } else {
      report.addNote(displayIn(SUMMARY) + ": absent; no completed_at, git ref or extra keys");
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
    settings.put("imported_from", dir.name());

    TreeMap<String, PhaseSource> phase1 = Phase1Reader.sources(this, files, fromSummary);
    PhaseSource phase2 = phaseSource(files, 2, fromSummary);
    PhaseSource phase3 = phaseSource(files, 3, fromSummary);
    PhaseSource phase4Source = phaseSource(files, 4, fromSummary);
    for (Entry file : files) {
      if (file.name().endsWith(".jsonl")) {
        phase4.readJsonl(file);
      }
    }
    Phase4Reader.Recorded recorded = phase4.recorded(phase4Source);

    TreeSet<String> nodeSet = new TreeSet<>(SEED_NODES);
    nodeSet.addAll(phase1.keySet());
    List<String> nodes = new ArrayList<>(nodeSet);

    // the run's start, as far as the artifacts tell: the earliest started_at they hold (the
    // seed's summary has only completed_at), so Streams can give the run a wall time
    List<JsonNode> sources = new ArrayList<>();
    if (summary != null) {
      sources.add(summary.node());
    }
    phase1.values().forEach(src -> sources.add(src.obj().node()));
    for (PhaseSource src : new PhaseSource[] {phase2, phase3, phase4Source}) {
      if (src != null) {
        sources.add(src.obj().node());
      }
    }
    Instant earliest = null;
    for (JsonNode n : sources) {
      Instant e = earliestStartedAt(n);
      if (e != null && (earliest == null || e.isBefore(earliest))) {
        earliest = e;
      }
    }
    // without completed_at the end is the import time, not the run's: no wall time then
    if (earliest != null && completedAt != null) {
      settings.put(IMPORTED_STARTED_AT, earliest.toString());
    }

    CampaignConfig config = CampaignConfig.newBuilder()
        .setTargetName(options.effectiveTargetName())
        .setTargetRef(gitRef)
        .setPhasesEnabled(new ArrayList<>(options.effectivePhases()))
        .setNodes(nodes)
        .setFaults(new ArrayList<>(recorded.faults()))
        .setCyclesPerFault(toInt(recorded.cyclesPerFault()))
        .setWritesPerCycle(toInt(recorded.writesPerCycle()))
        .setThresholds(Thresholds.newBuilder().build())
        .setSettings(settings)
        .setExtraJson(summaryExtra.isEmpty() ? null : SeedJson.compact(summaryExtra))
        .setGate(options.gate())
        .build();
    add(CampaignEvent.newBuilder()
        .setCampaignId(campaignId)
        .setEventId(eventId(SUMMARY, "STARTED"))
        .setEventTime(Instant.EPOCH)
        .setType(CampaignEventType.STARTED)
        .setSource(EventSource.IMPORTED)
        .setConfig(config)
        .build());

    phase1.forEach((node, src) -> Phase1Reader.read(this, node, src));
    if (phase2 != null) {
      Phase2Reader.read(this, phase2);
    }
    if (phase3 != null) {
      Phase3Reader.read(this, phase3);
    }
    phase4.addPhase4(phase4Source, recorded, nodes);

    add(CampaignEvent.newBuilder()
        .setCampaignId(campaignId)
        .setEventId(eventId(SUMMARY, "FINISHED"))
        .setEventTime(Instant.EPOCH)
        .setType(CampaignEventType.FINISHED)
        .setSource(EventSource.IMPORTED)
        .setManifest(manifest())
        .build());
    if (completedAt == null) {
      report.addNote(campaignId + ": no completed_at; FINISHED and the event times end at the"
          + " import time " + importTime);
    }
    finish(completedAt == null ? importTime : completedAt);
  }

  /** The setting that carries the earliest started_at of an imported run's artifacts. */
  public static final String IMPORTED_STARTED_AT = "imported_started_at";

  /** The earliest parseable {@code started_at} anywhere in {@code node}, or null. */
  static Instant earliestStartedAt(JsonNode node) {
    Instant best = null;
    if (node == null) {
      return null;
    }
    if (node.isObject()) {
      JsonNode v = node.get("started_at");
      if (v != null && v.isTextual()) {
        try {
          best = java.time.OffsetDateTime.parse(v.asText()).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
          best = null; // not a timestamp: not evidence of the start
        }
      }
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        Instant c = earliestStartedAt(child);
        if (c != null && (best == null || c.isBefore(best))) {
          best = c;
        }
      }
    }
    return best;
  }

  // ------------------------------------------------------------------- campaign id, summary

  private boolean resolveCampaignId(Located summary, Entry summaryFile, List<Entry> files) {
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
      campaignId = dir.name();
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
  private void refuseRun(List<Entry> files, String reason, String rawId) {
    for (Entry file : files) {
      byte[] content = read(file, file.name().endsWith(".jsonl") ? ImportTree.MAX_JSONL_BYTES
          : ImportTree.MAX_JSON_BYTES);
      if (content != null) {
        deadLetter(file, content, content.length, reason, rawId);
      }
    }
  }

  private Instant completedAt(Located summary, Entry summaryFile) {
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

  private void summaryPhases(Located summary, Entry summaryFile,
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

  /** Phase 2, 3 or 4 from its own file, else from the summary's first entry for it. */
  private PhaseSource phaseSource(List<Entry> files, int phase,
      Map<Integer, List<PhaseSource>> fromSummary) {
    Entry file = file(files, "phase" + phase + ".json");
    if (file != null) {
      Located obj = readObject(file);
      if (obj != null) {
        return new PhaseSource(obj, display(file), file.name(), "", "");
      }
    }
    List<PhaseSource> entries = fromSummary.getOrDefault(phase, List.of());
    if (entries.size() > 1) {
      report.addNote(entries.get(1).display() + ": " + entries.size() + " entries for phase "
          + phase + " in phases; the first is imported");
    }
    if (!entries.isEmpty() && file != null) {
      report.addNote(display(file) + ": unreadable; phase " + phase + " taken from " + SUMMARY);
    }
    return entries.isEmpty() ? null : entries.get(0);
  }

  // ---------------------------------------------------------------------------- events

  String campaignId() {
    return campaignId;
  }

  /**
   * Events built only when they are published, from what was read (a cycle's line): an import
   * holds its lines, not their records, until it publishes them one by one (measured: with every
   * record built first, a 10^6-cycle JSONL file ran out of the 1 GB heap; built one by one it
   * imports at a peak RSS of 1.2 GB).
   */
  interface Deferred {
    /** How many records {@link #build} gives. */
    int size();

    /** Counts them by "phase/kind", as {@link #manifest} does. */
    void countInto(Map<String, Long> manifest);

    /** The records, event times to be set. */
    List<SpecificRecordBase> build();
  }

  /** What the events so far are, by "phase/kind": the FINISHED event announces it. */
  private Map<String, Long> manifest() {
    Map<String, Long> m = new TreeMap<>();
    for (Object e : events) {
      if (e instanceof CheckResult c) {
        m.merge(c.getPhase() + "/checks", 1L, Long::sum);
      } else if (e instanceof Observation o) {
        m.merge(o.getPhase() + "/observations", 1L, Long::sum);
      } else if (e instanceof Deferred d) {
        d.countInto(m);
      }
    }
    return m;
  }

  void add(SpecificRecordBase event) {
    events.add(event);
  }

  void add(Deferred events) {
    this.events.add(events);
  }

  /** The events added so far: built records and {@link Deferred} ones. */
  List<Object> events() {
    return events;
  }

  CheckResult.Builder check(int phase, String kind, PhaseSource src) {
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

  /** A name-based UUID of the campaign id and {@code parts}: a re-import gives the same ids. */
  String eventId(String... parts) {
    String name = campaignId + "\n" + String.join("\n", parts);
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** Gives the events rising times ending at {@code end}, publishes them and the refusals. */
  private void finish(Instant end) {
    long total = 0;
    for (Object e : events) {
      total += e instanceof Deferred d ? d.size() : 1;
    }
    Instant start = end.minusMillis(Math.max(0, total - 1));
    long i = 0;
    for (Object e : events) {
      List<SpecificRecordBase> records = e instanceof Deferred d ? d.build()
          : List.of((SpecificRecordBase) e);
      for (SpecificRecordBase event : records) {
        event.put("event_time", start.plusMillis(i++));
        publish(event);
      }
    }
    if (!events.isEmpty()) {
      report.addCampaign(campaignId);
    }
    for (Refused r : refused) {
      deadLetter(r.file(), r.bytes(), r.length(), r.reason(), campaignId);
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

  private void deadLetter(Entry file, byte[] content, long length, String reason, String id) {
    publisher.publish(DeadLetters.withValue(DeadLetter.newBuilder(), content, length)
        .setSourceTopic(file.path().toString())
        .setCampaignId(id)
        .setKey(id == null ? null : ByteBuffer.wrap(id.getBytes(StandardCharsets.UTF_8)))
        .setReason(reason)
        .setComponent(ArtifactImporter.COMPONENT)
        .setEventTime(importTime)
        .build());
    report.countEvent(Topics.DEAD_LETTERS.name());
  }

  /**
   * Keeps a refused piece for the dead letters (which carry its first bytes only).
   *
   * @param length the length of the piece as read (more than {@code content} holds when only its
   *     start was kept)
   */
  void refuse(Entry file, byte[] content, long length, String reason) {
    refused.add(new Refused(file, content, length, reason));
  }

  // ---------------------------------------------------------------- reading and validating

  ImportReport report() {
    return report;
  }

  byte[] read(Entry file, long max) {
    byte[] content = bytes.get(file.path());
    if (content != null) {
      return content;
    }
    content = tree.read(file, max);
    if (content != null && max == ImportTree.MAX_JSON_BYTES) {
      bytes.put(file.path(), content);
    }
    return content;
  }

  /** The file's top-level JSON object, or null after reporting why not. */
  Located readObject(Entry file) {
    byte[] content = read(file, ImportTree.MAX_JSON_BYTES);
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
    refuse(file, content, content.length, message);
    return null;
  }

  void checkPhaseNumber(PhaseSource src, int phase) {
    Located value = src.obj().child("phase");
    if (value.node() == null) {
      return;
    }
    Long n = Values.integer(value.node());
    if (n == null || n != phase) {
      fieldError(src, value, "phase", "expected " + phase);
    }
  }

  Long integerField(PhaseSource src, Located obj, String field) {
    return integerField(src, obj, field, field);
  }

  /**
   * The field as an integer from 0 to {@link EvidenceLimits#MAX_COUNT}; null when absent or
   * invalid (reported).
   */
  Long integerField(PhaseSource src, Located obj, String field, String label) {
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
    if (n > EvidenceLimits.MAX_COUNT) {
      fieldError(src, value, label, "exceeds the ceiling of " + EvidenceLimits.MAX_COUNT);
      return null;
    }
    return n;
  }

  void fieldError(PhaseSource src, Located value, String label, String expected) {
    report.addError(src.display() + ":" + value.line() + ": field \"" + src.fieldPrefix()
        + label + "\": " + expected + ", got " + Values.describe(value.node()));
  }

  String optionalText(Located obj, String field, String display, String fieldPrefix) {
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

  /** Carries the object's keys the seed did not define on the first of {@code checks}. */
  void attachExtras(PhaseSource src, Set<String> known, List<CheckResult.Builder> checks) {
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

  static ObjectNode extras(JsonNode obj, Set<String> known) {
    ObjectNode extra = SeedJson.object();
    obj.properties().forEach(e -> {
      if (!known.contains(e.getKey())) {
        extra.set(e.getKey(), e.getValue());
      }
    });
    return extra;
  }

  static void putIfPresent(Map<String, Long> metrics, String name, Long value) {
    if (value != null) {
      metrics.put(name, value);
    }
  }

  String display(Entry file) {
    return tree.display(file.path());
  }

  private String displayIn(String name) {
    return tree.display(dir.path().resolve(name));
  }

  private String displayDir() {
    return dir.path().equals(tree.rootEntry().path()) ? dir.path().toString()
        : tree.display(dir.path());
  }

  static Entry file(List<Entry> files, String name) {
    return files.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
  }

  private static Integer toInt(Long value) {
    return value == null || value > Integer.MAX_VALUE ? null : value.intValue();
  }
}
