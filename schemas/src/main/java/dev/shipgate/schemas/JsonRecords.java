package dev.shipgate.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro records as plain JSON, the way an analyst reads them: field names as in the schema, a
 * nullable field as its value or {@code null} (not Avro's {@code {"string": ...}} union form),
 * enums as their names, timestamps as ISO-8601 instants. The mapping goes both ways for the
 * record types shipgate publishes, so a client can read a record served over HTTP back into
 * its class.
 */
public final class JsonRecords {
  private JsonRecords() {}

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** {@code record} as a JSON object. */
  public static ObjectNode toJson(SpecificRecord record) {
    return (ObjectNode) value(record.getSchema(), record);
  }

  /** The JSON text of {@code node}. */
  public static String text(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses JSON text (one document). */
  public static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * A record of {@code type} from its JSON form.
   *
   * @throws IllegalArgumentException naming the field and the value when the JSON does not fit
   */
  public static <T extends SpecificRecord> T fromJson(JsonNode json, Class<T> type) {
    Schema schema = SpecificData.get().getSchema(type);
    @SuppressWarnings("unchecked")
    T record = (T) read(schema, json, schema.getName());
    return record;
  }

  private static JsonNode value(Schema schema, Object v) {
    if (v == null) {
      return NODES.nullNode();
    }
    LogicalType logical = schema.getLogicalType();
    switch (schema.getType()) {
      case RECORD -> {
        SpecificRecord r = (SpecificRecord) v;
        ObjectNode o = NODES.objectNode();
        for (Schema.Field f : schema.getFields()) {
          o.set(f.name(), value(f.schema(), r.get(f.pos())));
        }
        return o;
      }
      case UNION -> {
        for (Schema branch : schema.getTypes()) {
          if (branch.getType() != Schema.Type.NULL) {
            return value(branch, v);
          }
        }
        return NODES.nullNode();
      }
      case ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        for (Object item : (List<?>) v) {
          a.add(value(schema.getElementType(), item));
        }
        return a;
      }
      case MAP -> {
        ObjectNode o = NODES.objectNode();
        ((Map<?, ?>) v).forEach((k, item) -> o.set(k.toString(), value(schema.getValueType(),
            item)));
        return o;
      }
      case ENUM, STRING -> {
        return NODES.textNode(v.toString());
      }
      case LONG -> {
        if (logical instanceof LogicalTypes.TimestampMillis && v instanceof Instant i) {
          return NODES.textNode(i.toString());
        }
        return NODES.numberNode(((Number) v).longValue());
      }
      case INT -> {
        return NODES.numberNode(((Number) v).intValue());
      }
      case DOUBLE, FLOAT -> {
        double d = ((Number) v).doubleValue();
        return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(Double.toString(d));
      }
      case BOOLEAN -> {
        return NODES.booleanNode((Boolean) v);
      }
      default -> throw new IllegalArgumentException("unsupported Avro type " + schema.getType());
    }
  }

  private static Object read(Schema schema, JsonNode json, String path) {
    switch (schema.getType()) {
      case RECORD -> {
        if (json == null || !json.isObject()) {
          throw problem(path, json, "an object");
        }
        SpecificRecord r = (SpecificRecord) SpecificData.get().newRecord(null, schema);
        for (Schema.Field f : schema.getFields()) {
          JsonNode field = json.get(f.name());
          if (field == null && f.hasDefaultValue()) {
            r.put(f.pos(), SpecificData.get().deepCopy(f.schema(),
                SpecificData.get().getDefaultValue(f)));
          } else {
            r.put(f.pos(), read(f.schema(), field, path + "." + f.name()));
          }
        }
        return r;
      }
      case UNION -> {
        if (json == null || json.isNull()) {
          if (schema.getTypes().stream().anyMatch(b -> b.getType() == Schema.Type.NULL)) {
            return null;
          }
          throw problem(path, json, "a value");
        }
        for (Schema branch : schema.getTypes()) {
          if (branch.getType() != Schema.Type.NULL) {
            return read(branch, json, path);
          }
        }
        throw problem(path, json, "null");
      }
      case ARRAY -> {
        if (json == null || !json.isArray()) {
          throw problem(path, json, "an array");
        }
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
          items.add(read(schema.getElementType(), json.get(i), path + "[" + i + "]"));
        }
        return items;
      }
      case MAP -> {
        if (json == null || !json.isObject()) {
          throw problem(path, json, "an object");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        json.fields().forEachRemaining(e -> m.put(e.getKey(),
            read(schema.getValueType(), e.getValue(), path + "." + e.getKey())));
        return m;
      }
      case ENUM -> {
        if (json == null || !json.isTextual() || !schema.hasEnumSymbol(json.asText())) {
          throw problem(path, json, "one of " + schema.getEnumSymbols());
        }
        return SpecificData.get().createEnum(json.asText(), schema);
      }
      case STRING -> {
        if (json == null || !json.isTextual()) {
          throw problem(path, json, "a string");
        }
        return json.asText();
      }
      case LONG -> {
        if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
          if (json == null || !json.isTextual()) {
            throw problem(path, json, "an ISO-8601 instant");
          }
          try {
            return Instant.parse(json.asText());
          } catch (DateTimeParseException e) {
            throw problem(path, json, "an ISO-8601 instant");
          }
        }
        if (json == null || !json.canConvertToLong() || !json.isIntegralNumber()) {
          throw problem(path, json, "an integer");
        }
        return json.longValue();
      }
      case INT -> {
        if (json == null || !json.isIntegralNumber() || !json.canConvertToInt()) {
          throw problem(path, json, "an int");
        }
        return json.intValue();
      }
      case DOUBLE, FLOAT -> {
        if (json != null && json.isTextual()) {
          String t = json.asText();
          if (t.equals("NaN") || t.equals("Infinity") || t.equals("-Infinity")) {
            return schema.getType() == Schema.Type.FLOAT ? (Object) Float.parseFloat(t)
                : (Object) Double.parseDouble(t);
          }
        }
        if (json == null || !json.isNumber()) {
          throw problem(path, json, "a number");
        }
        return schema.getType() == Schema.Type.FLOAT ? (Object) json.floatValue()
            : (Object) json.doubleValue();
      }
      case BOOLEAN -> {
        if (json == null || !json.isBoolean()) {
          throw problem(path, json, "true or false");
        }
        return json.booleanValue();
      }
      default -> throw new IllegalArgumentException("unsupported Avro type " + schema.getType());
    }
  }

  private static IllegalArgumentException problem(String path, JsonNode json, String expected) {
    String got = json == null ? "nothing" : json.toString();
    if (got.length() > 80) {
      got = got.substring(0, 77) + "...";
    }
    return new IllegalArgumentException(path + ": expected " + expected + ", got " + got);
  }
}
