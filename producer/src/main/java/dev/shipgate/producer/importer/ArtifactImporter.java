package dev.shipgate.producer.importer;

import dev.shipgate.producer.importer.ImportTree.Entry;
import dev.shipgate.producer.publish.EventPublisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
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
 * <p>Only regular files inside the path are read ({@link ImportTree}): links, FIFOs and devices
 * are reported, not followed. A run becomes, in this order: CampaignEvent STARTED (with the
 * configuration), the phase 1-3 CheckResults, per fault class either a {@code phase4.cycle}
 * CheckResult plus a final Observation per JSONL line or a single {@code phase4.bound}, and
 * CampaignEvent FINISHED ({@link RunImport}). Event times rise by 1 ms per event and FINISHED
 * carries {@code completed_at}. Event ids are name-based UUIDs of campaign id, file and line, so a
 * re-import publishes the same events.
 *
 * <p>Malformed input is refused piece by piece: one line per problem in
 * {@link ImportReport#errors()}, the refused bytes (their first 16 KiB) to the dead-letter topic,
 * everything else imported. A run whose campaign id is invalid is refused whole. A path with
 * nothing to import is an error too.
 */
public final class ArtifactImporter {
  private static final Logger log = LoggerFactory.getLogger(ArtifactImporter.class);

  /** The DeadLetter component of everything the importer refuses. */
  public static final String COMPONENT = "shipgate-import";

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
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      report.addError(path + ": no such file or directory");
    } else {
      try {
        importTree(new ImportTree(path, options.followSymlinks(), report), path, options, report,
            importTime);
      } catch (IOException e) {
        report.addError(path + ": cannot be read: " + LocatedJson.oneLine(e.toString()));
      }
    }
    if (report.campaignIds().isEmpty() && !report.hasErrors()) {
      report.addError(path + ": nothing to import");
    }
    publisher.flush();
    log.info("imported {}: campaigns {}, events {}, {} errors", path, report.campaignIds(),
        report.eventsByTopic(), report.errors().size());
    return report;
  }

  private void importTree(ImportTree tree, Path path, ImportOptions options, ImportReport report,
      Instant importTime) {
    Entry root = tree.rootEntry();
    if (!root.directory()) {
      if (!Files.isRegularFile(root.real(), LinkOption.NOFOLLOW_LINKS)) {
        report.addError(path + ": not a regular file or a directory");
      } else if (root.name().endsWith(".jsonl")) {
        new RunImport(tree, root, options, report, importTime, publisher).importJsonl(root);
      } else {
        report.addError(path + ": expected a run directory, a directory of run directories or a"
            + " .jsonl file");
      }
      return;
    }
    if (RunImport.isRun(tree.list(root))) {
      new RunImport(tree, root, options, report, importTime, publisher).importRun();
      return;
    }
    List<Entry> runs = new ArrayList<>();
    Set<Path> seen = new HashSet<>();
    for (Entry e : tree.list(root)) {
      if (e.directory() && RunImport.isRun(tree.list(e))) {
        if (seen.add(e.real())) {
          runs.add(e);
        } else {
          report.addNote(tree.display(e.path()) + ": a link to a run already imported; imported"
              + " once");
        }
      }
    }
    if (runs.isEmpty()) {
      report.addError(path + ": no run found: expected " + RunImport.SUMMARY
          + ", phase*.json or *.jsonl in it or in its subdirectories");
    } else if (options.campaignId() != null && runs.size() > 1) {
      report.addError(path + ": a campaign id override applies to one run, but " + path
          + " holds " + runs.size() + " runs");
    } else {
      for (Entry run : runs) {
        new RunImport(tree, run, options, report, importTime, publisher).importRun();
      }
    }
  }
}
