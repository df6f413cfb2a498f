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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd v3 through its JSON gateway ({@code http://<address>:<clientPort>/v3/...}).
 *
 * <p>A record is the key {@code <namespace>/<writeId>}. Outcomes:
 * <ul>
 *   <li>200 from {@code /v3/kv/put}: OK, reported with the seed's status 201 (the write is
 *       committed by a raft majority before etcd answers).
 *   <li>etcd has no "quorum not met" answer: without a majority a put just waits and then fails
 *       with {@code etcdserver: request timed out} (HTTP 503), after which the entry may still
 *       commit. So QUORUM_NOT_MET never comes from this adapter; the 503 is kept as the status,
 *       the outcome is INDETERMINATE.
 *   <li>INDETERMINATE: client timeouts, connection errors (including connection refused, although
 *       such a request never left the driver: the seed's vocabulary lumps connection errors with
 *       timeouts; the error text says "not sent"), and every server error not known to be
 *       refused before the proposal (timed out, leader changed, no leader, unknown 5xx).
 *   <li>FAIL: answers etcd gives only for requests it never proposed: any 4xx (bad request,
 *       auth, {@code too many requests}) and {@code etcdserver: not capable}.
 * </ul>
 *
 * <p>Reads are serializable ({@code serializable: true}): answered from the member's local
 * store, no quorum, so each member's own state is observed.
 */
public final class EtcdAdapter implements TargetAdapter {

  private static final Logger log = LoggerFactory.getLogger(EtcdAdapter.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Server errors etcd returns only before proposing the request to raft. */
  private static final List<String> REFUSED_BEFORE_PROPOSAL = List.of(
      "etcdserver: not capable",
      "etcdserver: too many requests",
      "etcdserver: request is too large",
      "etcdserver: key is not provided");

  private final HttpClient http;
  private final Duration writeTimeout;
  private final Duration readTimeout;

  public EtcdAdapter(Duration writeTimeout, Duration readTimeout) {
    this.writeTimeout = writeTimeout;
    this.readTimeout = readTimeout;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(readTimeout)
        .build();
  }

  /** Settings: {@code write_timeout_ms} (default 2000), {@code read_timeout_ms} (default 1000). */
  public static EtcdAdapter fromSettings(Map<String, String> settings) {
    Settings s = new Settings("etcd", settings);
    return new EtcdAdapter(s.positiveMillis("write_timeout_ms", Duration.ofMillis(2000)),
        s.positiveMillis("read_timeout_ms", Duration.ofMillis(1000)));
  }

  @Override
  public String name() {
    return "etcd";
  }

  @Override
  public WriteAttempt write(Node node, String namespace, String writeId) {
    ObjectNode body = JSON.createObjectNode();
    body.put("key", b64(key(namespace, writeId)));
    body.put("value", b64(value(writeId)));
    long start = System.nanoTime();
    HttpResponse<String> response;
    try {
      response = post(node, "/v3/kv/put", body, writeTimeout);
    } catch (ConnectException e) {
      return new WriteAttempt(null, WriteOutcome.INDETERMINATE, elapsed(start),
          "connection refused (not sent): " + describe(e));
    } catch (HttpTimeoutException e) {
      return new WriteAttempt(null, WriteOutcome.INDETERMINATE, elapsed(start),
          "timeout after " + writeTimeout.toMillis() + " ms: " + describe(e));
    } catch (IOException e) {
      return new WriteAttempt(null, WriteOutcome.INDETERMINATE, elapsed(start),
          "connection error: " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new WriteAttempt(null, WriteOutcome.INDETERMINATE, elapsed(start), "interrupted");
    }
    long latency = elapsed(start);
    int status = response.statusCode();
    if (status == 200) {
      return new WriteAttempt(201, WriteOutcome.OK, latency, null);
    }
    String error = errorText(response.body());
    return new WriteAttempt(status, classifyError(status, error), latency,
        "HTTP " + status + ": " + error);
  }

  /** FAIL only for refusals etcd guarantees were never proposed; anything else may be applied. */
  static WriteOutcome classifyError(int status, String error) {
    String lower = error.toLowerCase(Locale.ROOT);
    if (status >= 400 && status < 500 && status != 408) {
      return WriteOutcome.FAIL;
    }
    for (String refused : REFUSED_BEFORE_PROPOSAL) {
      if (lower.contains(refused)) {
        return WriteOutcome.FAIL;
      }
    }
    return WriteOutcome.INDETERMINATE;
  }

  @Override
  public NodeState observe(Node node, String namespace) {
    try {
      JsonNode answer = range(node, namespace, "keys_only");
      String prefix = namespace + "/";
      List<String> ids = new ArrayList<>();
      for (JsonNode kv : answer.path("kvs")) {
        String key = unb64(kv.path("key").asText());
        if (key.startsWith(prefix)) {
          ids.add(key.substring(prefix.length()));
        }
      }
      // proto3 JSON omits zero values: no "count" means 0; int64 arrives as a string
      long count = answer.path("count").asLong(0);
      if (count != ids.size()) {
        return new NodeState(count, ids,
            "range count " + count + " differs from the " + ids.size() + " keys returned");
      }
      return new NodeState(count, ids, null);
    } catch (ReadFailure e) {
      return NodeState.unreadable(e.getMessage());
    }
  }

  /** Number of keys under {@code namespace} on {@code node}, by a local count-only range. */
  public NodeState count(Node node, String namespace) {
    try {
      JsonNode answer = range(node, namespace, "count_only");
      return new NodeState(answer.path("count").asLong(0), null, null);
    } catch (ReadFailure e) {
      return NodeState.unreadable(e.getMessage());
    }
  }

  private JsonNode range(Node node, String namespace, String mode) throws ReadFailure {
    String prefix = namespace + "/";
    ObjectNode body = JSON.createObjectNode();
    body.put("key", b64(prefix));
    body.put("range_end", b64(prefixEnd(prefix)));
    body.put(mode, true);
    body.put("serializable", true);
    return readJson(node, "/v3/kv/range", body);
  }

  /**
   * The leader, as the members themselves report it: the member whose status names itself as
   * leader ({@code leader == header.member_id}). A member that only names another as leader is
   * not taken at its word (it may be partitioned and stale).
   */
  @Override
  public Optional<Node> primary(List<Node> nodes) {
    for (Node node : nodes) {
      try {
        JsonNode status = readJson(node, "/v3/maintenance/status", JSON.createObjectNode());
        String self = status.path("header").path("member_id").asText("");
        String leader = status.path("leader").asText("");
        log.debug("etcd {} member {} reports leader {}", node.name(), self, leader);
        if (!self.isEmpty() && self.equals(leader)) {
          return Optional.of(node);
        }
      } catch (ReadFailure e) {
        log.debug("etcd {} status unreadable: {}", node.name(), e.getMessage());
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean healthy(Node node) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(node, "/health"))
          .timeout(readTimeout).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200
          && "true".equals(JSON.readTree(r.body()).path("health").asText());
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private JsonNode readJson(Node node, String path, JsonNode body) throws ReadFailure {
    try {
      HttpResponse<String> r = post(node, path, body, readTimeout);
      if (r.statusCode() != 200) {
        throw new ReadFailure("HTTP " + r.statusCode() + ": " + errorText(r.body()));
      }
      return JSON.readTree(r.body());
    } catch (HttpTimeoutException e) {
      throw new ReadFailure("timeout after " + readTimeout.toMillis() + " ms");
    } catch (IOException e) {
      throw new ReadFailure("connection error: " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReadFailure("interrupted");
    }
  }

  private HttpResponse<String> post(Node node, String path, JsonNode body, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri(node, path))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(Node node, String path) {
    return URI.create("http://" + node.address() + ":" + node.clientPort() + path);
  }

  static String key(String namespace, String writeId) {
    return namespace + "/" + writeId;
  }

  static String value(String writeId) {
    return "{\"write_id\":\"" + writeId + "\",\"written_at\":" + System.currentTimeMillis() + "}";
  }

  /** The first key after every key starting with {@code prefix}: its last byte plus one. */
  static String prefixEnd(String prefix) {
    char last = prefix.charAt(prefix.length() - 1);
    return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
  }

  static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static String unb64(String text) {
    return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
  }



  private static final class ReadFailure extends Exception {
    ReadFailure(String message) {
      super(message, null, false, false);
    }
  }
}
