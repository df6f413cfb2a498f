package dev.shipgate.cli.harness;

import dev.shipgate.cli.harness.LocalCluster.CommandOutput;
import dev.shipgate.cli.io.FileTrees;
import dev.shipgate.producer.remote.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * The tests' Redis scenario on a {@link LocalCluster}: the primary restarted with an empty data
 * dir, so that the replicas resynchronise from it and drop every key (a real loss of
 * acknowledged writes).
 */
public final class EmptyPrimaryRestart {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

  private EmptyPrimaryRestart() {}

  /**
   * SIGKILLs the primary, empties its data dir and starts it again with
   * {@link Node#startCommand()}. Returns when the primary answers and both replicas follow its new
   * replication id with the link up.
   *
   * @throws UnsupportedOperationException on a cluster that does not run Redis
   * @throws LocalClusterException when the restart fails or the replicas do not follow in time
   */
  public static void restart(LocalCluster cluster, Duration timeout) {
    if (cluster.target() != Target.REDIS) {
      throw new UnsupportedOperationException("restart with an empty data dir is a Redis scenario;"
          + " this cluster runs " + cluster.target());
    }
    Node p = cluster.primary();
    OptionalLong pid = cluster.targetPid(p);
    if (pid.isPresent()) {
      Processes.signal(pid.getAsLong(), "KILL");
      Processes.awaitDead(List.of(pid.getAsLong()), Duration.ofSeconds(5));
    }
    Path data = LocalCluster.nodeDir(cluster.dir(), p.name()).resolve("data");
    try {
      FileTrees.delete(data);
      Files.createDirectories(data);
      LocalCluster.run(List.of("chown", p.processUser() + ":", data.toString()), COMMAND_TIMEOUT);
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new LocalClusterException("cannot empty " + data + ": " + e, e);
    }
    CommandOutput r = LocalCluster.run(List.of("/bin/bash", "-c", p.startCommand()),
        COMMAND_TIMEOUT);
    if (r.exit() != 0) {
      throw new LocalClusterException("restarting the Redis primary failed: " + r.output());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!replicasFollowPrimary(cluster)) {
      if (System.nanoTime() > deadline) {
        throw new LocalClusterException("replicas did not resynchronise with the restarted primary"
            + " within " + timeout.toMillis() + " ms");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LocalClusterException("interrupted", e);
      }
    }
  }

  private static boolean replicasFollowPrimary(LocalCluster cluster) {
    Node primary = cluster.primary();
    try (RespClient p = new RespClient(primary.address(), primary.clientPort(),
        Duration.ofSeconds(1))) {
      String replid = RespClient.infoField((String) p.call("INFO", "replication"), "master_replid");
      for (Node n : cluster.nodes().subList(1, cluster.nodes().size())) {
        try (RespClient r = new RespClient(n.address(), n.clientPort(), Duration.ofSeconds(1))) {
          String info = (String) r.call("INFO", "replication");
          if (!"up".equals(RespClient.infoField(info, "master_link_status"))
              || !replid.equals(RespClient.infoField(info, "master_replid"))) {
            return false;
          }
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
