package dev.shipgate.cli.harness;

/**
 * What {@link LocalCluster} runs on each node.
 *
 * <ul>
 *   <li>{@link #ETCD}: a 3-member etcd 3.4 cluster; client port 2379 (JSON gateway), peer port
 *       2380, both on the node's own address.
 *   <li>{@link #REDIS}: a Redis primary on node a and replicas on b and c ({@code --replicaof}),
 *       no persistence; client and replication share port 6379.
 * </ul>
 */
public enum Target {
  ETCD(2379, 2380),
  REDIS(6379, 6379);

  private final int clientPort;
  private final int peerPort;

  Target(int clientPort, int peerPort) {
    this.clientPort = clientPort;
    this.peerPort = peerPort;
  }

  public int clientPort() {
    return clientPort;
  }

  public int peerPort() {
    return peerPort;
  }

  /** Parses {@code etcd} / {@code redis} (any case). */
  public static Target parse(String s) {
    return Target.valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
  }
}
