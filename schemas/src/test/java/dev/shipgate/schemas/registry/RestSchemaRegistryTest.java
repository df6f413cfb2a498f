package dev.shipgate.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The REST client against a stand-in registry on loopback (the JDK's HTTP server answering as
 * Confluent's API does): what it sends, what it caches, and the one-line errors it raises. The
 * real registry is exercised by the integration tests.
 */
class RestSchemaRegistryTest {
  private static final Schema SCHEMA = new Schema.Parser().parse(
      "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");

  private HttpServer server;
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private String base;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String path = exchange.getRequestURI().getRawPath();
      calls.add(exchange.getRequestMethod() + " " + path + " "
          + exchange.getRequestHeaders().getFirst("Content-Type") + " " + body);
      int status;
      String answer;
      if (path.equals("/subjects/t-value/versions")) {
        status = 200;
        answer = "{\"id\":7}";
      } else if (path.equals("/schemas/ids/7")) {
        status = 200;
        answer = "{\"schema\":" + com.fasterxml.jackson.databind.node.TextNode
            .valueOf(SCHEMA.toString()) + "}";
      } else if (path.equals("/compatibility/subjects/new-value/versions/latest")) {
        status = 404;
        answer = "{\"error_code\":40401,\"message\":\"Subject not found\"}";
      } else {
        status = 500;
        answer = "{\"message\":\"boom\n  at line 2\"}";
      }
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void shouldRegisterOnceAndLookUpByIdFromTheCache() {
    RestSchemaRegistry registry = new RestSchemaRegistry(base + "/", Duration.ofSeconds(5));

    assertEquals(7, registry.register("t-value", SCHEMA));
    assertEquals(7, registry.register("t-value", SCHEMA), "cached");
    assertEquals(SCHEMA, registry.schemaById(7), "known from the registration");

    assertEquals(1, calls.size(), calls.toString());
    String call = calls.get(0);
    assertTrue(call.startsWith("POST /subjects/t-value/versions"
        + " application/vnd.schemaregistry.v1+json {\"schema\":"), call);
    assertTrue(call.endsWith(",\"schemaType\":\"AVRO\"}"), call);
  }

  @Test
  void shouldFetchAnUnknownIdOnce() {
    RestSchemaRegistry registry = new RestSchemaRegistry(base, Duration.ofSeconds(5));

    assertEquals(SCHEMA, registry.schemaById(7));
    assertEquals(SCHEMA, registry.schemaById(7));

    assertEquals(List.of("GET /schemas/ids/7 null "), calls);
  }

  @Test
  void shouldTakeAMissingSubjectAsCompatibleAndReportAnyOtherErrorInOneLine() {
    RestSchemaRegistry registry = new RestSchemaRegistry(base, Duration.ofSeconds(5));

    assertTrue(registry.isCompatible("new-value", SCHEMA));
    SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
        () -> registry.setCompatibility("t-value", "BACKWARD"));
    assertEquals(500, e.status());
    assertEquals("schema registry PUT /config/t-value answered 500: {\"message\":\"boom at line"
        + " 2\"}", e.getMessage());
  }

  @Test
  void shouldNameTheRegistryWhenNothingListens() throws IOException {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    RestSchemaRegistry registry = new RestSchemaRegistry("http://127.0.0.1:" + port,
        Duration.ofSeconds(2));

    SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
        () -> registry.schemaById(1));
    assertTrue(e.getMessage().startsWith("schema registry at http://127.0.0.1:" + port
        + " is unreachable (GET /schemas/ids/1): java.net.ConnectException"), e.getMessage());
  }
}
