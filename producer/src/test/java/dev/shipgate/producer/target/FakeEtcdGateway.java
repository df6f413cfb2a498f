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
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * One etcd member's JSON gateway as 3.4 answers it: base64 keys and values, int64 as strings,
 * zero-valued fields omitted, errors as {"error","code","message"}. Records every request body.
 */
final class FakeEtcdGateway implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  final Map<String, String> kv = new ConcurrentSkipListMap<>();
  volatile String memberId = "10501334649042878790";
  volatile String leaderId = "10501334649042878790";
  volatile String health = "true";
  /** When set, every put is answered with this status and body instead of being stored. */
  volatile int putStatus;
  volatile String putBody;
  volatile long putDelayMillis;
  private final HttpServer server;

  FakeEtcdGateway() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fake-etcd");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/v3/kv/put", this::put);
    server.createContext("/v3/kv/range", this::range);
    server.createContext("/v3/maintenance/status", this::status);
    server.createContext("/health", ex -> respond(ex, 200, "{\"health\":\"" + health + "\"}"));
    server.start();
  }

  Node node(String name, int index) {
    return new Node(name, index, "127.0.0.1", 0, null, null, null,
        server.getAddress().getPort(), 0, null, null, null);
  }

  private ObjectNode header() {
    ObjectNode h = JSON.createObjectNode();
    h.put("cluster_id", "14841639068965178418");
    h.put("member_id", memberId);
    h.put("revision", "7");
    h.put("raft_term", "2");
    return h;
  }

  private void put(HttpExchange ex) throws IOException {
    JsonNode body = JSON.readTree(ex.getRequestBody());
    requests.add(body);
    if (putDelayMillis > 0) {
      try {
        Thread.sleep(putDelayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (putStatus != 0) {
      respond(ex, putStatus, putBody);
      return;
    }
    kv.put(decode(body.path("key").asText()), decode(body.path("value").asText()));
    ObjectNode answer = JSON.createObjectNode();
    answer.set("header", header());
    respond(ex, 200, JSON.writeValueAsString(answer));
  }

  private void range(HttpExchange ex) throws IOException {
    JsonNode body = JSON.readTree(ex.getRequestBody());
    requests.add(body);
    String from = decode(body.path("key").asText());
    String to = decode(body.path("range_end").asText());
    Map<String, String> hits = ((ConcurrentSkipListMap<String, String>) kv).subMap(from, to);
    ObjectNode answer = JSON.createObjectNode();
    answer.set("header", header());
    if (!body.path("count_only").asBoolean(false) && !hits.isEmpty()) {
      ArrayNode kvs = answer.putArray("kvs");
      hits.forEach((k, v) -> {
        ObjectNode e = kvs.addObject();
        e.put("key", encode(k));
        e.put("create_revision", "5");
        if (!body.path("keys_only").asBoolean(false)) {
          e.put("value", encode(v));
        }
      });
    }
    if (!hits.isEmpty()) {
      answer.put("count", Integer.toString(hits.size()));
    }
    respond(ex, 200, JSON.writeValueAsString(answer));
  }

  private void status(HttpExchange ex) throws IOException {
    requests.add(JSON.readTree(ex.getRequestBody()));
    ObjectNode answer = JSON.createObjectNode();
    answer.set("header", header());
    answer.put("version", "3.4.23");
    answer.put("dbSize", "20480");
    answer.put("leader", leaderId);
    answer.put("raftIndex", "9");
    answer.put("raftTerm", "2");
    respond(ex, 200, JSON.writeValueAsString(answer));
  }

  static String encode(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String decode(String s) {
    return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    try {
      ex.sendResponseHeaders(status, bytes.length);
      ex.getResponseBody().write(bytes);
    } catch (IOException e) {
      // client timed out
    } finally {
      ex.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
