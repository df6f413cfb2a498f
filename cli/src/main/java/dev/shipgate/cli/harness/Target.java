package dev.shipgate.cli.harness;

/**
 * What {@link LocalCluster} runs on each node; {@link #clusterTarget()} is how.
 *
 * <ul>
 *   <li>{@link #ETCD}: a 3-member etcd 3.4 cluster; client port 2379 (JSON gateway), peer port
 *       2380, both on the node's own address.
 *   <li>{@link #REDIS}: a Redis primary on node a and replicas on b and c ({@code --replicaof}),
 *       no persistence; client and replication share port 6379.
 * </ul>
 */
public enum Target {
  ETCD(new EtcdTarget()),
  REDIS(new RedisTarget());

  private final ClusterTarget clusterTarget;

  Target(ClusterTarget clusterTarget) {
    this.clusterTarget = clusterTarget;
  }

  /** What differs per target: binary, start argv, health check, version, default ports. */
  public ClusterTarget clusterTarget() {
    return clusterTarget;
  }

  public int clientPort() {
    return clusterTarget.defaultClientPort();
  }

  public int peerPort() {
    return clusterTarget.defaultPeerPort();
  }

  /** Parses {@code etcd} / {@code redis} (any case). */
  public static Target parse(String s) {
    return Target.valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
  }
}
