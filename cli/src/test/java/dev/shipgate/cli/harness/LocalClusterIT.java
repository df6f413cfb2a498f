package dev.shipgate.cli.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import dev.shipgate.producer.remote.Node;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local cluster for real: three sshds reached with JSch and strict host key checking, etcd
 * members and Redis nodes running as their own users, restarted over SSH, and stopped without a
 * trace.
 */
class LocalClusterIT {
  // not the defaults (ssh 2222, etcd 2379/2380, Redis 6379), so a developer's cluster (the demo's)
  // may run meanwhile; below the kernel's ephemeral range (32768-)
  private static final int SSH_PORT = 2522;
  private static final int ETCD_CLIENT = 23379;
  private static final int ETCD_PEER = 23380;
  private static final int REDIS = 23679;

  @TempDir
  Path dir;

  private LocalCluster cluster;

  @AfterEach
  void tearDown() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void etcdClusterRunsEachMemberAsItsOwnUserAndRestartsAKilledMemberOverSsh() throws Exception {
    long t0 = System.nanoTime();
    cluster = LocalCluster.start(dir, Target.ETCD, SSH_PORT, ETCD_CLIENT, ETCD_PEER);
    long startMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("etcd cluster with sshds started in " + startMs + " ms");
    List<Node> nodes = cluster.nodes();
    assertEquals(List.of("a", "b", "c"), nodes.stream().map(Node::name).toList());
    assertEquals(List.of("127.0.0.11", "127.0.0.12", "127.0.0.13"),
        nodes.stream().map(Node::address).toList());

    List<Long> pids = new ArrayList<>();
    for (Node n : nodes) {
      assertEquals("root", n.user());
      assertEquals(ETCD_CLIENT, n.clientPort());
      assertEquals(ETCD_PEER, n.peerPort());
      long pid = Long.parseLong(ssh(n, "cat " + n.pidFile()).trim());
      pids.add(pid);
      assertEquals(n.processUser(), ssh(n, "ps -o user= -p " + pid).trim(),
          "etcd member " + n.name() + " runs as its node's user");
      assertEquals(LocalCluster.userPrefix(dir) + n.name(), n.processUser());
      // the shell sshd starts counts itself nested, so it skips root's ~/.bashrc
      assertEquals("2", ssh(n, "echo $SHLVL").trim());
    }

    // one cluster of three members with exactly one leader
    JsonNode members = etcdctl("member", "list").get("members");
    assertEquals(3, members.size(), "members: " + members);
    JsonNode status = etcdctl("endpoint", "status");
    assertEquals(3, status.size());
    Set<String> leaders = new HashSet<>();
    int selfLeaders = 0;
    for (JsonNode s : status) {
      leaders.add(s.get("Status").get("leader").asText());
      if (s.get("Status").get("leader").asText()
          .equals(s.get("Status").get("header").get("member_id").asText())) {
        selfLeaders++;
      }
    }
    assertEquals(1, leaders.size(), "every member names the same leader: " + status);
    assertEquals(1, selfLeaders, "exactly one member is the leader: " + status);

    // kill b by PID over SSH, restart it with its startCommand over SSH
    Node b = cluster.node("b");
    long oldPid = pids.get(1);
    assertEquals("", ssh(b, "kill -9 " + oldPid).trim());
    awaitDead(oldPid);
    assertFalse(cluster.healthy(b), "a killed member is not healthy");
    ssh(b, b.startCommand());
    long newPid = Long.parseLong(ssh(b, "cat " + b.pidFile()).trim());
    assertNotEquals(oldPid, newPid);
    assertEquals(b.processUser(), ssh(b, "ps -o user= -p " + newPid).trim());
    cluster.awaitHealthy(Duration.ofSeconds(10));
    assertTrue(cluster.healthy(b));

    // owner + comment matches work on this iptables; flushing deletes only this campaign's rules
    String campaign = "it-" + System.nanoTime();
    String other = "other-" + System.nanoTime();
    List<String> mine = List.of("-m", "owner", "--uid-owner", nodes.get(0).processUser(), "-d", "127.0.0.12",
        "-p", "tcp", "--dport", "9", "-m", "comment", "--comment", "shipgate:" + campaign, "-j", "DROP");
    List<String> theirs = List.of("-m", "owner", "--uid-owner", nodes.get(0).processUser(), "-d", "127.0.0.13",
        "-p", "tcp", "--dport", "9", "-m", "comment", "--comment", "shipgate:" + other, "-j", "DROP");
    iptables("-I", mine);
    iptables("-I", theirs);
    try {
      List<String> deleted = cluster.flushShipgateRules(campaign);
      assertEquals(1, deleted.size(), "deleted: " + deleted);
      assertTrue(deleted.get(0).contains("shipgate:" + campaign) && deleted.get(0).contains("127.0.0.12/32"));
      String rules = iptablesList();
      assertFalse(rules.contains("shipgate:" + campaign), rules);
      assertTrue(rules.contains("shipgate:" + other), rules);
    } finally {
      iptables("-D", theirs);
    }

    Set<String> users = cluster.createdUsers();
    List<Long> finalPids = new ArrayList<>();
    for (Node n : nodes) {
      finalPids.add(cluster.targetPid(n).orElseThrow());
      // sshd deletes its PidFile on SIGTERM: read it while it runs
      finalPids.add(Long.parseLong(
          Files.readString(dir.resolve(n.name()).resolve("sshd.pid")).trim()));
    }
    cluster.close();
    cluster.close(); // idempotent
    assertAllStopped(nodes, finalPids, users);
    cluster = null;
  }

  @Test
  void redisPrimaryReplicatesToTwoReplicasAndAnEmptyRestartWipesEveryNode() throws Exception {
    cluster = LocalCluster.start(dir, Target.REDIS, SSH_PORT, REDIS, REDIS);
    System.out.println("redis cluster with sshds started in " + cluster.startMillis() + " ms");
    List<Node> nodes = cluster.nodes();
    for (Node n : nodes) {
      assertEquals(REDIS, n.clientPort());
      long pid = Long.parseLong(ssh(n, "cat " + n.pidFile()).trim());
      assertEquals(LocalCluster.userPrefix(dir) + n.name(), ssh(n, "ps -o user= -p " + pid).trim());
    }
    Node a = cluster.primary();
    try (RespClient c = new RespClient(a.address(), a.clientPort(), Duration.ofSeconds(5))) {
      String info = (String) c.call("INFO", "replication");
      assertEquals("master", RespClient.infoField(info, "role"));
      assertEquals("2", RespClient.infoField(info, "connected_slaves"));
      for (int i = 0; i < 10; i++) {
        assertEquals("OK", c.call("SET", "k" + i, "v" + i));
      }
      assertEquals(2L, c.call("WAIT", "2", "5000"), "both replicas acknowledged the writes");
    }
    for (Node n : nodes) {
      assertEquals(10L, dbsize(n), "keys on " + n.name());
    }

    long oldPid = cluster.targetPid(a).orElseThrow();
    EmptyPrimaryRestart.restart(cluster, Duration.ofSeconds(20));
    assertNotEquals(oldPid, cluster.targetPid(a).orElseThrow());
    for (Node n : nodes) {
      assertEquals(0L, dbsize(n), "acknowledged writes lost on " + n.name());
    }

    Set<String> users = cluster.createdUsers();
    List<Long> finalPids = new ArrayList<>();
    for (Node n : nodes) {
      finalPids.add(cluster.targetPid(n).orElseThrow());
      // sshd deletes its PidFile on SIGTERM: read it while it runs
      finalPids.add(Long.parseLong(
          Files.readString(dir.resolve(n.name()).resolve("sshd.pid")).trim()));
    }
    cluster.close();
    assertAllStopped(nodes, finalPids, users);
    cluster = null;
  }

  // ---------------------------------------------------------------------------------------------

  private void assertAllStopped(List<Node> nodes, List<Long> pids, Set<String> users)
      throws Exception {
    for (long pid : pids) {
      assertFalse(Processes.alive(pid), "pid " + pid + " (target or sshd) still alive");
    }
    for (Node n : nodes) {
      assertFalse(Files.exists(dir.resolve(n.name()).resolve("data")), "data of " + n.name());
      assertFalse(portOpen(n.address(), n.sshPort()), "sshd of " + n.name() + " still listening");
      assertFalse(portOpen(n.address(), n.clientPort()), "target of " + n.name() + " still listening");
    }
    for (String u : users) {
      Process p = new ProcessBuilder("id", "-u", u).start();
      p.waitFor(5, TimeUnit.SECONDS);
      assertNotEquals(0, p.exitValue(), "user " + u + " still exists");
    }
    assertTrue(LocalCluster.attach(dir).isPresent(), "the state file stays for the record");
  }

  private static void iptables(String op, List<String> spec) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("iptables", op, "OUTPUT"));
    cmd.addAll(spec);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), cmd + ": " + out);
  }

  private static String iptablesList() throws Exception {
    Process p = new ProcessBuilder("iptables", "-S", "OUTPUT").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    return out;
  }

  private static long dbsize(Node n) throws IOException {
    try (RespClient c = new RespClient(n.address(), n.clientPort(), Duration.ofSeconds(5))) {
      return (Long) c.call("DBSIZE");
    }
  }

  private JsonNode etcdctl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints",
        "http://127.0.0.11:" + ETCD_CLIENT + ",http://127.0.0.12:" + ETCD_CLIENT
            + ",http://127.0.0.13:" + ETCD_CLIENT, "-w", "json"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("ETCDCTL_API", "3");
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return new ObjectMapper().readTree(out);
  }

  private static void awaitDead(long pid) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (Processes.alive(pid)) {
      if (System.nanoTime() > deadline) {
        fail("pid " + pid + " still alive after SIGKILL");
      }
      Thread.sleep(20);
    }
  }

  private static boolean portOpen(String address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 300);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs {@code command} on {@code node} over SSH with strict host key checking; asserts exit 0. */
  private static String ssh(Node node, String command) throws JSchException, IOException {
    JSch jsch = new JSch();
    jsch.addIdentity(node.privateKey().toString());
    jsch.setKnownHosts(node.knownHosts().toString());
    Session session = jsch.getSession(node.user(), node.address(), node.sshPort());
    session.setConfig("StrictHostKeyChecking", "yes");
    try {
      session.connect(5000);
      ChannelExec ch = (ChannelExec) session.openChannel("exec");
      ch.setCommand(command);
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      ch.setErrStream(err);
      InputStream in = ch.getInputStream();
      ch.connect(5000);
      String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!ch.isClosed() && System.nanoTime() < deadline) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      assertTrue(ch.isClosed(), "channel closed (command detached?): " + command);
      assertEquals(0, ch.getExitStatus(), command + ": " + out + err);
      ch.disconnect();
      return out;
    } finally {
      session.disconnect();
    }
  }
}
