package dev.shipgate.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipgate.events.FaultAction;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.PhaseSummary;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.CampaignIds;
import dev.shipgate.schemas.SeedJson;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a campaign's artifacts under {@code <runs>/<campaign-id>/} from its latest result
 * records, and the {@code <runs>/index.html} listing every run. No Kafka here: the same records
 * always give the same bytes.
 *
 * <p>Files of a run:
 * <ul>
 *   <li>{@code phase1-node-<x>.json}, {@code phase2.json}, {@code phase3.json},
 *       {@code phase4.json}: {@link PhaseVerdict#getDetailsJson()} printed like the seed (jq);
 *   <li>{@code campaign-summary.json}: {@link CampaignVerdict#getSummaryJson()}, same printing;
 *   <li>{@code phase4-<fault>.jsonl}: one line per observed cycle, in cycle order, exactly as
 *       {@code run-chaos.sh} wrote them (counts as strings, {@code fail} = fail + indeterminate);
 *   <li>{@code shipgate-verdict.json}: shipgate's own result (strict verdict, every enabled phase
 *       including NOT_RUN ones, per-fault bounds with Wilson lower bound, lost ids per cycle, the
 *       fault events proving each fault took effect: per fault class, and phase 2's probes);
 *   <li>{@code index.html}: a self-contained page of all of the above.
 * </ul>
 *
 * <p>Every file is written atomically (temporary file in the same directory, then an atomic
 * rename) and only when its content changed. Campaign ids, node names and fault classes become
 * path names, so they are validated against {@link CampaignIds#PATTERN} and the resolved
 * directory is checked to stay directly under the runs root.
 */
public final class RunArtifactsWriter {
  private static final Logger LOG = LoggerFactory.getLogger(RunArtifactsWriter.class);

  static final String SUMMARY_FILE = "campaign-summary.json";
  static final String VERDICT_FILE = "shipgate-verdict.json";
  static final String PAGE_FILE = "index.html";
  /**
   * The digest of the records a run's files were last written from: a restarted sink replays
   * every record and renders again only the runs whose records changed.
   */
  static final String DIGEST_FILE = ".shipgate-sink-digest";
  /** Bump when the files written from the same records change (the templates count already). */
  static final String FORMAT = "sink-format-2";
  private static final List<String> TEMPLATES = List.of("badge", "evidence", "evtable",
      "run.html", "runs-index.html", "style");

  private final Path root;
  private final PageRenderer renderer = new PageRenderer();

  /** @param runsRoot the {@code runs/} directory; created on the first write */
  public RunArtifactsWriter(Path runsRoot) {
    this.root = runsRoot.toAbsolutePath().normalize();
  }

  public Path runsRoot() {
    return root;
  }

  /**
   * The directory of {@code campaignId}, directly under the runs root.
   *
   * @throws IllegalArgumentException with {@link CampaignIds#problem} when the id is invalid
   */
  public Path runDirectory(String campaignId) {
    if (!CampaignIds.isValid(campaignId)) {
      throw new IllegalArgumentException(CampaignIds.problem(campaignId));
    }
    Path dir = root.resolve(campaignId).normalize();
    if (!root.equals(dir.getParent())) {
      throw new IllegalArgumentException(CampaignIds.problem(campaignId));
    }
    return dir;
  }

  /**
   * Writes the run's artifacts unless they were last written from exactly these records (by this
   * sink's format and templates): then nothing is rendered and the report lists no file.
   */
  public WriteReport writeRunIfChanged(RunRecords records) throws IOException {
    Path dir = runDirectory(records.campaignId());
    String digest = digest(records);
    Path digestFile = dir.resolve(DIGEST_FILE);
    if (Files.isRegularFile(digestFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)
        && Files.isRegularFile(dir.resolve(PAGE_FILE))
        && digest.equals(Files.readString(digestFile).strip())) {
      return new WriteReport(dir, List.of(), List.of());
    }
    WriteReport report = writeRun(records);
    AtomicFiles.write(digestFile, (digest + "\n").getBytes(StandardCharsets.UTF_8));
    return report;
  }

  /** SHA-256 of the format, the templates and the records, in an order arrival cannot change. */
  static String digest(RunRecords records) {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      md.update(FORMAT.getBytes(StandardCharsets.UTF_8));
      md.update(TEMPLATE_DIGEST);
      List<org.apache.avro.specific.SpecificRecordBase> all = new ArrayList<>();
      if (records.verdict() != null) {
        all.add(records.verdict());
      }
      records.phases().stream().sorted(java.util.Comparator.comparing(
          (PhaseVerdict v) -> v.getPhase()).thenComparing(v -> String.valueOf(v.getNode())))
          .forEach(all::add);
      records.bounds().stream().sorted(java.util.Comparator.comparing(
          (FaultBound b) -> b.getFault())).forEach(all::add);
      records.cycles().stream().sorted(java.util.Comparator.comparing(
          (CycleConvergence c) -> c.getFault()).thenComparing(c -> c.getCycle()))
          .forEach(all::add);
      records.faults().stream().sorted(java.util.Comparator.comparing(
          (dev.shipgate.events.FaultEvent f) -> f.getEventId())).forEach(all::add);
      for (org.apache.avro.specific.SpecificRecordBase r : all) {
        md.update(r.getClass().getName().getBytes(StandardCharsets.UTF_8));
        java.nio.ByteBuffer bytes = (java.nio.ByteBuffer) r.getClass().getMethod("toByteBuffer")
            .invoke(r);
        md.update(bytes);
      }
      return java.util.HexFormat.of().formatHex(md.digest());
    } catch (ReflectiveOperationException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot digest the records of " + records.campaignId(), e);
    }
  }

  private static final byte[] TEMPLATE_DIGEST = templateDigest();

  private static byte[] templateDigest() {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      for (String t : TEMPLATES) {
        try (var in = RunArtifactsWriter.class.getResourceAsStream(t + ".mustache")) {
          if (in != null) {
            md.update(in.readAllBytes());
          }
        }
      }
      return md.digest();
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the run's artifacts, then {@code runs/index.html}. */
  public WriteReport write(RunRecords records) throws IOException {
    WriteReport run = writeRun(records);
    writeRunsIndex();
    return run;
  }

  /**
   * Writes the run's artifacts only (callers writing many runs at once update the runs index
   * once, with {@link #writeRunsIndex()}).
   *
   * @throws IllegalArgumentException when the campaign id is invalid or a record belongs to
   *     another campaign; nothing is written then
   */
  public WriteReport writeRun(RunRecords records) throws IOException {
    String id = records.campaignId();
    Path dir = runDirectory(id);
    checkBelongs(records);

    Run run = new Run(records);
    Map<String, String> files = new LinkedHashMap<>();
    for (PhaseEntry p : run.phases) {
      if (p.record != null && p.record.getDetailsJson() != null && p.file != null) {
        files.put(p.file, SeedJson.pretty(SeedJson.parse(p.record.getDetailsJson())));
      }
    }
    for (FaultEntry f : run.faults) {
      if (f.file != null) {
        files.put(f.file, jsonl(f.cycles));
      }
    }
    CampaignVerdict verdict = records.verdict();
    // the seed's campaign-summary.json is the gate release jobs read: written once the verdict is
    // final, never a provisional overall_pass false that turns true
    if (verdict != null && Verdicts.isFinal(verdict.getVerdict())) {
      files.put(SUMMARY_FILE, SeedJson.pretty(SeedJson.parse(verdict.getSummaryJson())));
    }
    List<String> artifactNames = new ArrayList<>(files.keySet());
    artifactNames.add(VERDICT_FILE);
    files.put(VERDICT_FILE, SeedJson.pretty(shipgateVerdict(run, artifactNames)));
    files.put(PAGE_FILE, renderer.renderRun(run, files));

    Files.createDirectories(root);
    if (Files.isSymbolicLink(dir)) {
      throw new IOException("refusing to write into " + dir + ": it is a symbolic link");
    }
    Files.createDirectories(dir);
    if (!dir.toRealPath().getParent().equals(root.toRealPath())) {
      throw new IOException("refusing to write into " + dir + ": it resolves outside " + root);
    }
    List<String> written = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path target = dir.resolve(file.getKey());
      if (Files.isSymbolicLink(target)) {
        throw new IOException("refusing to replace " + target + ": it is a symbolic link");
      }
      boolean changed = AtomicFiles.write(target, file.getValue().getBytes(StandardCharsets.UTF_8));
      (changed ? written : unchanged).add(file.getKey());
    }
    if (!written.isEmpty()) {
      LOG.info("run {}: wrote {} ({} unchanged), verdict {}", id, written, unchanged.size(),
          run.verdict);
    }
    return new WriteReport(dir, written, unchanged);
  }

  /**
   * Writes {@code runs/index.html}: every valid run directory, newest first (completion time,
   * else last update), read from its {@code shipgate-verdict.json} or, for a directory the sink
   * did not write, its {@code campaign-summary.json}.
   */
  public WriteReport writeRunsIndex() throws IOException {
    Files.createDirectories(root);
    List<RunListing> runs = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (CampaignIds.isValid(name) && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          RunListing listing = RunListing.read(dir);
          if (listing != null) {
            runs.add(listing);
          }
        }
      }
    }
    runs.sort(Comparator.comparing(RunListing::sortTime, Comparator.reverseOrder())
        .thenComparing(RunListing::campaignId));
    Path target = root.resolve(PAGE_FILE);
    boolean changed = AtomicFiles.write(target,
        renderer.renderIndex(runs).getBytes(StandardCharsets.UTF_8));
    return new WriteReport(root, changed ? List.of(PAGE_FILE) : List.of(),
        changed ? List.of() : List.of(PAGE_FILE));
  }

  private static void checkBelongs(RunRecords r) {
    String id = r.campaignId();
    List<String> others = new ArrayList<>();
    if (r.verdict() != null) {
      others.add(r.verdict().getCampaignId());
    }
    r.phases().forEach(p -> others.add(p.getCampaignId()));
    r.bounds().forEach(b -> others.add(b.getCampaignId()));
    r.cycles().forEach(c -> others.add(c.getCampaignId()));
    r.faults().forEach(f -> others.add(f.getCampaignId()));
    for (String other : others) {
      if (!id.equals(other)) {
        throw new IllegalArgumentException("record of campaign_id '" + other
            + "' given with the records of campaign '" + id + "'");
      }
    }
  }

  /** The per-cycle JSONL in run-chaos.sh's exact format, observed cycles only, cycle order. */
  static String jsonl(List<CycleConvergence> cycles) {
    StringBuilder out = new StringBuilder();
    for (CycleConvergence c : cycles) {
      if (!c.getObserved()) {
        continue;
      }
      ObjectNode line = SeedJson.object();
      line.put("cycle", c.getCycle());
      line.put("fault", c.getFault());
      line.put("writes", c.getWrites());
      line.put("ok", c.getOk());
      line.put("quorum_not_met", c.getQuorumNotMet());
      line.put("fail", c.getFail() + c.getIndeterminate());
      List<String> counts = c.getNodeCounts();
      for (int i = 0; i < Math.max(3, counts.size()); i++) {
        line.put("count_node" + i, i < counts.size() ? counts.get(i) : "");
      }
      out.append(SeedJson.compact(line)).append('\n');
    }
    return out.toString();
  }

  private static ObjectNode shipgateVerdict(Run run, List<String> artifacts) {
    ObjectNode out = SeedJson.object();
    out.put("campaign_id", run.campaignId);
    out.put("target_name", run.targetName);
    out.put("target_version", run.targetVersion);
    out.put("target_ref", run.targetRef);
    out.put("state", run.state);
    out.put("verdict", run.verdict.name());
    out.put("overall_pass", run.verdict == Verdict.PASS);
    out.put("completed_at", run.completedAt);
    out.put("updated_at", run.updatedAt);
    strings(out.putArray("reasons"), run.reasons);
    ArrayNode phases = out.putArray("phases");
    for (PhaseEntry p : run.phases) {
      ObjectNode o = phases.addObject();
      o.put("phase", p.phase);
      o.put("node", p.node);
      o.put("verdict", p.verdict.name());
      strings(o.putArray("reasons"), p.reasons);
      o.put("artifact", p.record != null && p.record.getDetailsJson() != null ? p.file : null);
      if (p.phase == 2 && p.node == null) {
        faultEvents(o, run.probeEvents, true);
      }
    }
    ArrayNode faults = out.putArray("faults");
    for (FaultEntry f : run.faults) {
      ObjectNode o = faults.addObject();
      FaultBound b = f.bound;
      o.put("fault", f.fault);
      o.put("verdict", f.verdict.name());
      o.put("source", b == null ? null : b.getSource().name());
      o.set("bound", b == null ? null : decimalOrText(b.getBound()));
      o.set("threshold", b == null ? null : decimalOrText(b.getThreshold()));
      o.put("seed_pass", b == null ? null : b.getSeedPass());
      o.put("cycles", b == null ? null : b.getCycles());
      o.put("writes_per_cycle", b == null ? null : b.getWritesPerCycle());
      o.put("sum_ok", b == null ? null : b.getSumOk());
      o.put("sum_min_peer", b == null ? null : b.getSumMinPeer());
      o.put("wilson_lower", b == null ? null : b.getWilsonLower());
      o.put("lost_writes", b == null ? null : b.getLostWrites());
      o.put("unacknowledged_applied", b == null ? null : b.getUnacknowledgedApplied());
      o.put("foreign_records", b == null ? null : b.getForeignRecords());
      o.put("bound_note", b == null ? null : b.getBoundNote());
      o.put("reason", f.reason);
      o.put("artifact", f.file);
      ArrayNode cycles = o.putArray("per_cycle");
      for (CycleConvergence c : f.cycles) {
        ObjectNode cy = cycles.addObject();
        cy.put("cycle", c.getCycle());
        cy.put("observed", c.getObserved());
        cy.put("writes", c.getWrites());
        cy.put("ok", c.getOk());
        cy.put("quorum_not_met", c.getQuorumNotMet());
        cy.put("fail", c.getFail());
        cy.put("indeterminate", c.getIndeterminate());
        strings(cy.putArray("node_counts"), c.getNodeCounts());
        cy.put("min_peer", c.getMinPeer());
        ObjectNode lost = cy.putObject("lost_ids");
        new TreeMap<>(c.getLostIds()).forEach((node, ids) ->
            strings(lost.putArray(node), ids));
      }
      faultEvents(o, f.events, false);
    }
    strings(out.putArray("artifacts"), artifacts);
    return out;
  }

  /**
   * {@code fault_event_counts} and {@code fault_events} of {@code events}; {@code withFault} adds
   * each event's fault name (phase 2, where the probes share one list).
   */
  private static void faultEvents(ObjectNode o, List<FaultEvent> events, boolean withFault) {
    FaultEvents.Counts counts = FaultEvents.Counts.of(events);
    ObjectNode c = o.putObject("fault_event_counts");
    c.put("injected", counts.injected());
    c.put("injected_with_evidence", counts.injectedProven());
    c.put("healed", counts.healed());
    c.put("healed_with_evidence", counts.healedProven());
    c.put("not_applied", counts.notApplied());
    ArrayNode array = o.putArray("fault_events");
    for (FaultEvent e : events) {
      ObjectNode j = array.addObject();
      j.put("event_id", e.getEventId());
      if (withFault) {
        j.put("fault", e.getFault());
      }
      j.put("cycle", e.getCycle());
      j.put("action", e.getAction().name());
      j.put("target_node", e.getTargetNode());
      j.put("mechanism", e.getMechanism());
      j.put("command", e.getCommand());
      j.put("exit_status", e.getExitStatus());
      j.put("evidence", e.getEvidence());
      j.put("reason", e.getReason());
      j.put("event_time", e.getEventTime() == null ? null : e.getEventTime().toString());
    }
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  /** A decimal string as a plain JSON number (1, 0.2), or as text if it is not a number. */
  static JsonNode decimalOrText(String value) {
    try {
      return SeedJson.decimal(new BigDecimal(value));
    } catch (NumberFormatException e) {
      return SeedJson.MAPPER.getNodeFactory().textNode(value);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The run as the writer and the page see it: records ordered and merged, verdicts resolved.

  /** One enabled phase (phase 1: one per node, plus the aggregate if Streams sent one). */
  static final class PhaseEntry {
    final int phase;
    final String node;
    final Verdict verdict;
    final List<String> reasons;
    final PhaseVerdict record;
    final String file;

    PhaseEntry(int phase, String node, Verdict verdict, List<String> reasons, PhaseVerdict record) {
      this.phase = phase;
      this.node = node;
      this.verdict = verdict;
      this.reasons = List.copyOf(reasons);
      this.record = record;
      boolean named = phase == 1 ? node != null && FileNames.isSafe(node) : node == null;
      this.file = named && phase >= 1 && phase <= 4 ? FileNames.phaseFile(phase, node) : null;
      if (phase == 1 && node != null && !FileNames.isSafe(node)) {
        LOG.warn("phase 1 artifact not written: {}", FileNames.problem("node", node));
      }
    }

    JsonNode details() {
      return record == null || record.getDetailsJson() == null ? null
          : SeedJson.parse(record.getDetailsJson());
    }
  }

  /** One fault class of phase 4. */
  static final class FaultEntry {
    final String fault;
    final FaultBound bound;
    final List<CycleConvergence> cycles;
    /** Its phase 4 fault events, ordered by cycle and time. */
    final List<FaultEvent> events;
    final Verdict verdict;
    final String reason;
    final String file;

    FaultEntry(String fault, FaultBound bound, List<CycleConvergence> cycles,
        List<FaultEvent> events) {
      this.fault = fault;
      this.bound = bound;
      this.cycles = cycles;
      this.events = events;
      if (bound != null) {
        this.verdict = bound.getVerdict();
        this.reason = bound.getReason();
      } else if (cycles.isEmpty() && events.isEmpty()) {
        this.verdict = Verdict.NOT_RUN;
        this.reason = fault + ": no evidence";
      } else {
        // Streams has not judged it yet; a fault that was not applied never passes.
        this.verdict = Verdict.INCOMPLETE;
        this.reason = events.stream()
            .filter(e -> e.getAction() == FaultAction.NOT_APPLIED)
            .findFirst()
            .map(e -> fault + ": fault not applied: " + e.getReason())
            .orElse(fault + ": no bound published yet");
      }
      boolean safe = FileNames.isSafe(fault);
      if (!safe) {
        LOG.warn("phase 4 cycle file not written: {}", FileNames.problem("fault", fault));
      }
      this.file = safe && !cycles.isEmpty() ? FileNames.cycleFile(fault) : null;
    }
  }

  /** A campaign's records, merged and ordered. */
  static final class Run {
    final String campaignId;
    final CampaignVerdict record;
    final Verdict verdict;
    final String state;
    final String targetName;
    final String targetVersion;
    final String targetRef;
    final String completedAt;
    final String updatedAt;
    final List<String> reasons;
    final List<PhaseEntry> phases = new ArrayList<>();
    final List<FaultEntry> faults = new ArrayList<>();
    /** Phase 2's fault events (the quorum probes), ordered by time. */
    final List<FaultEvent> probeEvents;

    Run(RunRecords r) {
      this.campaignId = r.campaignId();
      this.record = r.verdict();
      if (record != null) {
        verdict = record.getVerdict();
        state = record.getState().name();
        targetName = record.getTargetName();
        targetVersion = record.getTargetVersion();
        targetRef = record.getTargetRef();
        completedAt = record.getCompletedAt();
        reasons = List.copyOf(record.getReasons());
      } else {
        // No campaign verdict yet: the strict rule says this is never a pass.
        verdict = Verdict.INCOMPLETE;
        state = null;
        targetName = null;
        targetVersion = null;
        targetRef = null;
        completedAt = null;
        reasons = List.of("no campaign verdict published yet");
      }
      this.updatedAt = latest(r);
      List<FaultEvent> events = FaultEvents.ordered(r.faults());
      this.probeEvents = events.stream().filter(e -> e.getPhase() == 2).toList();
      events.stream().filter(e -> e.getPhase() != 2 && e.getPhase() != 4).forEach(e ->
          LOG.warn("run {}: fault event {} of phase {} not shown (expected phase 2 or 4)",
              campaignId, e.getEventId(), e.getPhase()));
      mergePhases(r);
      mergeFaults(r, events.stream().filter(e -> e.getPhase() == 4).toList());
    }

    private static String latest(RunRecords r) {
      List<Instant> times = new ArrayList<>();
      if (r.verdict() != null) {
        times.add(r.verdict().getUpdatedAt());
      }
      r.phases().forEach(p -> times.add(p.getUpdatedAt()));
      r.bounds().forEach(b -> times.add(b.getUpdatedAt()));
      r.cycles().forEach(c -> times.add(c.getUpdatedAt()));
      r.faults().forEach(f -> times.add(f.getEventTime()));
      return times.stream().filter(Objects::nonNull).max(Comparator.naturalOrder())
          .map(t -> t.truncatedTo(ChronoUnit.SECONDS).toString()).orElse(null);
    }

    private void mergePhases(RunRecords r) {
      Map<String, PhaseVerdict> byKey = new LinkedHashMap<>();
      for (PhaseVerdict p : r.phases()) {
        byKey.put(key(p.getPhase(), p.getNode()), p);
      }
      Set<String> keys = new LinkedHashSet<>();
      Map<String, PhaseSummary> summaries = new LinkedHashMap<>();
      if (record != null) {
        for (PhaseSummary s : record.getPhases()) {
          keys.add(key(s.getPhase(), s.getNode()));
          summaries.put(key(s.getPhase(), s.getNode()), s);
        }
      }
      // Records the campaign verdict does not list yet, phase 1 nodes by name.
      byKey.values().stream()
          .sorted(Comparator.comparing(PhaseVerdict::getPhase)
              .thenComparing(p -> p.getNode() == null ? "" : p.getNode()))
          .forEach(p -> keys.add(key(p.getPhase(), p.getNode())));
      List<PhaseEntry> entries = new ArrayList<>();
      for (String k : keys) {
        PhaseVerdict p = byKey.get(k);
        PhaseSummary s = summaries.get(k);
        if (p != null) {
          entries.add(new PhaseEntry(p.getPhase(), p.getNode(), p.getVerdict(), p.getReasons(), p));
        } else {
          entries.add(new PhaseEntry(s.getPhase(), s.getNode(), s.getVerdict(), s.getReasons(),
              null));
        }
      }
      // Stable sort: phase order, keeping the campaign verdict's node order inside phase 1.
      entries.sort(Comparator.comparingInt(e -> e.phase));
      phases.addAll(entries);
    }

    private void mergeFaults(RunRecords r, List<FaultEvent> phase4Events) {
      Map<String, FaultBound> bounds = new LinkedHashMap<>();
      r.bounds().forEach(b -> bounds.put(b.getFault(), b));
      Map<String, List<CycleConvergence>> cycles = new LinkedHashMap<>();
      r.cycles().stream().sorted(Comparator.comparingInt(CycleConvergence::getCycle))
          .forEach(c -> cycles.computeIfAbsent(c.getFault(), f -> new ArrayList<>()).add(c));
      Set<String> order = new LinkedHashSet<>();
      PhaseEntry phase4 = phases.stream().filter(p -> p.phase == 4).findFirst().orElse(null);
      JsonNode details = phase4 == null ? null : phase4.details();
      if (details != null && details.path("convergence_by_fault").isObject()) {
        details.get("convergence_by_fault").fieldNames().forEachRemaining(order::add);
      }
      bounds.keySet().stream().sorted().forEach(order::add);
      cycles.keySet().stream().sorted().forEach(order::add);
      Map<String, List<FaultEvent>> events = new LinkedHashMap<>();
      phase4Events.forEach(e -> events.computeIfAbsent(e.getFault(), f -> new ArrayList<>())
          .add(e));
      events.keySet().stream().sorted().forEach(order::add);
      for (String fault : order) {
        faults.add(new FaultEntry(fault, bounds.get(fault),
            cycles.getOrDefault(fault, List.of()), events.getOrDefault(fault, List.of())));
      }
    }

    private static String key(int phase, String node) {
      return phase + "/" + (node == null ? "" : node);
    }
  }
}
