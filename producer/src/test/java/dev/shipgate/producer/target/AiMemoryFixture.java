package dev.shipgate.producer.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.shipgate.producer.remote.Node;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Three ai-memory nodes on 127.0.0.1 answering the seed's HTTP API shapes: {@code POST
 * /api/v1/memories} (201 {"id","tier","namespace","title"}), {@code GET /api/v1/memories}
 * ({"memories": [...], "count": n}, limit capped at 200, offset), {@code GET /api/v1/health}.
 * A write to any node is stored there and copied to its peers, unless the test drops the copy to
 * a peer, loses quorum (stored locally, 503 quorum_not_met), fails writes with a status, or
 * delays answers.
 */
final class AiMemoryFixture implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] NAMES = {"a", "b", "c"};

  final class FixtureNode {
    final String name;
    final HttpServer server;
    /** namespace → title → memory, in insertion order. */
    final Map<String, LinkedHashMap<String, ObjectNode>> store = new HashMap<>();

    FixtureNode(String name, HttpServer server) {
      this.name = name;
      this.server = server;
    }

    synchronized void put(ObjectNode memory) {
      store.computeIfAbsent(memory.path("namespace").asText(), k -> new LinkedHashMap<>())
          .put(memory.path("title").asText(), memory);
    }

    synchronized List<ObjectNode> list(String namespace) {
      return new ArrayList<>(store.getOrDefault(namespace, new LinkedHashMap<>()).values());
    }
  }

  private final List<FixtureNode> fixtureNodes = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "ai-memory-fixture");
    t.setDaemon(true);
    return t;
  });
  private final Set<String> droppedPeers = ConcurrentHashMap.newKeySet();
  private volatile boolean quorumLost;
  private volatile int failStatus;
  private volatile Duration delay = Duration.ZERO;

  static AiMemoryFixture start() throws IOException {
    AiMemoryFixture f = new AiMemoryFixture();
    try {
      for (int i = 0; i < NAMES.length; i++) {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        FixtureNode fn = f.new FixtureNode(NAMES[i], server);
        server.createContext("/api/v1/memories", ex -> f.memories(fn, ex));
        server.createContext("/api/v1/health", ex -> respond(ex, 200,
            JSON.createObjectNode().put("status", "ok").put("service", "ai-memory")));
        server.setExecutor(f.executor);
        server.start();
        f.fixtureNodes.add(fn);
        f.nodes.add(new Node(NAMES[i], i, "127.0.0.1", 0, null, null, null,
            server.getAddress().getPort(), 0, null, null, null));
      }
    } catch (IOException e) {
      f.close();
      throw e;
    }
    return f;
  }

  List<Node> nodes() {
    return nodes;
  }

  /** Copies of writes stop reaching {@code peer} (its own direct writes still land). */
  void dropReplicationTo(String peer) {
    droppedPeers.add(peer);
  }

  /** Writes are stored on the receiving node only and answered 503 quorum_not_met. */
  void loseQuorum(boolean lost) {
    quorumLost = lost;
  }

  /** Writes are answered with {@code status} and not stored (0: normal answers). */
  void failWritesWith(int status) {
    failStatus = status;
  }

  /** Every write is answered only after {@code d}. */
  void delayWrites(Duration d) {
    delay = d;
  }

  private void memories(FixtureNode node, HttpExchange ex) throws IOException {
    switch (ex.getRequestMethod()) {
      case "POST" -> create(node, ex);
      case "GET" -> list(node, ex);
      default -> respond(ex, 405, JSON.createObjectNode().put("error", "method not allowed"));
    }
  }

  private void create(FixtureNode node, HttpExchange ex) throws IOException {
    JsonNode body = JSON.readTree(ex.getRequestBody());
    if (!delay.isZero()) {
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (failStatus != 0) {
      respond(ex, failStatus, JSON.createObjectNode().put("error", "internal server error"));
      return;
    }
    String title = body.path("title").asText("");
    String namespace = body.path("namespace").asText("");
    if (title.isEmpty() || body.path("content").asText("").isEmpty()) {
      respond(ex, 400, JSON.createObjectNode().put("error", "title and content are required"));
      return;
    }
    ObjectNode memory = JSON.createObjectNode()
        .put("id", UUID.randomUUID().toString())
        .put("tier", body.path("tier").asText("mid"))
        .put("namespace", namespace)
        .put("title", title)
        .put("content", body.path("content").asText());
    node.put(memory);
    if (quorumLost) {
      respond(ex, 503, JSON.createObjectNode().put("error", "quorum_not_met")
          .put("detail", "0 of 2 peers acknowledged"));
      return;
    }
    for (FixtureNode peer : fixtureNodes) {
      if (peer != node && !droppedPeers.contains(peer.name)) {
        peer.put(memory.deepCopy());
      }
    }
    respond(ex, 201, JSON.createObjectNode().put("id", memory.path("id").asText())
        .put("tier", memory.path("tier").asText()).put("namespace", namespace)
        .put("title", title));
  }

  private void list(FixtureNode node, HttpExchange ex) throws IOException {
    Map<String, String> q = query(ex.getRequestURI().getRawQuery());
    int limit = Math.min(Integer.parseInt(q.getOrDefault("limit", "20")), 200);
    int offset = Integer.parseInt(q.getOrDefault("offset", "0"));
    List<ObjectNode> all = node.list(q.getOrDefault("namespace", ""));
    ArrayNode page = JSON.createArrayNode();
    for (int i = offset; i < Math.min(all.size(), offset + limit); i++) {
      page.add(all.get(i));
    }
    ObjectNode answer = JSON.createObjectNode();
    answer.set("memories", page);
    answer.put("count", page.size());
    respond(ex, 200, answer);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return q;
  }

  private static void respond(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    try {
      ex.sendResponseHeaders(status, bytes.length);
      ex.getResponseBody().write(bytes);
    } catch (IOException e) {
      // the client gave up (timeout tests): nothing to answer
    } finally {
      ex.close();
    }
  }

  /** Stops one node: its port refuses connections afterwards. */
  void stop(String name) {
    fixtureNodes.stream().filter(n -> n.name.equals(name)).forEach(n -> n.server.stop(0));
  }

  @Override
  public void close() {
    fixtureNodes.forEach(n -> n.server.stop(0));
    executor.shutdownNow();
  }
}
