package dev.shipgate.producer.importer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipgate.schemas.SeedJson;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A JSON document parsed like {@link SeedJson#MAPPER} (exact decimals, key order kept) that also
 * remembers the line of every value, by JSON pointer, so a validation error can name it.
 */
final class LocatedJson {

  /** The text is not JSON; {@link #line()} is where the parser stopped. */
  static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;

    SyntaxError(String message, int line) {
      super(message);
      this.line = line;
    }

    int line() {
      return line;
    }
  }

  /** A number too large to be read safely; becomes a {@link SyntaxError} naming its line. */
  private static final class OutOfRange extends IOException {
    private static final long serialVersionUID = 1L;
    private final int line;

    OutOfRange(String message, int line) {
      super(message);
      this.line = line;
    }
  }

  private final JsonNode root;
  private final Map<String, Integer> lines;

  private LocatedJson(JsonNode root, Map<String, Integer> lines) {
    this.root = root;
    this.lines = lines;
  }

  static LocatedJson parse(String text) throws SyntaxError {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser parser = SeedJson.MAPPER.getFactory().createParser(text)) {
      if (parser.nextToken() == null) {
        throw new SyntaxError("empty document", 1);
      }
      JsonNode root = read(parser, "", lines, SeedJson.MAPPER.getNodeFactory());
      if (parser.nextToken() != null) {
        throw new SyntaxError("unexpected content after the JSON value",
            parser.currentTokenLocation().getLineNr());
      }
      return new LocatedJson(root, lines);
    } catch (OutOfRange e) {
      throw new SyntaxError(e.getMessage(), e.line);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
      throw new SyntaxError("invalid JSON: " + oneLine(e.getOriginalMessage()), line);
    } catch (IOException e) {
      throw new SyntaxError("invalid JSON: " + oneLine(e.getMessage()), 1);
    }
  }

  private static JsonNode read(JsonParser p, String pointer, Map<String, Integer> lines,
      JsonNodeFactory nodes) throws IOException {
    lines.put(pointer, p.currentTokenLocation().getLineNr());
    JsonToken token = p.currentToken();
    switch (token) {
      case START_OBJECT: {
        ObjectNode object = nodes.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          object.set(name, read(p, pointer + "/" + escape(name), lines, nodes));
        }
        return object;
      }
      case START_ARRAY: {
        ArrayNode array = nodes.arrayNode();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          array.add(read(p, pointer + "/" + i++, lines, nodes));
        }
        return array;
      }
      case VALUE_STRING:
        return nodes.textNode(p.getText());
      case VALUE_NUMBER_INT:
        switch (p.getNumberType()) {
          case INT:
            return nodes.numberNode(p.getIntValue());
          case LONG:
            return nodes.numberNode(p.getLongValue());
          default:
            return nodes.numberNode(p.getBigIntegerValue());
        }
      case VALUE_NUMBER_FLOAT: {
        java.math.BigDecimal value = p.getDecimalValue();
        String problem = SeedJson.numberProblem(value);
        if (problem != null) {
          throw new OutOfRange(problem, p.currentTokenLocation().getLineNr());
        }
        return nodes.numberNode(value);
      }
      case VALUE_TRUE:
        return nodes.booleanNode(true);
      case VALUE_FALSE:
        return nodes.booleanNode(false);
      case VALUE_NULL:
        return nodes.nullNode();
      default:
        throw new IllegalStateException("unexpected token " + token);
    }
  }

  private static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }

  static String oneLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    String flat = message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
  }

  JsonNode root() {
    return root;
  }

  /** The root as a {@link Located}. */
  Located located() {
    return new Located(this, "", root);
  }

  /** Line of the value at {@code pointer}, or of its closest located ancestor. */
  int line(String pointer) {
    String p = pointer;
    while (true) {
      Integer line = lines.get(p);
      if (line != null) {
        return line;
      }
      if (p.isEmpty()) {
        return 1;
      }
      p = p.substring(0, Math.max(0, p.lastIndexOf('/')));
    }
  }

  /** A value inside a {@link LocatedJson} document. */
  record Located(LocatedJson doc, String pointer, JsonNode node) {
    Located child(String field) {
      JsonNode value = node.get(field);
      return new Located(doc, pointer + "/" + escape(field), value);
    }

    Located element(int index) {
      return new Located(doc, pointer + "/" + index, node.get(index));
    }

    int line() {
      return doc.line(pointer);
    }

    int line(String field) {
      return doc.line(pointer + "/" + escape(field));
    }
  }
}
