package dev.shipgate.producer.importer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.EventSource;
import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.producer.importer.CycleLine.Count;
import dev.shipgate.producer.importer.ImportTree.Entry;
import dev.shipgate.producer.importer.LocatedJson.Located;
import dev.shipgate.schemas.ConvergenceMath;
import dev.shipgate.schemas.SeedJson;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Phase 4 of a run: per fault class either its cycles (one {@code phase4.cycle} CheckResult and
 * one final Observation per line of its per-cycle JSONL) or, without JSONL, its recorded bound
 * from {@code phase4.json}'s {@code convergence_by_fault} as one {@code phase4.bound} check. A
 * recorded bound must be one the seed could print (0 to 1000, at most 3 decimals).
 */
final class Phase4Reader {
  private static final Pattern JSONL = Pattern.compile("phase4-(.+)\\.jsonl");
  private static final Set<String> KEYS = Set.of("phase", "pass", "cycles_per_fault",
      "writes_per_cycle", "convergence_by_fault", "reasons");

  /** What phase4.json recorded, completed from the imported cycles. */
  record Recorded(LinkedHashMap<String, String> bounds, Set<String> faults, Long cyclesPerFault,
      Long writesPerCycle) {}

  private final RunImport run;
  private final LinkedHashMap<String, TreeMap<Integer, CycleLine>> cycles = new LinkedHashMap<>();

  Phase4Reader(RunImport run) {
    this.run = run;
  }

  Set<String> faultsWithCycles() {
    return cycles.keySet();
  }

  /** Reads one per-cycle JSONL file; refused lines are reported and kept for the dead letters. */
  void readJsonl(Entry file) {
    byte[] content = run.read(file, ImportTree.MAX_JSONL_BYTES);
    if (content == null) {
      return;
    }
    String display = run.display(file);
    Matcher m = JSONL.matcher(file.name());
    CycleLineParser parser = new CycleLineParser(file.name(), display,
        m.matches() ? m.group(1) : null);
    int[] refusedLines = {0};
    List<CycleLine> lines = parser.parse(content,
        refusal -> {
          refusedLines[0]++;
          run.report().addError(refusal.message());
          run.refuse(file, refusal.bytes(), refusal.length(), refusal.message());
        },
        run.report()::addNote);
    for (CycleLine line : lines) {
      TreeMap<Integer, CycleLine> byCycle = cycles.computeIfAbsent(line.fault(),
          f -> new TreeMap<>());
      CycleLine earlier = byCycle.putIfAbsent(line.cycle(), line);
      if (earlier != null) {
        String message = line.display() + ":" + line.line() + ": field \"cycle\": duplicate"
            + " cycle " + line.cycle() + " of " + line.fault() + " (first at "
            + earlier.display() + ":" + earlier.line() + ")";
        run.report().addError(message);
        byte[] text = line.text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        run.refuse(file, text, text.length, message);
      }
    }
    if (lines.isEmpty() && refusedLines[0] == 0) {
      run.report().addError(display + ": " + (content.length == 0 ? "empty" : "blank")
          + ": no cycle line to import");
    }
  }

  /** The bounds and sizes phase4.json recorded (or null), completed from the imported cycles. */
  Recorded recorded(PhaseSource src) {
    LinkedHashMap<String, String> bounds = new LinkedHashMap<>();
    Long cyclesPerFault = null;
    Long writesPerCycle = null;
    if (src != null) {
      Located byFault = src.obj().child("convergence_by_fault");
      if (byFault.node() != null && !byFault.node().isNull()) {
        if (!byFault.node().isObject()) {
          run.fieldError(src, byFault, "convergence_by_fault", "expected an object");
        } else {
          Iterator<String> names = byFault.node().fieldNames();
          while (names.hasNext()) {
            String fault = names.next();
            Located bound = byFault.child(fault);
            String text = !bound.node().isNumber() ? null : bound.node().isBigDecimal()
                ? bound.node().decimalValue().toPlainString() : bound.node().asText();
            String problem = text == null ? "expected a number"
                : ConvergenceMath.recordedBoundProblem(text);
            bounds.put(fault, problem == null ? text : null);
            if (problem != null) {
              run.fieldError(src, bound, "convergence_by_fault." + fault, problem);
            }
          }
        }
      }
      cyclesPerFault = run.integerField(src, src.obj(), "cycles_per_fault");
      writesPerCycle = run.integerField(src, src.obj(), "writes_per_cycle");
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
    return new Recorded(bounds, faults, cyclesPerFault, writesPerCycle);
  }

  /** The events of phase 4: measured cycles where there are any, else the recorded bound. */
  void addPhase4(PhaseSource src, Recorded recorded, List<String> nodes) {
    if (src != null) {
      run.checkPhaseNumber(src, 4);
    }
    int first = run.events().size();
    for (String fault : recorded.faults()) {
      if (cycles.containsKey(fault)) {
        addCycleEvents(fault, nodes);
        String bound = recorded.bounds().get(fault);
        if (bound != null) {
          String measured = SeedBound.of(cycles.get(fault).values());
          if (new BigDecimal(measured).compareTo(new BigDecimal(bound)) != 0) {
            run.report().addNote(run.campaignId() + ": " + fault + ": recorded bound " + bound
                + " differs from the bound of its " + cycles.get(fault).size()
                + " imported cycles, " + measured + "; the cycles are imported");
          }
        }
      } else if (recorded.bounds().get(fault) != null) {
        CheckResult.Builder bound = run.check(4, "phase4.bound", src).setFault(fault);
        bound.setEventId(run.eventId(src.idFile(), src.idPart(), "phase4.bound", fault));
        bound.getValues().put("bound", recorded.bounds().get(fault));
        RunImport.putIfPresent(bound.getMetrics(), "cycles_per_fault",
            recorded.cyclesPerFault());
        RunImport.putIfPresent(bound.getMetrics(), "writes_per_cycle",
            recorded.writesPerCycle());
        run.add(bound.build());
      }
    }
    if (src != null) {
      ObjectNode extra = RunImport.extras(src.obj().node(), KEYS);
      if (!extra.isEmpty()) {
        Object firstCheck = run.events().subList(first, run.events().size()).stream()
            .filter(e -> e instanceof CheckResult || e instanceof CycleEvents)
            .findFirst().orElse(null);
        if (firstCheck == null) {
          run.report().addNote(src.display() + ": extra keys " + extra.properties().stream()
              .map(Map.Entry::getKey).collect(Collectors.toList())
              + " not carried: phase 4 has no fault class to import");
        } else if (firstCheck instanceof CycleEvents cycle) {
          cycle.phaseExtraJson = SeedJson.compact(extra);
        } else {
          ((CheckResult) firstCheck).getValues().put("extra_json", SeedJson.compact(extra));
        }
      }
    }
  }

  /**
   * One {@code phase4.cycle} check and one final Observation per imported cycle, built when they
   * are published ({@link CycleEvents}).
   */
  void addCycleEvents(String fault, List<String> nodes) {
    for (CycleLine line : cycles.get(fault).values()) {
      run.add(new CycleEvents(run, fault, line, nodes));
    }
  }

  /** A cycle's two events, from its line. */
  static final class CycleEvents implements RunImport.Deferred {
    private final RunImport run;
    private final String fault;
    private final CycleLine line;
    private final List<String> nodes;
    /** phase4.json's extra keys, carried by the phase's first check (this one's), or null. */
    String phaseExtraJson;

    CycleEvents(RunImport run, String fault, CycleLine line, List<String> nodes) {
      this.run = run;
      this.fault = fault;
      this.line = line;
      this.nodes = nodes;
    }

    @Override
    public int size() {
      return 2;
    }

    @Override
    public void countInto(Map<String, Long> manifest) {
      manifest.merge("4/checks", 1L, Long::sum);
      manifest.merge("4/observations", 1L, Long::sum);
    }

    @Override
    public List<SpecificRecordBase> build() {
      String campaign = run.campaignId();
      CheckResult.Builder check = CheckResult.newBuilder()
          .setCampaignId(campaign)
          .setEventId(run.eventId(line.file(), String.valueOf(line.line()), "phase4.cycle"))
          .setEventTime(Instant.EPOCH)
          .setSource(EventSource.IMPORTED)
          .setPhase(4)
          .setCheck("phase4.cycle")
          .setFault(fault)
          .setCycle(line.cycle())
          .setMetrics(new LinkedHashMap<>())
          .setValues(new LinkedHashMap<>())
          .setDetailsJson(line.text().strip());
      RunImport.putIfPresent(check.getMetrics(), "writes", line.writes());
      check.getMetrics().put("ok", line.ok());
      RunImport.putIfPresent(check.getMetrics(), "quorum_not_met", line.quorumNotMet());
      RunImport.putIfPresent(check.getMetrics(), "fail", line.fail());
      if (!line.extra().isEmpty()) {
        check.getValues().put("extra_json", SeedJson.compact(line.extra()));
      }
      if (phaseExtraJson != null) {
        check.getValues().put("extra_json", phaseExtraJson);
      }

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
      Observation observation = Observation.newBuilder()
          .setCampaignId(campaign)
          .setEventId(run.eventId(line.file(), String.valueOf(line.line()), "observation"))
          .setEventTime(Instant.EPOCH)
          .setPhase(4)
          .setFault(fault)
          .setCycle(line.cycle())
          .setPollSeq(0)
          .setFinal$(true)
          .setNodes(observed)
          .build();
      return List.of(check.build(), observation);
    }
  }
}
