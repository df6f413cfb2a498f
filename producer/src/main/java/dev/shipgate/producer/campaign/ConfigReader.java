package dev.shipgate.producer.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads typed values out of a parsed campaign file, in the spirit of Kafka's ConfigDef: every key
 * has a type, a default (or is required) and a validator; every problem is collected as one line
 * naming the key path and the value, and keys nobody asked for are reported as unknown.
 */
final class ConfigReader {
  private final List<String> problems = new ArrayList<>();
  private final Map<String, String> origins;

  /** @param origins key path → the CLI option that set it, named in messages */
  ConfigReader(Map<String, String> origins) {
    this.origins = origins;
  }

  List<String> problems() {
    return problems;
  }

  void problem(String path, String message) {
    problems.add(label(path) + ": " + message);
  }

  String label(String path) {
    String origin = origins.get(path);
    return origin == null ? path : path + " (" + origin + ")";
  }

  Section root(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      problems.add("campaign file is empty: expected a mapping of keys");
      return new Section("", JsonNodeFactory.instance.objectNode());
    }
    if (!node.isObject()) {
      problems.add("campaign file: expected a mapping of keys, got " + show(node));
      return new Section("", JsonNodeFactory.instance.objectNode());
    }
    return new Section("", (ObjectNode) node);
  }

  static String show(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    if (n.isNull()) {
      return "null";
    }
    if (n.isTextual()) {
      return "\"" + n.asText() + "\"";
    }
    if (n.isObject()) {
      return "a mapping";
    }
    if (n.isArray()) {
      return "a list";
    }
    return n.asText();
  }

  /** A mapping in the file; {@link #end()} reports the keys that were never read. */
  final class Section {
    final String path;
    final ObjectNode node;
    private final Set<String> known = new LinkedHashSet<>();

    Section(String path, ObjectNode node) {
      this.path = path;
      this.node = node;
    }

    String path(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
      JsonNode n = node.get(key);
      return n != null && !n.isNull();
    }

    private JsonNode get(String key) {
      known.add(key);
      JsonNode n = node.get(key);
      return n == null || n.isNull() ? null : n;
    }

    Section section(String key) {
      JsonNode n = get(key);
      if (n == null) {
        return new Section(path(key), JsonNodeFactory.instance.objectNode());
      }
      if (!n.isObject()) {
        problem(path(key), "expected a mapping, got " + show(n));
        return new Section(path(key), JsonNodeFactory.instance.objectNode());
      }
      return new Section(path(key), (ObjectNode) n);
    }

    /** The list under {@code key}; null (and a problem when required) when absent or not a list. */
    ArrayNode list(String key, boolean required, String what) {
      JsonNode n = get(key);
      if (n == null) {
        if (required) {
          problem(path(key), "missing: expected " + what);
        }
        return null;
      }
      if (!n.isArray()) {
        problem(path(key), "expected " + what + ", got " + show(n));
        return null;
      }
      return (ArrayNode) n;
    }

    String requiredString(String key) {
      JsonNode n = get(key);
      if (n == null) {
        problem(path(key), "missing: expected a string");
        return null;
      }
      return text(key, n);
    }

    String string(String key, String def) {
      JsonNode n = get(key);
      return n == null ? def : text(key, n);
    }

    private String text(String key, JsonNode n) {
      if (!n.isValueNode() || n.asText().isBlank()) {
        problem(path(key), "expected a non-empty string, got " + show(n));
        return null;
      }
      return n.asText();
    }

    String oneOf(String key, Collection<String> allowed, String def) {
      JsonNode n = get(key);
      if (n == null) {
        if (def == null) {
          problem(path(key), "missing: expected one of " + String.join(", ", allowed));
        }
        return def;
      }
      if (!n.isTextual() || !allowed.contains(n.asText())) {
        problem(path(key), "expected one of " + String.join(", ", allowed) + ", got " + show(n));
        return def;
      }
      return n.asText();
    }

    /** An integer in [min, max]; {@code def} null means required. */
    int integer(String key, Integer def, long min, long max) {
      JsonNode n = get(key);
      if (n == null) {
        if (def == null) {
          problem(path(key), "missing: expected " + range(min, max));
          return 0;
        }
        return def;
      }
      if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asLong() < min || n.asLong() > max) {
        problem(path(key), "expected " + range(min, max) + ", got " + show(n));
        return def == null ? 0 : def;
      }
      return n.asInt();
    }

    long longValue(String key, long def, long min) {
      JsonNode n = get(key);
      if (n == null) {
        return def;
      }
      if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min) {
        problem(path(key), "expected an integer >= " + min + ", got " + show(n));
        return def;
      }
      return n.asLong();
    }

    double decimal(String key, double def, double minExclusive) {
      JsonNode n = get(key);
      if (n == null) {
        return def;
      }
      if (!n.isNumber() || !Double.isFinite(n.asDouble()) || n.asDouble() <= minExclusive) {
        problem(path(key), "expected a number > " + minExclusive + ", got " + show(n));
        return def;
      }
      return n.asDouble();
    }

    boolean bool(String key, boolean def) {
      JsonNode n = get(key);
      if (n == null) {
        return def;
      }
      if (!n.isBoolean()) {
        problem(path(key), "expected true or false, got " + show(n));
        return def;
      }
      return n.asBoolean();
    }

    /** A mapping of scalar values, as strings (adapter settings). */
    Map<String, String> stringMap(String key) {
      JsonNode n = get(key);
      Map<String, String> out = new LinkedHashMap<>();
      if (n == null) {
        return out;
      }
      if (!n.isObject()) {
        problem(path(key), "expected a mapping of settings, got " + show(n));
        return out;
      }
      n.properties().forEach(e -> {
        if (e.getValue().isValueNode() && !e.getValue().isNull()) {
          out.put(e.getKey(), e.getValue().asText());
        } else {
          problem(path(key) + "." + e.getKey(),
              "expected a string, number or boolean, got " + show(e.getValue()));
        }
      });
      return out;
    }

    /** Marks {@code key} as known without reading it (read elsewhere). */
    void accept(String key) {
      known.add(key);
    }

    /** Reports every key of this mapping that was not read: a typo must not silently default. */
    void end() {
      node.properties().forEach(e -> {
        String k = e.getKey();
        if (!known.contains(k)) {
          problem(path(k), "unknown key (expected one of: " + String.join(", ", known) + ")");
        }
      });
    }
  }

  private static String range(long min, long max) {
    if (max == Integer.MAX_VALUE || max == Long.MAX_VALUE) {
      return "an integer >= " + min;
    }
    return "an integer between " + min + " and " + max;
  }
}
