package dev.shipgate.sink;

import dev.shipgate.schemas.CampaignIds;

/**
 * Names that end up in file names (node names, fault classes) are held to the same rule as
 * campaign ids: letters, digits, dot, underscore and dash, not starting with a dot.
 */
final class FileNames {
  private FileNames() {}

  static boolean isSafe(String part) {
    return CampaignIds.isValid(part);
  }

  /** One-line message for a {@code field} whose {@code value} cannot be part of a file name. */
  static String problem(String field, String value) {
    String shown = value == null ? "null"
        : "'" + (value.length() > 80 ? value.substring(0, 80) + "..." : value)
            .replaceAll("\\p{Cntrl}", "?") + "'";
    return field + " " + shown + " cannot be part of a file name: expected "
        + CampaignIds.PATTERN.pattern();
  }

  static String phaseFile(int phase, String node) {
    return phase == 1 ? "phase1-node-" + node + ".json" : "phase" + phase + ".json";
  }

  static String cycleFile(String fault) {
    return "phase4-" + fault + ".jsonl";
  }

  /** Every cycle of a class with its lost ids (shipgate's own detail file). */
  static String cycleDetailFile(String fault) {
    return "shipgate-cycles-" + fault + ".jsonl";
  }

  /** Every fault event of a class (shipgate's own detail file). */
  static String eventsFile(String fault) {
    return "shipgate-faults-" + fault + ".jsonl";
  }
}
