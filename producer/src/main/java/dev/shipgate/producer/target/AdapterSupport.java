package dev.shipgate.producer.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Small helpers the adapters share to turn answers and failures into outcome texts. */
final class AdapterSupport {
  private AdapterSupport() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An HTTP error body's text: its JSON {@code error} (or {@code message}), else the raw body. */
  static String errorText(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      String text = n.path("error").asText(n.path("message").asText(""));
      if (!text.isEmpty()) {
        return text;
      }
    } catch (IOException | RuntimeException ignored) {
      // not JSON: report the body itself
    }
    return body == null || body.isBlank() ? "(empty body)" : body.strip();
  }

  static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  static long elapsed(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
