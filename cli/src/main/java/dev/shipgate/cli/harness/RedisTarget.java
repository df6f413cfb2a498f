package dev.shipgate.cli.harness;

import dev.shipgate.producer.remote.Node;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Redis primary on node 0 and replicas of it on the others ({@code --replicaof}), without
 * persistence; client and replication share port 6379.
 */
final class RedisTarget implements ClusterTarget {
  static final String BINARY = "/usr/bin/redis-server";
  static final int PORT = 6379;
  private static final Pattern VERSION = Pattern.compile("Redis server v=(\\S+)");

  @Override
  public String binary() {
    return BINARY;
  }

  @Override
  public int defaultClientPort() {
    return PORT;
  }

  @Override
  public int defaultPeerPort() {
    return PORT;
  }

  @Override
  public void checkPorts(int clientPort, int peerPort) {
    if (peerPort != clientPort) {
      throw new IllegalArgumentException("Redis replicates over its client port: peer port "
          + peerPort + " must equal client port " + clientPort);
    }
  }

  @Override
  public List<String> startArgv(List<String> names, List<String> addresses, int i, Path dataDir,
      int clientPort, int peerPort) {
    List<String> argv = new ArrayList<>(List.of(BINARY, "--bind", addresses.get(i),
        "--port", String.valueOf(clientPort), "--dir", dataDir.toString(), "--save", "",
        "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no",
        "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"));
    if (i > 0) {
      argv.addAll(List.of("--replicaof", addresses.get(0), String.valueOf(clientPort)));
    }
    return List.copyOf(argv);
  }

  /** PING answers PONG and, on a replica, {@code INFO replication} says the link is up. */
  @Override
  public boolean healthy(Node n) {
    try (RespClient c = new RespClient(n.address(), n.clientPort(), Duration.ofSeconds(1))) {
      if (!"PONG".equals(c.call("PING"))) {
        return false;
      }
      if (n.index() == 0) {
        return true;
      }
      String info = (String) c.call("INFO", "replication");
      return "up".equals(RespClient.infoField(info, "master_link_status"));
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code redis-server --version} prints "Redis server v=7.0.15 sha=...". */
  @Override
  public Pattern versionPattern() {
    return VERSION;
  }

  @Override
  public boolean stopsOneAtATime() {
    return false;
  }
}
