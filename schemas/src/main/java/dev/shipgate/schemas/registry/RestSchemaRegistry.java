package dev.shipgate.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of any registry speaking Confluent's REST API: Confluent Schema Registry, Apicurio
 * ({@code /apis/ccompat/v7}), Karapace, Redpanda. Registrations and lookups are cached, so the hot
 * path of a serde makes no HTTP call after the first record of a subject.
 *
 * <p>Calls go through {@link HttpURLConnection} (kept-alive connections reused), not the JDK's
 * {@code java.net.http.HttpClient}: in Java 17 that client keeps a selector thread waiting in
 * native code for as long as it lives, and a JVM ending with such a thread waits 300 ms for it
 * (measured: every one-shot command, {@code shipgate verdict} among them, 0.3 s slower to exit).
 */
public final class RestSchemaRegistry implements SchemaRegistry {
  private static final Logger log = LoggerFactory.getLogger(RestSchemaRegistry.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  /** Connect and read timeout of each call. */
  private final int millis;
  private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

  /**
   * @param baseUrl the API root, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7} for Apicurio
   *     or {@code http://host:8081} for Confluent
   */
  public RestSchemaRegistry(String baseUrl) {
    this(baseUrl, Duration.ofSeconds(10));
  }

  public RestSchemaRegistry(String baseUrl, Duration timeout) {
    if (baseUrl == null || !(baseUrl.startsWith("http://") || baseUrl.startsWith("https://"))) {
      throw new IllegalArgumentException(
          "schema.registry.url '" + baseUrl + "' is invalid: expected http(s)://host:port[/path]");
    }
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
  }

  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public int register(String subject, Schema schema) {
    String cacheKey = subject + '\u0000' + schema.toString();
    Integer cached = idsBySubjectAndSchema.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("schema", schema.toString());
    body.put("schemaType", "AVRO");
    JsonNode answer = call("POST", "/subjects/" + enc(subject) + "/versions", body);
    int id = answer.path("id").asInt(-1);
    if (id < 0) {
      throw new SchemaRegistryException("registry answered no id for subject " + subject, 0);
    }
    idsBySubjectAndSchema.put(cacheKey, id);
    schemasById.putIfAbsent(id, schema);
    log.debug("registered subject {} as id {}", subject, id);
    return id;
  }

  @Override
  public Schema schemaById(int id) {
    return schemasById.computeIfAbsent(id, i -> {
      JsonNode answer = call("GET", "/schemas/ids/" + i, null);
      return new Schema.Parser().parse(answer.path("schema").asText());
    });
  }

  @Override
  public void setCompatibility(String subject, String level) {
    ObjectNode body = JSON.createObjectNode();
    body.put("compatibility", level);
    call("PUT", "/config/" + enc(subject), body);
  }

  @Override
  public String compatibility(String subject) {
    try {
      JsonNode answer = call("GET", "/config/" + enc(subject), null);
      return text(answer);
    } catch (SchemaRegistryException e) {
      if (e.status() != 404) {
        throw e;
      }
      return text(call("GET", "/config", null));
    }
  }

  private static String text(JsonNode config) {
    JsonNode level = config.has("compatibilityLevel") ? config.get("compatibilityLevel")
        : config.get("compatibility");
    return level == null ? null : level.asText();
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    ObjectNode body = JSON.createObjectNode();
    body.put("schema", schema.toString());
    body.put("schemaType", "AVRO");
    try {
      JsonNode answer =
          call("POST", "/compatibility/subjects/" + enc(subject) + "/versions/latest", body);
      return answer.path("is_compatible").asBoolean(false);
    } catch (SchemaRegistryException e) {
      if (e.status() == 404) {
        return true; // no version yet: anything is compatible
      }
      throw e;
    }
  }

  private JsonNode call(String method, String path, JsonNode body) {
    int status;
    String answer;
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(baseUrl + path).toURL()
          .openConnection();
      c.setConnectTimeout(millis);
      c.setReadTimeout(millis);
      c.setRequestMethod(method);
      c.setRequestProperty("Accept", CONTENT_TYPE + ", application/json");
      if (body != null) {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        c.setRequestProperty("Content-Type", CONTENT_TYPE);
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(bytes.length);
        try (OutputStream out = c.getOutputStream()) {
          out.write(bytes);
        }
      }
      status = c.getResponseCode();
      try (InputStream in = status / 100 == 2 ? c.getInputStream() : c.getErrorStream()) {
        answer = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new SchemaRegistryException(
          "schema registry at " + baseUrl + " is unreachable (" + method + " " + path + "): " + e,
          e);
    }
    if (status / 100 != 2) {
      throw new SchemaRegistryException("schema registry " + method + " " + path + " answered "
          + status + ": " + oneLine(answer), status);
    }
    try {
      return answer.isEmpty() ? JSON.createObjectNode() : JSON.readTree(answer);
    } catch (IOException e) {
      throw new SchemaRegistryException("schema registry " + method + " " + path
          + " answered unreadable JSON: " + oneLine(answer), e);
    }
  }

  private static String oneLine(String s) {
    String flat = s == null ? "" : s.replaceAll("\\s+", " ").trim();
    return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
