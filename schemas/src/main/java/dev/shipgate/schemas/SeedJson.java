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

  /** Parses JSON text; throws {@link IllegalArgumentException} with a one-line message. */
  public static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
              + " column " + e.getLocation().getColumnNr()), e);
    }
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
      out.append(node.decimalValue().toPlainString());
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
