package dev.shipgate.cli.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shipgate.producer.remote.Node;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What Redis nodes are started with and how they are read, checked without starting one. */
class RedisTargetTest {
  private final ClusterTarget redis = Target.REDIS.clusterTarget();

  @Test
  void shouldStartNodeBOfThreeAsAReplicaOfNodeAOnTheDefaultPort() {
    assertEquals(6379, redis.defaultClientPort());
    assertEquals(6379, redis.defaultPeerPort());
    List<String> argv = redis.startArgv(LocalCluster.NAMES, LocalCluster.ADDRESSES, 1,
        Path.of("/srv/sg/b/data"), redis.defaultClientPort(), redis.defaultPeerPort());
    assertEquals(List.of("/usr/bin/redis-server", "--bind", "127.0.0.12", "--port", "6379",
        "--dir", "/srv/sg/b/data", "--save", "", "--appendonly", "no", "--protected-mode", "no",
        "--daemonize", "no", "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0",
        "--replicaof", "127.0.0.11", "6379"), argv);
  }

  @Test
  void shouldStartNodeAAsThePrimary() {
    List<String> argv = redis.startArgv(LocalCluster.NAMES, LocalCluster.ADDRESSES, 0,
        Path.of("/srv/sg/a/data"), 6379, 6379);
    assertEquals(List.of("/usr/bin/redis-server", "--bind", "127.0.0.11", "--port", "6379",
        "--dir", "/srv/sg/a/data", "--save", "", "--appendonly", "no", "--protected-mode", "no",
        "--daemonize", "no", "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"),
        argv);
  }

  @Test
  void shouldRefuseAPeerPortOtherThanTheClientPort() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> redis.checkPorts(26379, 26380));
    assertEquals("Redis replicates over its client port: peer port 26380 must equal client port"
        + " 26379", e.getMessage());
    redis.checkPorts(26379, 26379);
  }

  @Test
  void shouldReadTheVersionRedisReports() {
    assertEquals(Optional.of("7.0.15"), redis.parseVersion(
        "Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=ae4d7c9\n"));
    assertEquals(Optional.empty(), redis.parseVersion("sh: redis-server: not found"));
  }

  @Test
  void shouldCallANodeThatDoesNotAnswerUnhealthy() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertFalse(redis.healthy(new Node("b", 1, "127.0.0.1", 22, "root", null, null, port, port,
        null, null, null)));
  }

  @Test
  void shouldStopAllNodesAtOnce() {
    assertEquals("/usr/bin/redis-server", redis.binary());
    assertFalse(redis.stopsOneAtATime());
  }
}
