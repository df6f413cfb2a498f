package dev.shipgate.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 */
public final class RestSchemaRegistry implements SchemaRegistry {
  private static final Logger log = LoggerFactory.getLogger(RestSchemaRegistry.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final HttpClient http;
  private final Duration timeout;
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
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
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
    URI uri = URI.create(baseUrl + path);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Accept", CONTENT_TYPE + ", application/json");
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", CONTENT_TYPE)
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new SchemaRegistryException(
          "schema registry at " + baseUrl + " is unreachable (" + method + " " + path + "): " + e,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException("interrupted calling the schema registry", e);
    }
    int status = response.statusCode();
    if (status / 100 != 2) {
      throw new SchemaRegistryException("schema registry " + method + " " + path + " answered "
          + status + ": " + oneLine(response.body()), status);
    }
    try {
      return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new SchemaRegistryException("schema registry " + method + " " + path
          + " answered unreadable JSON: " + oneLine(response.body()), e);
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
