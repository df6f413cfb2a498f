package dev.shipgate.cli.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The commands and files the harness writes, checked without starting anything. */
class LocalClusterTest {
  private static final Path ROOT = Path.of("/srv/sg cluster");
  private static final LocalCluster.UserIds IDS = new LocalCluster.UserIds(990, 980);

  @Test
  void etcdStartCommandRunsTheMemberAsItsUserDetachedAndRecordsItsPid() {
    String cmd = LocalCluster.startCommand(ROOT, Target.ETCD, 1, IDS);
    assertTrue(cmd.startsWith("setsid /usr/bin/setpriv --reuid=990 --regid=980 --clear-groups /usr/bin/etcd --name b "), cmd);
    assertTrue(cmd.contains("--data-dir '/srv/sg cluster/b/data'"), cmd);
    assertTrue(cmd.contains("--listen-client-urls http://127.0.0.12:2379"), cmd);
    assertTrue(cmd.contains("--listen-peer-urls http://127.0.0.12:2380"), cmd);
    assertTrue(cmd.contains("--initial-cluster a=http://127.0.0.11:2380,b=http://127.0.0.12:2380,"
        + "c=http://127.0.0.13:2380"), cmd);
    assertTrue(cmd.contains("--heartbeat-interval 100 --election-timeout 1000"), cmd);
    assertTrue(cmd.endsWith(" </dev/null >>'/srv/sg cluster/b/target.log' 2>&1 & echo $! >'/srv/sg cluster/b/target.pid'"), cmd);
  }

  @Test
  void redisReplicasFollowNodeAAndThePrimaryFollowsNobody() {
    String primary = LocalCluster.startCommand(ROOT, Target.REDIS, 0, IDS);
    String replica = LocalCluster.startCommand(ROOT, Target.REDIS, 2, IDS);
    assertFalse(primary.contains("--replicaof"), primary);
    assertTrue(replica.contains("--bind 127.0.0.13 --port 6379"), replica);
    assertTrue(replica.contains("--replicaof 127.0.0.11 6379"), replica);
    assertTrue(replica.contains("--save '' --appendonly no"), replica);
  }

  @Test
  void sshdConfigAllowsOnlyKeyLoginOnTheNodesOwnAddress() {
    String cfg = LocalCluster.sshdConfig(Path.of("/h"), "c", "127.0.0.13", 2222);
    for (String line : new String[] {"Port 2222", "ListenAddress 127.0.0.13",
        "HostKey /h/c/ssh_host_ed25519_key", "AuthorizedKeysFile /h/authorized_keys",
        "PidFile /h/c/sshd.pid", "PermitRootLogin prohibit-password",
        "PasswordAuthentication no", "UsePAM no", "StrictModes no", "SetEnv SHLVL=1"}) {
      assertTrue(cfg.lines().anyMatch(line::equals), "missing '" + line + "' in\n" + cfg);
    }
  }

  @Test
  void flushMatchesOnlyTheCampaignsOwnComment() {
    String rule = "-A OUTPUT -d 127.0.0.12/32 -m owner --uid-owner 999 -m comment "
        + "--comment \"shipgate:c1\" -j DROP";
    assertTrue(LocalCluster.matchesCampaign(rule, "c1"));
    assertFalse(LocalCluster.matchesCampaign(rule, "c10"));
    assertFalse(LocalCluster.matchesCampaign(rule, "c"));
    assertTrue(LocalCluster.matchesCampaign(rule, null));
    assertFalse(LocalCluster.matchesCampaign("-A OUTPUT -d 127.0.0.12/32 -j DROP", null));
  }

  @Test
  void eachDirectoryHasItsOwnNodeUsers() {
    String demo = LocalCluster.userPrefix(Path.of("/home/u/shipgate/.shipgate/cluster"));
    String test = LocalCluster.userPrefix(Path.of("/tmp/junit123/cluster"));
    assertTrue(demo.matches("sg-[0-9a-f]{6}-"), demo);
    assertNotEquals(demo, test);
    assertEquals(demo, LocalCluster.userPrefix(Path.of("/home/u/shipgate/.shipgate/./cluster")));
    assertTrue((demo + "c").length() <= 32, "useradd's limit");
  }
}
