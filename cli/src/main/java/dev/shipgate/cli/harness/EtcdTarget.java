package dev.shipgate.cli.harness;

import dev.shipgate.producer.remote.Node;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** A 3-member etcd 3.4 cluster: client port 2379 (JSON gateway), peer port 2380. */
final class EtcdTarget implements ClusterTarget {
  static final String BINARY = "/usr/bin/etcd";
  static final int CLIENT_PORT = 2379;
  static final int PEER_PORT = 2380;
  private static final Pattern VERSION = Pattern.compile("(?m)^etcd Version:\\s*(\\S+)");

  /** Created on the first health check: building a command line needs no HTTP client. */
  private static final class Http {
    static final HttpClient CLIENT = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(1)).build();
  }

  @Override
  public String binary() {
    return BINARY;
  }

  @Override
  public int defaultClientPort() {
    return CLIENT_PORT;
  }

  @Override
  public int defaultPeerPort() {
    return PEER_PORT;
  }

  @Override
  public void checkPorts(int clientPort, int peerPort) {
    if (peerPort == clientPort) {
      throw new IllegalArgumentException("etcd needs distinct client and peer ports, got "
          + clientPort + " for both");
    }
  }

  @Override
  public List<String> startArgv(List<String> names, List<String> addresses, int i, Path dataDir,
      int clientPort, int peerPort) {
    StringBuilder cluster = new StringBuilder();
    for (int j = 0; j < names.size(); j++) {
      cluster.append(j > 0 ? "," : "").append(names.get(j)).append("=http://")
          .append(addresses.get(j)).append(':').append(peerPort);
    }
    String client = "http://" + addresses.get(i) + ":" + clientPort;
    String peer = "http://" + addresses.get(i) + ":" + peerPort;
    return List.of(BINARY, "--name", names.get(i), "--data-dir", dataDir.toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", cluster.toString(), "--initial-cluster-token", "shipgate-local",
        "--initial-cluster-state", "new", "--heartbeat-interval", "100",
        "--election-timeout", "1000", "--logger", "zap", "--log-outputs", "stderr");
  }

  /** {@code GET /health} answers {"health":"true"}. */
  @Override
  public boolean healthy(Node n) {
    try {
      HttpResponse<String> r = Http.CLIENT.send(HttpRequest.newBuilder(
              URI.create("http://" + n.address() + ":" + n.clientPort() + "/health"))
          .timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && r.body().replace(" ", "").contains("\"health\":\"true\"");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@code etcd --version} prints "etcd Version: 3.4.23" first. */
  @Override
  public Pattern versionPattern() {
    return VERSION;
  }

  /**
   * An etcd leader on SIGTERM hands leadership to a live follower first; with every member
   * stopping at once it waits for nobody until SIGKILL. One at a time each stop is quick.
   */
  @Override
  public boolean stopsOneAtATime() {
    return true;
  }
}
