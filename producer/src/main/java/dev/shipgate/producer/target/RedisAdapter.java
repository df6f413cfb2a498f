package dev.shipgate.producer.target;

import static dev.shipgate.producer.target.AdapterSupport.describe;
import static dev.shipgate.producer.target.AdapterSupport.elapsed;

import dev.shipgate.producer.settings.Settings;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.producer.remote.Node;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis primary + replicas, spoken to over RESP2 by {@link RespConnection}.
 *
 * <p>A write is {@code SET <namespace>:<writeId> <value>} then {@code WAIT <W-1> <timeout>} on
 * the same connection (WAIT counts the replicas that acknowledged that connection's writes):
 * OK with status 201 when WAIT reports at least W−1 replicas, QUORUM_NOT_MET with status 503
 * when fewer (the record IS on the primary, unconfirmed elsewhere), FAIL on an error reply to SET
 * (e.g. READONLY from a replica: nothing was written), INDETERMINATE on a timeout, a broken
 * connection, or an error reply to WAIT after the SET succeeded.
 *
 * <p>Connections are pooled per node; each is lent to one thread at a time and discarded after
 * any I/O error, so a reply can never be read by the wrong caller.
 */
public final class RedisAdapter implements TargetAdapter {

  private static final Logger log = LoggerFactory.getLogger(RedisAdapter.class);

  private final int writeQuorum;
  private final Duration waitTimeout;
  private final Duration ioTimeout;
  private final int poolSize;
  private final Map<String, Deque<RespConnection>> idle = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param writeQuorum W: nodes that must hold a write (primary included) before it is acked
   * @param waitTimeout how long WAIT waits for replicas
   * @param ioTimeout connect timeout, and the read timeout for everything but WAIT (WAIT gets
   *     {@code waitTimeout + ioTimeout})
   * @param poolSize idle connections kept per node
   */
  public RedisAdapter(int writeQuorum, Duration waitTimeout, Duration ioTimeout, int poolSize) {
    if (writeQuorum < 1) {
      throw new IllegalArgumentException("redis write_quorum must be at least 1, got "
          + writeQuorum);
    }
    this.writeQuorum = writeQuorum;
    this.waitTimeout = waitTimeout;
    this.ioTimeout = ioTimeout;
    this.poolSize = poolSize;
  }

  /**
   * Settings: {@code write_quorum} (W, default 2), {@code wait_timeout_ms} (default 1000),
   * {@code read_timeout_ms} (connect and read timeout, default 1000), {@code pool_size}
   * (default 8).
   */
  public static RedisAdapter fromSettings(Map<String, String> settings) {
    Settings s = new Settings("redis", settings);
    return new RedisAdapter(s.positiveInt("write_quorum", 2), s.positiveMillis("wait_timeout_ms", Duration.ofMillis(1000)),
        s.positiveMillis("read_timeout_ms", Duration.ofMillis(1000)), s.positiveInt("pool_size", 8));
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public WriteAttempt write(Node node, String namespace, String writeId) {
    long start = System.nanoTime();
    RespConnection conn;
    try {
      conn = borrow(node);
    } catch (IOException e) {
      String kind = e instanceof ConnectException ? "connection refused (not sent): "
          : e instanceof SocketTimeoutException ? "connect timeout: " : "connection error: ";
      return new WriteAttempt(null, WriteOutcome.INDETERMINATE, elapsed(start),
          kind + describe(e));
    }
    boolean reusable = false;
    try {
      Object set = conn.call(ioTimeout, "SET", key(namespace, writeId), value(writeId));
      if (set instanceof RespConnection.ErrorReply err) {
        reusable = true;
        return new WriteAttempt(null, WriteOutcome.FAIL, elapsed(start),
            "SET refused: " + err.message());
      }
      if (!"OK".equals(set)) {
        return new WriteAttempt(null, WriteOutcome.INDETERMINATE, elapsed(start),
            "unexpected SET reply: " + set);
      }
      int replicasNeeded = writeQuorum - 1;
      if (replicasNeeded == 0) {
        reusable = true;
        return new WriteAttempt(201, WriteOutcome.OK, elapsed(start), null);
      }
      Object wait = conn.call(waitTimeout.plus(ioTimeout), "WAIT",
          Integer.toString(replicasNeeded), Long.toString(waitTimeout.toMillis()));
      reusable = true;
      if (wait instanceof Long replicas) {
        if (replicas >= replicasNeeded) {
          return new WriteAttempt(201, WriteOutcome.OK, elapsed(start), null);
        }
        return new WriteAttempt(503, WriteOutcome.QUORUM_NOT_MET, elapsed(start),
            "WAIT: " + replicas + " of " + replicasNeeded + " replicas acknowledged within "
                + waitTimeout.toMillis() + " ms");
      }
      String reply = wait instanceof RespConnection.ErrorReply err ? err.message()
          : String.valueOf(wait);
      return new WriteAttempt(null, WriteOutcome.INDETERMINATE, elapsed(start),
          "SET applied, WAIT answered: " + reply);
    } catch (SocketTimeoutException e) {
      return new WriteAttempt(null, WriteOutcome.INDETERMINATE, elapsed(start),
          "timeout: " + describe(e));
    } catch (IOException e) {
      return new WriteAttempt(null, WriteOutcome.INDETERMINATE, elapsed(start),
          "connection error: " + describe(e));
    } finally {
      release(node, conn, reusable);
    }
  }

  @Override
  public NodeState observe(Node node, String namespace) {
    String prefix = namespace + ":";
    String pattern = globEscape(prefix) + "*";
    Set<String> ids = new LinkedHashSet<>(); // SCAN may return a key more than once
    RespConnection conn;
    try {
      conn = borrow(node);
    } catch (IOException e) {
      return NodeState.unreadable("connection error: " + describe(e));
    }
    boolean reusable = false;
    try {
      String cursor = "0";
      do {
        Object reply = conn.call(ioTimeout, "SCAN", cursor, "MATCH", pattern, "COUNT", "1000");
        if (!(reply instanceof List<?> page) || page.size() != 2
            || !(page.get(1) instanceof List<?> keys)) {
          reusable = reply instanceof RespConnection.ErrorReply;
          return NodeState.unreadable("unexpected SCAN reply: " + text(reply));
        }
        cursor = String.valueOf(page.get(0));
        for (Object k : keys) {
          String key = String.valueOf(k);
          if (key.startsWith(prefix)) {
            ids.add(key.substring(prefix.length()));
          }
        }
      } while (!"0".equals(cursor));
      reusable = true;
      return new NodeState((long) ids.size(), new ArrayList<>(ids), null);
    } catch (IOException e) {
      return NodeState.unreadable("SCAN failed: " + describe(e));
    } finally {
      release(node, conn, reusable);
    }
  }

  /** The first node (in list order) whose {@code INFO replication} says {@code role:master}. */
  @Override
  public Optional<Node> primary(List<Node> nodes) {
    List<Node> masters = new ArrayList<>();
    for (Node node : nodes) {
      Object info = simpleCall(node, "INFO", "replication");
      if (info instanceof String text && text.lines().anyMatch(l -> l.strip().equals("role:master"))) {
        masters.add(node);
      }
    }
    if (masters.size() > 1) {
      log.warn("redis: more than one node reports role:master: {}",
          masters.stream().map(Node::name).toList());
    }
    return masters.stream().findFirst();
  }

  @Override
  public boolean healthy(Node node) {
    return "PONG".equals(simpleCall(node, "PING"));
  }

  /** One command on a pooled connection; null when no usable answer arrived. */
  private Object simpleCall(Node node, String... args) {
    RespConnection conn;
    try {
      conn = borrow(node);
    } catch (IOException e) {
      return null;
    }
    boolean reusable = false;
    try {
      Object reply = conn.call(ioTimeout, args);
      reusable = true;
      return reply;
    } catch (IOException e) {
      log.debug("redis {} {} failed: {}", node.name(), args[0], describe(e));
      return null;
    } finally {
      release(node, conn, reusable);
    }
  }

  private RespConnection borrow(Node node) throws IOException {
    RespConnection conn = pool(node).pollFirst();
    return conn != null ? conn : RespConnection.open(node.address(), node.clientPort(), ioTimeout);
  }

  private void release(Node node, RespConnection conn, boolean reusable) {
    Deque<RespConnection> pool = pool(node);
    if (reusable && !closed && pool.size() < poolSize) {
      pool.offerFirst(conn);
    } else {
      conn.close();
    }
  }

  private Deque<RespConnection> pool(Node node) {
    return idle.computeIfAbsent(node.address() + ":" + node.clientPort(),
        k -> new ConcurrentLinkedDeque<>());
  }

  @Override
  public void close() {
    closed = true;
    idle.values().forEach(pool -> {
      RespConnection c;
      while ((c = pool.pollFirst()) != null) {
        c.close();
      }
    });
  }

  static String key(String namespace, String writeId) {
    return namespace + ":" + writeId;
  }

  private static String value(String writeId) {
    return "{\"write_id\":\"" + writeId + "\",\"written_at\":" + System.currentTimeMillis() + "}";
  }

  /** Escapes Redis glob metacharacters so a namespace matches itself only. */
  static String globEscape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  private static String text(Object reply) {
    return reply instanceof RespConnection.ErrorReply err ? err.message() : String.valueOf(reply);
  }
}
