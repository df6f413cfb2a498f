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
import dev.shipgate.results.VisibilitySummary;
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
 * A campaign's records as the writer and the page see them: merged and ordered, each phase and
 * fault class with its resolved verdict (a phase or class Streams has not judged yet is never a
 * pass). Built from {@link RunRecords}; no I/O.
 */
final class RunModel {
  private RunModel() {}

  private static final Logger LOG = LoggerFactory.getLogger(RunModel.class);

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
    /** phase4-&lt;fault&gt;.jsonl (the seed's per-cycle lines), or null. */
    final String file;
    /** shipgate-cycles-&lt;fault&gt;.jsonl (every cycle with its lost ids), or null. */
    final String detailFile;
    /** shipgate-faults-&lt;fault&gt;.jsonl (every fault event), or null. */
    final String eventsFile;
    /** Slow or lost: the class's visibility summary, or null (imports, older Streams). */
    final VisibilitySummary visibility;

    FaultEntry(String fault, FaultBound bound, List<CycleConvergence> cycles,
        List<FaultEvent> events) {
      this(fault, bound, cycles, events, null);
    }

    FaultEntry(String fault, FaultBound bound, List<CycleConvergence> cycles,
        List<FaultEvent> events, VisibilitySummary visibility) {
      this.fault = fault;
      this.visibility = visibility;
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
      this.detailFile = safe && !cycles.isEmpty() ? FileNames.cycleDetailFile(fault) : null;
      this.eventsFile = safe && !events.isEmpty() ? FileNames.eventsFile(fault) : null;
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
      Map<String, VisibilitySummary> visibility = new LinkedHashMap<>();
      r.visibility().forEach(v -> visibility.put(v.getFault(), v));
      for (String fault : order) {
        faults.add(new FaultEntry(fault, bounds.get(fault),
            cycles.getOrDefault(fault, List.of()), events.getOrDefault(fault, List.of()),
            visibility.get(fault)));
      }
    }

    private static String key(int phase, String node) {
      return phase + "/" + (node == null ? "" : node);
    }
  }
}
