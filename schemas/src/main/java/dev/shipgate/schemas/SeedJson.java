package dev.shipgate.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON as the original ship-gate wrote it: parsed without losing a number's text ({@code 1} stays
 * {@code 1}, {@code 0.2} stays {@code 0.2}, key order kept) and printed the way {@code jq} prints
 * it (two-space indent, {@code "key": value}, one array item per line, {@code []} and {@code {}}
 * when empty).
 */
public final class SeedJson {
  private SeedJson() {}

  /** A mapper that keeps decimals exact and key order as read. */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonWriteFeature.ESCAPE_NON_ASCII)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .build();

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /**
   * The most digits a number may have written out plainly ({@code 1e999999999} would be a billion):
   * {@link BigDecimal#toPlainString()} of a number beyond it costs memory without bound, so such
   * numbers are refused when read and never printed plainly.
   */
  public static final int MAX_PLAIN_DIGITS = 64;

  /**
   * Why {@code value} cannot be taken as a number (more than {@link #MAX_PLAIN_DIGITS} digits when
   * written out plainly: a huge exponent), in one line, or null when it can.
   */
  public static String numberProblem(BigDecimal value) {
    long integerDigits = Math.max(1L, (long) value.precision() - value.scale());
    long fractionDigits = Math.max(0L, value.scale());
    if (integerDigits + fractionDigits > MAX_PLAIN_DIGITS) {
      String text = value.toString();
      return "number " + (text.length() > 40 ? text.substring(0, 37) + "..." : text)
          + " is out of range (more than " + MAX_PLAIN_DIGITS + " digits written out)";
    }
    return null;
  }

  /**
   * Parses JSON text; throws {@link IllegalArgumentException} with a one-line message, also for a
   * number out of range ({@link #numberProblem}).
   */
  public static JsonNode parse(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      String problem = numberProblem(node);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
              + " column " + e.getLocation().getColumnNr()), e);
    }
  }

  /** The first number of {@code node} (depth first) that is out of range, or null. */
  private static String numberProblem(JsonNode node) {
    if (node == null) {
      return null;
    }
    if (node.isBigDecimal()) {
      return numberProblem(node.decimalValue());
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        String problem = numberProblem(child);
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  /** A decimal as a JSON number node, printed plainly ({@code 1}, {@code 0.2}, {@code 0.995}). */
  public static JsonNode decimal(BigDecimal value) {
    BigDecimal plain = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
    if (plain.scale() < 0) {
      plain = plain.setScale(0);
    }
    return MAPPER.getNodeFactory().numberNode(plain);
  }

  /** Compact single-line JSON (JSONL), keys in their order. */
  public static String compact(JsonNode node) {
    StringBuilder out = new StringBuilder();
    write(node, out, -1, 0);
    return out.toString();
  }

  /** jq-style pretty JSON, with a trailing newline. */
  public static String pretty(JsonNode node) {
    StringBuilder out = new StringBuilder();
    write(node, out, 2, 0);
    return out.append('\n').toString();
  }

  private static void write(JsonNode node, StringBuilder out, int indent, int depth) {
    boolean pretty = indent >= 0;
    if (node.isObject()) {
      if (node.isEmpty()) {
        out.append("{}");
        return;
      }
      out.append('{');
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      boolean first = true;
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!first) {
          out.append(',');
        }
        first = false;
        newline(out, indent, depth + 1);
        out.append(scalar(MAPPER.getNodeFactory().textNode(field.getKey())));
        out.append(pretty ? ": " : ":");
        write(field.getValue(), out, indent, depth + 1);
      }
      newline(out, indent, depth);
      out.append('}');
    } else if (node.isArray()) {
      if (node.isEmpty()) {
        out.append("[]");
        return;
      }
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        newline(out, indent, depth + 1);
        write(node.get(i), out, indent, depth + 1);
      }
      newline(out, indent, depth);
      out.append(']');
    } else if (node.isBigDecimal()) {
      BigDecimal d = node.decimalValue();
      // never a billion digits: a number out of range keeps its exponent
      out.append(numberProblem(d) == null ? d.toPlainString() : d.toString());
    } else {
      out.append(scalar(node));
    }
  }

  private static void newline(StringBuilder out, int indent, int depth) {
    if (indent >= 0) {
      out.append('\n').append(" ".repeat(indent * depth));
    }
  }

  private static String scalar(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
