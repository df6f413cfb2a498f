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
 *       including NOT_RUN ones, per-fault bounds with Wilson lower bound, the first lost ids and
 *       the first fault events; its size does not grow with the number of writes);
 *   <li>{@code shipgate-cycles-<fault>.jsonl}: every cycle of a class with its lost ids by node;
 *   <li>{@code shipgate-faults-<fault>.jsonl}: every fault event of a class, with its evidence;
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
  /** Slow or lost: the numbers behind the page's visibility charts, per fault class. */
  static final String VISIBILITY_FILE = "visibility.json";
  static final String PAGE_FILE = "index.html";
  /**
   * The digest of the records a run's files were last written from: a restarted sink replays
   * every record and renders again only the runs whose records changed.
   */
  static final String DIGEST_FILE = ".shipgate-sink-digest";
  /** Bump when the files written from the same records change (the templates count already). */
  static final String FORMAT = "sink-format-3";
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

    RunModel.Run run = new RunModel.Run(records);
    Map<String, String> files = new LinkedHashMap<>();
    for (RunModel.PhaseEntry p : run.phases) {
      if (p.record != null && p.record.getDetailsJson() != null && p.file != null) {
        files.put(p.file, SeedJson.pretty(SeedJson.parse(p.record.getDetailsJson())));
      }
    }
    for (RunModel.FaultEntry f : run.faults) {
      if (f.file != null) {
        files.put(f.file, VerdictJson.jsonl(f.cycles));
      }
      if (f.detailFile != null) {
        files.put(f.detailFile, VerdictJson.cycleDetail(f.cycles));
      }
      if (f.eventsFile != null) {
        files.put(f.eventsFile, VerdictJson.eventDetail(f.events));
      }
    }
    if (run.faults.stream().anyMatch(f -> f.visibility != null)) {
      files.put(VISIBILITY_FILE, SeedJson.pretty(VerdictJson.visibility(run)));
    }
    CampaignVerdict verdict = records.verdict();
    // the seed's campaign-summary.json is the gate release jobs read: written once the verdict is
    // final, never a provisional overall_pass false that turns true
    if (verdict != null && Verdicts.isFinal(verdict.getVerdict())) {
      files.put(SUMMARY_FILE, SeedJson.pretty(SeedJson.parse(verdict.getSummaryJson())));
    }
    List<String> artifactNames = new ArrayList<>(files.keySet());
    artifactNames.add(VERDICT_FILE);
    files.put(VERDICT_FILE, SeedJson.pretty(VerdictJson.shipgateVerdict(run, artifactNames)));
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

}
