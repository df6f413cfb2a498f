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
import dev.shipgate.sink.RunModel.FaultEntry;
import dev.shipgate.sink.RunModel.PhaseEntry;
import dev.shipgate.sink.RunModel.Run;

/**
 * The JSON a run's files carry that the seed did not have: {@code shipgate-verdict.json} (the
 * strict verdict, per-fault aggregates, the first lost ids and fault events) and the per-fault
 * JSONL detail files, plus the seed's own per-cycle JSONL line format.
 */
final class VerdictJson {
  private VerdictJson() {}

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

  /** Lost ids named in shipgate-verdict.json per fault class; all are in the per-cycle file. */
  static final int LOST_IDS_SHOWN = 100;
  /** Fault events listed in shipgate-verdict.json per fault class; all are in the events file. */
  static final int EVENTS_SHOWN = 100;

  /** The first {@link #LOST_IDS_SHOWN} lost ids as cycle/id, cycles in order, ids sorted. */
  static List<String> lostSample(List<CycleConvergence> cycles) {
    List<String> out = new ArrayList<>();
    for (CycleConvergence c : cycles) {
      java.util.TreeSet<String> ids = new java.util.TreeSet<>(dev.shipgate.schemas.WriteIds.ORDER);
      c.getLostIds().values().forEach(ids::addAll);
      for (String id : ids) {
        if (out.size() >= LOST_IDS_SHOWN) {
          return out;
        }
        out.add(c.getCycle() + "/" + id);
      }
    }
    return out;
  }

  /**
   * shipgate-cycles-&lt;fault&gt;.jsonl: every cycle of a class, one JSON object per line in cycle
   * order, with its counts per node and every lost id by node.
   */
  static String cycleDetail(List<CycleConvergence> cycles) {
    StringBuilder out = new StringBuilder();
    for (CycleConvergence c : cycles) {
      ObjectNode cy = SeedJson.object();
      cy.put("cycle", c.getCycle());
      cy.put("observed", c.getObserved());
      cy.put("writes", c.getWrites());
      cy.put("ok", c.getOk());
      cy.put("quorum_not_met", c.getQuorumNotMet());
      cy.put("fail", c.getFail());
      cy.put("indeterminate", c.getIndeterminate());
      strings(cy.putArray("node_counts"), c.getNodeCounts());
      cy.put("min_peer", c.getMinPeer());
      cy.put("unacknowledged_applied", c.getUnacknowledgedApplied());
      cy.put("foreign_records", c.getForeignRecords());
      ObjectNode lost = cy.putObject("lost_ids");
      new TreeMap<>(c.getLostIds()).forEach((node, ids) -> strings(lost.putArray(node), ids));
      cy.put("counted_at_seed_point", c.getCountedAtSeedPoint());
      ObjectNode recovered = cy.putObject("recovered_ids");
      new TreeMap<>(c.getRecoveredIds()).forEach((n, ids) -> strings(recovered.putArray(n), ids));
      ObjectNode unexpected = cy.putObject("unexpected_ids");
      new TreeMap<>(c.getUnexpectedIds()).forEach((n, ids) -> strings(unexpected.putArray(n),
          ids));
      ObjectNode duplicated = cy.putObject("duplicated_ids");
      new TreeMap<>(c.getDuplicatedIds()).forEach((n, ids) -> strings(duplicated.putArray(n),
          ids));
      out.append(SeedJson.compact(cy)).append('\n');
    }
    return out.toString();
  }

  /** shipgate-faults-&lt;fault&gt;.jsonl: every fault event of a class, one per line, in order. */
  static String eventDetail(List<FaultEvent> events) {
    StringBuilder out = new StringBuilder();
    for (FaultEvent e : events) {
      out.append(SeedJson.compact(faultEvent(e, false))).append('\n');
    }
    return out.toString();
  }

  /**
   * visibility.json: per fault class, the visibility summary as Streams published it (P(visible
   * by t) per node, p50/p99/max, the set checker's counts, the write windows, the diagnosis).
   */
  static ObjectNode visibility(Run run) {
    ObjectNode out = SeedJson.object();
    out.put("campaign_id", run.campaignId);
    out.put("latency_is", "end of the first poll that showed the write minus its"
        + " acknowledgement (an upper bound, within one poll interval)");
    ArrayNode classes = out.putArray("faults");
    for (FaultEntry f : run.faults) {
      if (f.visibility != null) {
        // Avro's JSON text of the record: every field, unions as plain values
        classes.add(SeedJson.parse(f.visibility.toString()));
      }
    }
    return out;
  }

  static ObjectNode shipgateVerdict(Run run, List<String> artifacts) {
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
      o.put("diagnosis", f.visibility == null ? null : f.visibility.getDiagnosis().name());
      o.put("diagnosis_text", f.visibility == null ? null : f.visibility.getDiagnosisText());
      o.put("artifact", f.file);
      List<String> sample = lostSample(f.cycles);
      o.put("lost_ids_shown", sample.size());
      strings(o.putArray("lost_ids_sample"), sample);
      o.put("per_cycle_file", f.cycles.isEmpty() || f.detailFile == null ? null : f.detailFile);
      faultEvents(o, f.events, false);
      o.put("fault_events_file", f.events.isEmpty() || f.eventsFile == null ? null
          : f.eventsFile);
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
    o.put("fault_events_total", events.size());
    ArrayNode array = o.putArray("fault_events");
    for (FaultEvent e : events.subList(0, Math.min(EVENTS_SHOWN, events.size()))) {
      array.add(faultEvent(e, withFault));
    }
  }

  /** One fault event as JSON (a line of the fault events file, an item of the list). */
  static ObjectNode faultEvent(FaultEvent e, boolean withFault) {
    {
      ObjectNode j = SeedJson.object();
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
      return j;
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
}
