package dev.shipgate.producer.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipgate.producer.importer.CycleLine.Count;
import dev.shipgate.schemas.SeedJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and validates the per-cycle JSONL lines of one file. A malformed line is refused with
 * a one-line message naming file, line, field and value; the file's other lines are unaffected.
 */
final class CycleLineParser {
  private static final Pattern COUNT_KEY = Pattern.compile("count_node(0|[1-9][0-9]?)");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
  private static final int SEED_NODES = 3;

  /** A refused line: its one-line reason and its text. */
  record Refusal(int line, String message, String text) {}

  /** Thrown inside the parser for the first problem of a line. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  private final String file;
  private final String display;
  private final String namedFault;

  /**
   * @param namedFault the fault class the file name says ({@code phase4-<fault>.jsonl}), or null
   */
  CycleLineParser(String file, String display, String namedFault) {
    this.file = file;
    this.display = display;
    this.namedFault = namedFault;
  }

  /** Parses {@code text}; valid lines are returned, every other non-blank line is refused. */
  List<CycleLine> parse(String text, Consumer<Refusal> refused, Consumer<String> notes) {
    List<CycleLine> lines = new ArrayList<>();
    String[] raw = text.split("\r?\n", -1);
    for (int i = 0; i < raw.length; i++) {
      String line = raw[i];
      if (line.isBlank()) {
        continue;
      }
      try {
        lines.add(parseLine(i + 1, line, notes));
      } catch (Invalid e) {
        refused.accept(new Refusal(i + 1, display + ":" + (i + 1) + ": " + e.getMessage(), line));
      }
    }
    return lines;
  }

  private CycleLine parseLine(int lineNo, String text, Consumer<String> notes) throws Invalid {
    JsonNode node;
    try {
      node = LocatedJson.parse(text).root();
    } catch (LocatedJson.SyntaxError e) {
      throw new Invalid(e.getMessage());
    }
    if (!node.isObject()) {
      throw new Invalid("expected a JSON object, got " + describe(node));
    }
    int cycle = (int) requiredInteger(node, "cycle", Integer.MAX_VALUE);
    String fault = fault(node);
    long ok = requiredInteger(node, "ok", Long.MAX_VALUE);
    Long writes = optionalInteger(node, "writes");
    Long quorumNotMet = optionalInteger(node, "quorum_not_met");
    Long fail = optionalInteger(node, "fail");

    List<Count> counts = new ArrayList<>();
    ObjectNode extra = SeedJson.object();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey();
      Matcher m = COUNT_KEY.matcher(key);
      if (m.matches()) {
        int index = Integer.parseInt(m.group(1));
        while (counts.size() <= index) {
          counts.add(new Count(null, null));
        }
        counts.set(index, count(key, field.getValue(), lineNo, notes));
      } else if (!isSeedKey(key)) {
        extra.set(key, field.getValue());
      }
    }
    while (counts.size() < SEED_NODES) {
      counts.add(new Count(null, null));
    }
    return new CycleLine(file, display, lineNo, text, fault, cycle, writes, ok, quorumNotMet, fail,
        List.copyOf(counts), extra);
  }

  private static boolean isSeedKey(String key) {
    switch (key) {
      case "cycle":
      case "fault":
      case "writes":
      case "ok":
      case "quorum_not_met":
      case "fail":
        return true;
      default:
        return false;
    }
  }

  private String fault(JsonNode node) throws Invalid {
    JsonNode value = node.get("fault");
    if (value == null || value.isNull()) {
      if (namedFault == null) {
        throw new Invalid("field \"fault\": missing (the file name does not name the fault)");
      }
      return namedFault;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new Invalid("field \"fault\": expected a fault class name, got " + describe(value));
    }
    if (namedFault != null && !namedFault.equals(value.asText())) {
      throw new Invalid("field \"fault\": expected \"" + namedFault + "\" (from the file name), got "
          + describe(value));
    }
    return value.asText();
  }

  private static long requiredInteger(JsonNode node, String field, long max) throws Invalid {
    JsonNode value = node.get(field);
    if (value == null) {
      throw new Invalid("field \"" + field + "\": missing");
    }
    return integer(field, value, max);
  }

  private static Long optionalInteger(JsonNode node, String field) throws Invalid {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : integer(field, value, Long.MAX_VALUE);
  }

  private static long integer(String field, JsonNode value, long max) throws Invalid {
    Long n = Values.integer(value);
    if (n == null) {
      throw new Invalid("field \"" + field + "\": expected an integer, got " + describe(value));
    }
    if (n < 0 || n > max) {
      throw new Invalid("field \"" + field + "\": expected a non-negative integer, got "
          + describe(value));
    }
    return n;
  }

  private Count count(String field, JsonNode value, int lineNo, Consumer<String> notes)
      throws Invalid {
    if (value.isNull()) {
      return new Count(null, null);
    }
    if (value.isTextual()) {
      String raw = value.asText();
      if (DIGITS.matcher(raw).matches()) {
        return new Count(raw, Long.parseLong(raw));
      }
      if (!"ERR".equals(raw)) {
        notes.accept(display + ":" + lineNo + ": field \"" + field + "\": " + describe(value)
            + " is not a number; counted as 0, like the seed's \"ERR\"");
      }
      return new Count(raw, null);
    }
    Long n = Values.integer(value);
    if (n == null || n < 0) {
      throw new Invalid("field \"" + field + "\": expected a count (an integer, a string of digits"
          + " or \"ERR\"), got " + describe(value));
    }
    String raw = value.isBigDecimal() ? value.decimalValue().toPlainString() : value.asText();
    return new Count(raw, n);
  }

  static String describe(JsonNode value) {
    return Values.describe(value);
  }
}
