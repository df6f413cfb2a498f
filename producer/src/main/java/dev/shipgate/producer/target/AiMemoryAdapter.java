package dev.shipgate.producer.target;

import static dev.shipgate.producer.target.AdapterSupport.describe;
import static dev.shipgate.producer.target.AdapterSupport.elapsed;
import static dev.shipgate.producer.target.AdapterSupport.errorText;

import dev.shipgate.producer.settings.Settings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.producer.remote.Node;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The seed's target, ai-memory, through its HTTP API.
 *
 * <p>Write: {@code POST /api/v1/memories} with {@code {"title": writeId, "content": ...,
 * "namespace": namespace, "tier": "mid"}}; 201 is OK, 503 is QUORUM_NOT_MET (the server's
 * {@code quorum_not_met}), any other status FAIL, a timeout or connection error INDETERMINATE.
 *
 * <p>Observe: {@code GET /api/v1/memories?namespace=&limit=&offset=} on the node itself, paged
 * until a short page ({@code {"memories": [{"title": ...}, ...], "count": n}}); ids are the
 * titles, count is how many memories were listed. Health: {@code GET /api/v1/health} answering
 * 200. ai-memory has no leader: the primary is the configured one (index 0) while it is healthy.
 */
public final class AiMemoryAdapter implements TargetAdapter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final Duration writeTimeout;
  private final Duration readTimeout;
  private final int pageSize;

  public AiMemoryAdapter(Duration writeTimeout, Duration readTimeout, int pageSize) {
    this.writeTimeout = writeTimeout;
    this.readTimeout = readTimeout;
    this.pageSize = pageSize;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(readTimeout)
        .build();
  }

  /**
   * Settings: {@code write_timeout_ms} (default 2000), {@code read_timeout_ms} (default 1000),
   * {@code page_size} (memories per list request, default 200: the server's own cap).
   */
  public static AiMemoryAdapter fromSettings(Map<String, String> settings) {
    Settings s = new Settings("ai-memory", settings);
    return new AiMemoryAdapter(s.positiveMillis("write_timeout_ms", Duration.ofMillis(2000)),
        s.positiveMillis("read_timeout_ms", Duration.ofMillis(1000)), s.positiveInt("page_size", 200));
  }

  @Override
  public String name() {
    return "ai-memory";
  }

  @Override
  public WriteAttempt write(Node node, String namespace, String writeId) {
    ObjectNode body = JSON.createObjectNode();
    body.put("title", writeId);
    body.put("content", "shipgate write " + writeId + " at " + System.currentTimeMillis());
    body.put("namespace", namespace);
    body.put("tier", "mid");
    long start = System.nanoTime();
    HttpResponse<String> response;
    try {
      response = http.send(HttpRequest.newBuilder(uri(node, "/api/v1/memories"))
          .timeout(writeTimeout)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
          .build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      return new WriteAttempt(null, WriteOutcome.INDETERMINATE, elapsed(start),
          "connection refused (not sent): " + describe(e));
    } catch (HttpTimeoutException e) {
      return new WriteAttempt(null, WriteOutcome.INDETERMINATE, elapsed(start),
          "timeout after " + writeTimeout.toMillis() + " ms");
    } catch (IOException e) {
      return new WriteAttempt(null, WriteOutcome.INDETERMINATE, elapsed(start),
          "connection error: " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new WriteAttempt(null, WriteOutcome.INDETERMINATE, elapsed(start), "interrupted");
    }
    long latency = elapsed(start);
    int status = response.statusCode();
    return switch (status) {
      case 201 -> new WriteAttempt(201, WriteOutcome.OK, latency, null);
      case 503 -> new WriteAttempt(503, WriteOutcome.QUORUM_NOT_MET, latency,
          errorText(response.body()));
      default -> new WriteAttempt(status, WriteOutcome.FAIL, latency,
          "HTTP " + status + ": " + errorText(response.body()));
    };
  }

  @Override
  public NodeState observe(Node node, String namespace) {
    Set<String> titles = new LinkedHashSet<>();
    long listed = 0;
    for (int offset = 0; ; offset += pageSize) {
      String path = "/api/v1/memories?namespace=" + URLEncoder.encode(namespace,
          StandardCharsets.UTF_8) + "&limit=" + pageSize + "&offset=" + offset;
      JsonNode page;
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(node, path))
            .timeout(readTimeout).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          return NodeState.unreadable("HTTP " + r.statusCode() + ": " + errorText(r.body()));
        }
        page = JSON.readTree(r.body());
      } catch (HttpTimeoutException e) {
        return NodeState.unreadable("timeout after " + readTimeout.toMillis() + " ms");
      } catch (IOException e) {
        return NodeState.unreadable("connection error: " + describe(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return NodeState.unreadable("interrupted");
      }
      JsonNode memories = page.path("memories");
      if (!memories.isArray()) {
        return NodeState.unreadable("list answer has no memories array");
      }
      for (JsonNode m : memories) {
        // the namespace filter is the server's; check it rather than trust it
        if (namespace.equals(m.path("namespace").asText(namespace))) {
          titles.add(m.path("title").asText());
          listed++;
        }
      }
      if (memories.size() < pageSize) {
        break;
      }
    }
    String error = listed == titles.size() ? null
        : (listed - titles.size()) + " duplicate titles listed";
    return new NodeState((long) titles.size(), new ArrayList<>(titles), error);
  }

  @Override
  public Optional<Node> primary(List<Node> nodes) {
    return nodes.stream().filter(n -> n.index() == 0).findFirst().filter(this::healthy);
  }

  @Override
  public boolean healthy(Node node) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(node, "/api/v1/health"))
          .timeout(readTimeout).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static URI uri(Node node, String pathAndQuery) {
    return URI.create("http://" + node.address() + ":" + node.clientPort() + pathAndQuery);
  }


}
