package dev.shipgate.cli.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A cluster on other ports than the target's defaults, checked without starting anything. */
class LocalClusterPortsTest {
  private static final Path ROOT = Path.of("/srv/sg");
  private static final LocalCluster.UserIds IDS = new LocalCluster.UserIds(990, 980);

  @Test
  void etcdMemberListensAndAdvertisesTheGivenClientAndPeerPorts() {
    String cmd = LocalCluster.startCommand(ROOT, Target.ETCD, 22379, 22380, 2, IDS);
    assertTrue(cmd.contains("--listen-client-urls http://127.0.0.13:22379"), cmd);
    assertTrue(cmd.contains("--advertise-client-urls http://127.0.0.13:22379"), cmd);
    assertTrue(cmd.contains("--listen-peer-urls http://127.0.0.13:22380"), cmd);
    assertTrue(cmd.contains("--initial-cluster a=http://127.0.0.11:22380,b=http://127.0.0.12:22380,"
        + "c=http://127.0.0.13:22380"), cmd);
    assertFalse(cmd.contains(":2379") || cmd.contains(":2380"), cmd);
  }

  @Test
  void redisReplicaFollowsThePrimaryOnTheGivenPort() {
    String replica = LocalCluster.startCommand(ROOT, Target.REDIS, 26379, 26379, 1, IDS);
    assertTrue(replica.contains("--bind 127.0.0.12 --port 26379"), replica);
    assertTrue(replica.contains("--replicaof 127.0.0.11 26379"), replica);
  }

  @Test
  void defaultPortsStayTheTargetsOwn() {
    assertEquals(LocalCluster.startCommand(ROOT, Target.ETCD, 2379, 2380, 0, IDS),
        LocalCluster.startCommand(ROOT, Target.ETCD, 0, IDS));
  }

  @Test
  void shouldRefusePortsTheTargetCannotUseBeforeTouchingAnything() {
    IllegalArgumentException redis = assertThrows(IllegalArgumentException.class,
        () -> LocalCluster.start(ROOT, Target.REDIS, 2422, 26379, 26380));
    assertTrue(redis.getMessage().contains("must equal client port 26379"), redis.getMessage());
    IllegalArgumentException etcd = assertThrows(IllegalArgumentException.class,
        () -> LocalCluster.start(ROOT, Target.ETCD, 2422, 22379, 22379));
    assertTrue(etcd.getMessage().contains("distinct client and peer ports"), etcd.getMessage());
  }
}
