package dev.shipgate.streams;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.events.WriteResult;
import dev.shipgate.schemas.ConvergenceMath;
import dev.shipgate.schemas.EvidenceLimits;
import dev.shipgate.schemas.SeedJson;
import java.math.BigDecimal;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * What a decoded event must carry for the topologies to use it. A violation is refused as a dead
 * letter with a one-line reason naming the field and its value, so processing never fails on it.
 * Counts beyond {@link EvidenceLimits}, tallies that do not add up and bounds the seed could not
 * have printed are refused too: a forged tally is never evidence, and the sums Streams keeps can
 * never overflow.
 */
final class EventValidation {
  private EventValidation() {}

  /** The longest write id Streams books (the per-write state keeps ids in short-length fields). */
  static final int MAX_WRITE_ID_CHARS = 1024;

  private static String idProblem(String field, String id) {
    return id.length() <= MAX_WRITE_ID_CHARS ? null : field + " of " + id.length()
        + " characters exceeds " + MAX_WRITE_ID_CHARS + ": '" + id.substring(0, 40) + "...'";
  }

  static String problem(SpecificRecord value) {
    if (value instanceof CampaignEvent e) {
      return campaign(e);
    }
    if (value instanceof WriteResult w) {
      if (w.getWriteId() == null || w.getWriteId().isEmpty()) {
        return "write_id is empty";
      }
      String tooLong = idProblem("write_id", w.getWriteId());
      if (tooLong != null) {
        return tooLong;
      }
      if (w.getPhase() == 4 && (w.getFault() == null || w.getCycle() == null)) {
        return "phase 4 write '" + w.getWriteId() + "' has fault " + quote(w.getFault())
            + " and cycle " + w.getCycle() + ": both are required";
      }
      return cycleProblem(w.getCycle());
    }
    if (value instanceof Observation o) {
      if (o.getPhase() == 4 && (o.getFault() == null || o.getCycle() == null)) {
        return "phase 4 observation has fault " + quote(o.getFault()) + " and cycle "
            + o.getCycle() + ": both are required";
      }
      for (NodeObservation n : o.getNodes()) {
        if (n.getCount() != null && EvidenceLimits.countProblem("", n.getCount()) != null) {
          // the field's name is spelled only for a refusal: most observations have none
          return EvidenceLimits.countProblem("count of node " + quote(n.getNode()),
              n.getCount());
        }
        if (n.getIds() != null) {
          for (String id : n.getIds()) {
            if (id.length() > MAX_WRITE_ID_CHARS) {
              return idProblem("an id listed by node " + quote(n.getNode()), id);
            }
          }
        }
        if (n.getNodeIndex() < 0 || n.getNodeIndex() > 99) {
          return "node_index " + n.getNodeIndex() + " of node " + quote(n.getNode())
              + " is not an index from 0 to 99";
        }
      }
      return cycleProblem(o.getCycle());
    }
    if (value instanceof CheckResult c) {
      return check(c);
    }
    return null;
  }

  private static String campaign(CampaignEvent e) {
    if (e.getType() != CampaignEventType.STARTED) {
      return null;
    }
    CampaignConfig config = e.getConfig();
    if (config == null) {
      return "config is null on a STARTED event";
    }
    for (Integer phase : config.getPhasesEnabled()) {
      if (phase == null || phase < 1 || phase > 4) {
        return "config.phases_enabled contains " + phase + ": expected phases 1-4";
      }
    }
    String min = config.getThresholds().getConvergenceMin();
    BigDecimal threshold = decimal(min);
    if (threshold == null) {
      return "config.thresholds.convergence_min " + quote(min) + " is not a decimal";
    }
    if (threshold.signum() < 0 || threshold.compareTo(BigDecimal.ONE) > 0
        || SeedJson.numberProblem(threshold) != null) {
      return "config.thresholds.convergence_min " + quote(min) + " is not between 0 and 1";
    }
    return jsonObjectProblem("config.extra_json", config.getExtraJson());
  }

  private static String check(CheckResult c) {
    String problem = jsonProblem("details_json", c.getDetailsJson());
    if (problem != null) {
      return problem;
    }
    problem = jsonObjectProblem("values.extra_json", c.getValues().get("extra_json"));
    if (problem != null) {
      return problem;
    }
    if (c.getError() != null) {
      return null;
    }
    for (Map.Entry<String, Long> m : c.getMetrics().entrySet()) {
      String beyond = EvidenceLimits.countProblem("metrics." + m.getKey() + " of check "
          + c.getCheck(), m.getValue());
      if (beyond != null) {
        return beyond;
      }
    }
    switch (c.getCheck()) {
      case "phase1.node":
        return c.getNode() == null ? "node is null on check phase1.node" : null;
      case "phase2.writes":
        return tallyProblem(c, "total_writes");
      case "phase4.cycle":
        if (c.getFault() == null || c.getCycle() == null) {
          return "check phase4.cycle has fault " + quote(c.getFault()) + " and cycle "
              + c.getCycle() + ": both are required";
        }
        String cycle = cycleProblem(c.getCycle());
        return cycle != null ? cycle : tallyProblem(c, "writes");
      case "phase4.bound":
        if (c.getFault() == null) {
          return "fault is null on check phase4.bound";
        }
        String bound = c.getValues().get("bound");
        String unprintable = ConvergenceMath.recordedBoundProblem(bound);
        return unprintable == null ? null
            : "values.bound " + quote(bound) + " of check phase4.bound: " + unprintable;
      default:
        return null;
    }
  }

  /**
   * A tally no cycle can have measured: a part above the total, or parts that do not add up to
   * it. It is never evidence.
   */
  private static String tallyProblem(CheckResult c, String totalKey) {
    Map<String, Long> m = c.getMetrics();
    Long total = m.get(totalKey);
    Long ok = m.get("ok");
    Long quorum = m.get("quorum_not_met");
    Long fail = m.get("fail");
    if (total == null) {
      return null;
    }
    for (String part : new String[] {"ok", "quorum_not_met", "fail"}) {
      Long n = m.get(part);
      if (n != null && n > total) {
        return "metrics." + part + " " + n + " of check " + c.getCheck() + " exceeds metrics."
            + totalKey + " " + total;
      }
    }
    if (ok != null && quorum != null && fail != null && ok + quorum + fail != total) {
      return "metrics.ok + quorum_not_met + fail of check " + c.getCheck() + " = " + ok + " + "
          + quorum + " + " + fail + " = " + (ok + quorum + fail) + ", not metrics." + totalKey
          + " " + total;
    }
    return null;
  }

  private static String cycleProblem(Integer cycle) {
    if (cycle == null) {
      return null;
    }
    return cycle < 1 || cycle > EvidenceLimits.MAX_CYCLES
        ? "cycle " + cycle + " is not a cycle number from 1 to " + EvidenceLimits.MAX_CYCLES
        : null;
  }

  private static String jsonProblem(String field, String text) {
    if (text == null) {
      return null;
    }
    try {
      SeedJson.parse(text);
      return null;
    } catch (IllegalArgumentException e) {
      return field + " is not valid JSON: " + InputDecoder.oneLine(e.getMessage());
    }
  }

  private static String jsonObjectProblem(String field, String text) {
    String problem = jsonProblem(field, text);
    if (problem != null || text == null) {
      return problem;
    }
    JsonNode node = SeedJson.parse(text);
    return node.isObject() ? null : field + " is not a JSON object: "
        + InputDecoder.oneLine(text);
  }

  static BigDecimal decimal(String text) {
    if (text == null) {
      return null;
    }
    try {
      return new BigDecimal(text.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String quote(String s) {
    return s == null ? "null" : "'" + InputDecoder.oneLine(s) + "'";
  }
}
