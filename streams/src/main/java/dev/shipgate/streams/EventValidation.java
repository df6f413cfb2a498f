package dev.shipgate.streams;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.Observation;
import dev.shipgate.events.WriteResult;
import dev.shipgate.schemas.SeedJson;
import java.math.BigDecimal;
import org.apache.avro.specific.SpecificRecord;

/**
 * What a decoded event must carry for the topologies to use it. A violation is refused as a dead
 * letter with a one-line reason naming the field and its value, so processing never fails on it.
 */
final class EventValidation {
  private EventValidation() {}

  static String problem(SpecificRecord value) {
    if (value instanceof CampaignEvent e) {
      return campaign(e);
    }
    if (value instanceof WriteResult w) {
      if (w.getWriteId() == null || w.getWriteId().isEmpty()) {
        return "write_id is empty";
      }
      if (w.getPhase() == 4 && (w.getFault() == null || w.getCycle() == null)) {
        return "phase 4 write '" + w.getWriteId() + "' has fault " + quote(w.getFault())
            + " and cycle " + w.getCycle() + ": both are required";
      }
      return null;
    }
    if (value instanceof Observation o) {
      if (o.getPhase() == 4 && (o.getFault() == null || o.getCycle() == null)) {
        return "phase 4 observation has fault " + quote(o.getFault()) + " and cycle "
            + o.getCycle() + ": both are required";
      }
      return null;
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
    if (decimal(min) == null) {
      return "config.thresholds.convergence_min " + quote(min) + " is not a decimal";
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
    switch (c.getCheck()) {
      case "phase1.node":
        return c.getNode() == null ? "node is null on check phase1.node" : null;
      case "phase4.cycle":
        return c.getFault() == null || c.getCycle() == null
            ? "check phase4.cycle has fault " + quote(c.getFault()) + " and cycle " + c.getCycle()
                + ": both are required"
            : null;
      case "phase4.bound":
        if (c.getFault() == null) {
          return "fault is null on check phase4.bound";
        }
        String bound = c.getValues().get("bound");
        return decimal(bound) == null
            ? "values.bound " + quote(bound) + " of check phase4.bound is not a decimal" : null;
      default:
        return null;
    }
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
