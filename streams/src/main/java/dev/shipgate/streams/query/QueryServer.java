package dev.shipgate.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.FaultBound;
import dev.shipgate.schemas.CampaignIds;
import dev.shipgate.schemas.JsonRecords;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import dev.shipgate.streams.ShipgateStreams;
import dev.shipgate.streams.metrics.ShipgateMetrics;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactive queries over HTTP, JSON out (the JDK's HTTP server; one per Streams instance, at
 * the instance's {@code application.server}):
 *
 * <ul>
 *   <li>{@code GET /health}: the instance's Streams state (200 while RUNNING or REBALANCING, else
 *       503), its application id, bootstrap servers and output prefix (so a client can tell
 *       whether this instance judges the cluster it means);
 *   <li>{@code GET /campaigns}: every campaign of every instance (id, target, state, verdict,
 *       updated), newest first; {@code ?limit=N} (default 1000);
 *   <li>{@code GET /campaigns/{id}}: the campaign verdict, phases and reasons;
 *   <li>{@code GET /campaigns/{id}/faults}: its fault bounds (Wilson lower bound, lost writes
 *       and the first lost ids);
 *   <li>{@code GET /metrics}: this instance's metrics in the Prometheus text format (version
 *       0.0.4, see {@link ShipgateMetrics}): its own campaigns and bounds, alerts and dead letters
 *       written, its Streams state and Kafka Streams' thread and consumer metrics. Never
 *       forwarded: each instance is scraped for what it holds.
 * </ul>
 *
 * <p>A request for a campaign another instance holds is forwarded to it; {@code ?local=true}
 * (what forwarding sends) answers from this instance only. A malformed id is 400, an unknown one
 * 404, a state that is not queryable at the moment (rebalancing) 503; every error is a JSON object
 * with an {@code error} field.
 */
public final class QueryServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  static final int DEFAULT_LIMIT = 1000;
  static final int MAX_LIMIT = 100_000;

  private final CampaignQueries queries;
  private final ShipgateStreams app;
  private final ShipgateMetrics metrics;
  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient client;

  private QueryServer(ShipgateStreams app, CampaignQueries queries, HttpServer server,
      ExecutorService executor) {
    this.app = app;
    this.queries = queries;
    this.metrics = new ShipgateMetrics(app);
    this.server = server;
    this.executor = executor;
    // HTTP/1.1, as the peer's server speaks: the client's default asks each new connection to
    // upgrade to HTTP/2 (h2c), which the JDK's server ignores
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
  }

  private static final String NODELAY = "sun.net.httpserver.nodelay";

  /**
   * Serves {@code streams}'s state on {@code bind}; {@code self} is the instance's
   * {@code application.server} (what other instances are told to call).
   *
   * @throws IOException when the address cannot be bound (in use, not local)
   */
  public static QueryServer start(ShipgateStreams streams, HostInfo self, InetSocketAddress bind)
      throws IOException {
    // the JDK server writes a response's headers and body apart; without TCP_NODELAY the body
    // waits for the client's delayed ACK (measured: 46 ms per local request, 3.3 ms with it).
    // Read once, when the server's configuration class loads: set before the first server.
    if (System.getProperty(NODELAY) == null) {
      System.setProperty(NODELAY, "true");
    }
    HttpServer server = HttpServer.create(bind, 64);
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "shipgate-query-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    QueryServer qs = new QueryServer(streams, new CampaignQueries(streams.kafkaStreams(), self),
        server, executor);
    server.createContext("/", qs::handle);
    server.setExecutor(executor);
    server.start();
    return qs;
  }

  /** The bound address (the port when 0 was asked). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** A response: status and JSON body. */
  record Reply(int status, JsonNode body) {
    static Reply ok(JsonNode body) {
      return new Reply(200, body);
    }

    static Reply error(int status, String message) {
      ObjectNode o = NODES.objectNode();
      o.put("error", message);
      return new Reply(status, o);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    Reply reply;
    try {
      if (!exchange.getRequestMethod().equals("GET")) {
        exchange.getResponseHeaders().add("Allow", "GET");
        reply = Reply.error(405, "only GET is served, not " + exchange.getRequestMethod());
      } else if (isMetrics(exchange.getRequestURI())) {
        metrics(exchange);
        return;
      } else {
        reply = route(exchange.getRequestURI());
      }
    } catch (InvalidStateStoreException e) {
      reply = Reply.error(503, "state not queryable at the moment (Streams is "
          + queries.state() + "): " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("query {} failed", exchange.getRequestURI(), e);
      reply = Reply.error(500, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    byte[] body = (JsonRecords.text(reply.body()) + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    if (reply.status() == 503) {
      exchange.getResponseHeaders().set("Retry-After", "1");
    }
    exchange.sendResponseHeaders(reply.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static boolean isMetrics(URI uri) {
    String path = uri.getRawPath();
    return path.equals("/metrics") || path.equals("/metrics/");
  }

  /** {@code GET /metrics}: scraped now, as Prometheus text. */
  private void metrics(HttpExchange exchange) throws IOException {
    java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream(8192);
    metrics.write(text);
    exchange.getResponseHeaders().set("Content-Type", ShipgateMetrics.CONTENT_TYPE);
    exchange.sendResponseHeaders(200, text.size());
    try (OutputStream out = exchange.getResponseBody()) {
      text.writeTo(out);
    }
  }

  Reply route(URI uri) {
    String path = uri.getRawPath();
    Query q = Query.of(uri.getRawQuery());
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.equals("/health")) {
      return health();
    }
    if (path.equals("/campaigns")) {
      return list(q);
    }
    if (path.startsWith("/campaigns/")) {
      String rest = path.substring("/campaigns/".length());
      boolean faults = rest.endsWith("/faults");
      String id = java.net.URLDecoder.decode(faults ? rest.substring(0, rest.length()
          - "/faults".length()) : rest, StandardCharsets.UTF_8);
      if (!CampaignIds.isValid(id)) {
        return Reply.error(400, CampaignIds.problem(id));
      }
      return campaign(id, faults, q.local(), uri);
    }
    return Reply.error(404, "no such endpoint: " + path
        + " (try /health, /campaigns, /campaigns/{id}, /campaigns/{id}/faults, /metrics)");
  }

  private Reply health() {
    KafkaStreams.State state = queries.state();
    ObjectNode o = NODES.objectNode();
    o.put("state", state.name());
    o.put("host", queries.self().host() + ":" + queries.self().port());
    o.put("application_id", app.applicationId());
    o.put("bootstrap_servers", app.bootstrapServers());
    o.put("output_prefix", app.outputPrefix());
    o.put("live", app.live());
    boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    return new Reply(up ? 200 : 503, o);
  }

  private Reply campaign(String id, boolean faults, boolean localOnly, URI uri) {
    CampaignQueries.Location where = queries.locate(id);
    if (where instanceof CampaignQueries.Location.There there) {
      if (localOnly) {
        return Reply.error(503, "campaign " + id + " is held by " + there.host().host() + ":"
            + there.host().port() + ", not by this instance (rebalanced meanwhile)");
      }
      return forward(there.host(), uri.getRawPath(), "local=true");
    }
    if (!(where instanceof CampaignQueries.Location.Here here)) {
      return Reply.error(503, "no instance holds campaign " + id + "'s partition at the moment"
          + " (Streams is " + queries.state() + ")");
    }
    Optional<CampaignVerdict> verdict = queries.verdict(id, here.partition());
    if (verdict.isEmpty()) {
      return Reply.error(404, "no campaign " + id);
    }
    if (!faults) {
      return Reply.ok(JsonRecords.toJson(verdict.get()));
    }
    ObjectNode o = NODES.objectNode();
    o.put("campaign_id", id);
    ArrayNode list = o.putArray("faults");
    queries.bounds(id, here.partition()).stream()
        .sorted(Comparator.comparing(FaultBound::getFault))
        .forEach(b -> list.add(JsonRecords.toJson(b)));
    return Reply.ok(o);
  }

  private Reply list(Query q) {
    int limit = q.limit();
    if (limit < 0) {
      return Reply.error(400, "limit: expected an integer between 1 and " + MAX_LIMIT + ", got "
          + q.rawLimit());
    }
    List<ObjectNode> rows = new ArrayList<>();
    for (CampaignVerdict v : queries.localVerdicts()) {
      rows.add(row(v));
    }
    List<String> unreachable = new ArrayList<>();
    if (!q.local()) {
      for (HostInfo other : queries.others()) {
        Reply r = forward(other, "/campaigns", "local=true&limit=" + MAX_LIMIT);
        if (r.status() == 200 && r.body().path("campaigns").isArray()) {
          r.body().get("campaigns").forEach(c -> rows.add((ObjectNode) c));
        } else {
          unreachable.add(other.host() + ":" + other.port() + " (" + r.status() + " "
              + r.body().path("error").asText() + ")");
        }
      }
    }
    rows.sort(Comparator.comparing((ObjectNode r) -> r.path("updated_at").asText()).reversed()
        .thenComparing(r -> r.path("campaign_id").asText()));
    ObjectNode o = NODES.objectNode();
    o.put("total", rows.size());
    ArrayNode list = o.putArray("campaigns");
    rows.stream().limit(limit).forEach(list::add);
    if (!unreachable.isEmpty()) {
      ArrayNode missing = o.putArray("missing");
      unreachable.forEach(missing::add);
    }
    return new Reply(unreachable.isEmpty() ? 200 : 206, o);
  }

  private static ObjectNode row(CampaignVerdict v) {
    ObjectNode r = NODES.objectNode();
    r.put("campaign_id", v.getCampaignId());
    r.put("target_name", v.getTargetName());
    r.put("target_version", v.getTargetVersion());
    r.put("state", v.getState().name());
    r.put("verdict", v.getVerdict().name());
    r.put("overall_pass", v.getOverallPass());
    r.put("updated_at", v.getUpdatedAt().toString());
    return r;
  }

  private Reply forward(HostInfo host, String rawPath, String query) {
    URI target = URI.create("http://" + host.host() + ":" + host.port() + rawPath + "?" + query);
    try {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(target)
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), JsonRecords.parse(r.body()));
    } catch (IOException | IllegalArgumentException e) {
      return Reply.error(502, "instance " + host.host() + ":" + host.port() + " did not answer: "
          + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Reply.error(503, "interrupted while asking " + host.host() + ":" + host.port());
    }
  }

  /** The query string's parameters this server knows. */
  record Query(boolean local, int limit, String rawLimit) {
    static Query of(String raw) {
      boolean local = false;
      String limit = null;
      if (raw != null) {
        for (String part : raw.split("&")) {
          int eq = part.indexOf('=');
          String k = eq < 0 ? part : part.substring(0, eq);
          String v = eq < 0 ? "" : java.net.URLDecoder.decode(part.substring(eq + 1),
              StandardCharsets.UTF_8);
          if (k.equals("local")) {
            local = v.equals("true");
          } else if (k.equals("limit")) {
            limit = v;
          }
        }
      }
      int n = DEFAULT_LIMIT;
      if (limit != null) {
        try {
          n = Integer.parseInt(limit);
        } catch (NumberFormatException e) {
          n = -1;
        }
        if (n < 1 || n > MAX_LIMIT) {
          n = -1;
        }
      }
      return new Query(local, n, limit);
    }
  }
}
