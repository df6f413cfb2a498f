package dev.shipgate.producer.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipgate.producer.importer.CycleLine.Count;
import dev.shipgate.schemas.EvidenceLimits;
import dev.shipgate.schemas.SeedJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and validates the per-cycle JSONL lines of one file. A malformed line is refused with
 * a one-line message naming file, line, field and value; the file's other lines are unaffected.
 *
 * <p>A line is refused when it is longer than {@link #MAX_LINE_BYTES}, when a count is negative
 * or beyond {@link EvidenceLimits#MAX_COUNT}, when {@code ok}, {@code quorum_not_met} or
 * {@code fail} exceeds {@code writes}, or when the three do not add up to {@code writes}: a
 * tally that cannot have been measured is never evidence. A node count above {@code writes} is
 * kept as written (the seed counted rows, and a rerun's rows could be among them) with a note;
 * Streams counts at most {@code writes} of it.
 */
final class CycleLineParser {
  private static final Pattern COUNT_KEY = Pattern.compile("count_node(0|[1-9][0-9]?)");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
  private static final int SEED_NODES = 3;
  /** The longest line a cycle can be: 64 KiB (a seed line is about 150 bytes). */
  static final int MAX_LINE_BYTES = 64 * 1024;
  /** The extra keys of a line that has none (shared: never changed). */
  private static final ObjectNode NO_EXTRA = SeedJson.object();

  /**
   * A refused line: its one-line reason, its bytes (at most {@link #MAX_LINE_BYTES}) and its
   * length.
   */
  record Refusal(int line, String message, byte[] bytes, long length) {}

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

  /**
   * Parses {@code content} line by line; valid lines are returned, every other non-blank line is
   * refused. The content is never split whole: a line longer than {@link #MAX_LINE_BYTES} is
   * refused with its first bytes only.
   */
  List<CycleLine> parse(byte[] content, Consumer<Refusal> refused, Consumer<String> notes) {
    List<CycleLine> lines = new ArrayList<>();
    int lineNo = 0;
    for (int start = 0; start < content.length; ) {
      int end = start;
      while (end < content.length && content[end] != '\n') {
        end++;
      }
      lineNo++;
      int stop = end > start && content[end - 1] == '\r' ? end - 1 : end;
      int length = stop - start;
      if (length > MAX_LINE_BYTES) {
        refused.accept(new Refusal(lineNo, display + ":" + lineNo + ": line is " + length
            + " bytes, longer than the " + MAX_LINE_BYTES + " bytes a cycle line may be",
            Arrays.copyOfRange(content, start, start + MAX_LINE_BYTES), length));
      } else {
        String line = new String(content, start, length, StandardCharsets.UTF_8);
        if (!line.isBlank()) {
          try {
            lines.add(parseLine(lineNo, line, notes));
          } catch (Invalid e) {
            refused.accept(new Refusal(lineNo, display + ":" + lineNo + ": " + e.getMessage(),
                line.getBytes(StandardCharsets.UTF_8), length));
          }
        }
      }
      start = end + 1;
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
    int cycle = (int) requiredInteger(node, "cycle", EvidenceLimits.MAX_CYCLES);
    if (cycle < 1) {
      throw new Invalid("field \"cycle\": expected a cycle number from 1, got 0");
    }
    String fault = fault(node);
    long ok = requiredInteger(node, "ok", EvidenceLimits.MAX_COUNT);
    Long writes = optionalInteger(node, "writes");
    Long quorumNotMet = optionalInteger(node, "quorum_not_met");
    Long fail = optionalInteger(node, "fail");
    tally(writes, ok, quorumNotMet, fail);

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
    if (writes != null) {
      for (int i = 0; i < counts.size(); i++) {
        Long c = counts.get(i).value();
        if (c != null && c > writes) {
          notes.accept(display + ":" + lineNo + ": field \"count_node" + i + "\": " + c
              + " exceeds writes " + writes + ": the node held records the cycle did not write"
              + " (a rerun's?); the bound counts at most " + writes + " of them");
        }
      }
    }
    // most lines have no extra key: they share one empty node instead of holding one each
    return new CycleLine(file, display, lineNo, text, fault, cycle, writes, ok, quorumNotMet, fail,
        List.copyOf(counts), extra.isEmpty() ? NO_EXTRA : extra);
  }

  /** The tally must be one a cycle can have measured. */
  private static void tally(Long writes, long ok, Long quorumNotMet, Long fail) throws Invalid {
    if (writes == null) {
      return;
    }
    notAbove("ok", ok, writes);
    notAbove("quorum_not_met", quorumNotMet, writes);
    notAbove("fail", fail, writes);
    if (quorumNotMet != null && fail != null && ok + quorumNotMet + fail != writes) {
      throw new Invalid("fields \"ok\" + \"quorum_not_met\" + \"fail\" = " + ok + " + "
          + quorumNotMet + " + " + fail + " = " + (ok + quorumNotMet + fail)
          + ", expected \"writes\" " + writes);
    }
  }

  private static void notAbove(String field, Long value, long writes) throws Invalid {
    if (value != null && value > writes) {
      throw new Invalid("field \"" + field + "\": " + value + " exceeds writes " + writes);
    }
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
    return value == null || value.isNull() ? null
        : integer(field, value, EvidenceLimits.MAX_COUNT);
  }

  private static long integer(String field, JsonNode value, long max) throws Invalid {
    Long n = Values.integer(value);
    if (n == null) {
      throw new Invalid("field \"" + field + "\": expected an integer, got " + describe(value));
    }
    if (n < 0) {
      throw new Invalid("field \"" + field + "\": expected a non-negative integer, got "
          + describe(value));
    }
    if (n > max) {
      throw new Invalid("field \"" + field + "\": " + n + " exceeds the ceiling of " + max);
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
        long n = Long.parseLong(raw);
        if (n > EvidenceLimits.MAX_COUNT) {
          throw new Invalid("field \"" + field + "\": " + n + " exceeds the ceiling of "
              + EvidenceLimits.MAX_COUNT);
        }
        return new Count(raw, n);
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
    if (n > EvidenceLimits.MAX_COUNT) {
      throw new Invalid("field \"" + field + "\": " + n + " exceeds the ceiling of "
          + EvidenceLimits.MAX_COUNT);
    }
    String raw = value.isBigDecimal() ? value.decimalValue().toPlainString() : value.asText();
    return new Count(raw, n);
  }

  static String describe(JsonNode value) {
    return Values.describe(value);
  }
}
