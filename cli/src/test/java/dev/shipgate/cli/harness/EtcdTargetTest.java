package dev.shipgate.cli.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.producer.remote.Node;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What etcd members are started with and how they are read, checked without starting one. */
class EtcdTargetTest {
  private final ClusterTarget etcd = Target.ETCD.clusterTarget();

  @Test
  void shouldStartNodeBOfThreeOnItsOwnAddressWithTheDefaultPorts() {
    assertEquals(2379, etcd.defaultClientPort());
    assertEquals(2380, etcd.defaultPeerPort());
    List<String> argv = etcd.startArgv(LocalCluster.NAMES, LocalCluster.ADDRESSES, 1,
        Path.of("/srv/sg/b/data"), etcd.defaultClientPort(), etcd.defaultPeerPort());
    assertEquals(List.of("/usr/bin/etcd", "--name", "b", "--data-dir", "/srv/sg/b/data",
        "--listen-client-urls", "http://127.0.0.12:2379",
        "--advertise-client-urls", "http://127.0.0.12:2379",
        "--listen-peer-urls", "http://127.0.0.12:2380",
        "--initial-advertise-peer-urls", "http://127.0.0.12:2380",
        "--initial-cluster",
        "a=http://127.0.0.11:2380,b=http://127.0.0.12:2380,c=http://127.0.0.13:2380",
        "--initial-cluster-token", "shipgate-local", "--initial-cluster-state", "new",
        "--heartbeat-interval", "100", "--election-timeout", "1000",
        "--logger", "zap", "--log-outputs", "stderr"), argv);
  }

  @Test
  void shouldRefuseOnePortForClientAndPeer() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> etcd.checkPorts(22379, 22379));
    assertEquals("etcd needs distinct client and peer ports, got 22379 for both", e.getMessage());
    etcd.checkPorts(22379, 22380);
  }

  @Test
  void shouldReadTheVersionEtcdReports() {
    assertEquals(Optional.of("3.4.23"), etcd.parseVersion("etcd Version: 3.4.23\n"
        + "Git SHA: Not provided (use ./build instead of go build)\nGo Version: go1.19.8\n"));
    assertEquals(Optional.empty(), etcd.parseVersion("sh: etcd: not found"));
  }

  @Test
  void shouldCallAMemberThatDoesNotAnswerUnhealthy() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertFalse(etcd.healthy(new Node("b", 1, "127.0.0.1", 22, "root", null, null, port,
        port + 1, null, null, null)));
  }

  @Test
  void shouldStopMembersOneAtATime() {
    assertEquals("/usr/bin/etcd", etcd.binary());
    assertTrue(etcd.stopsOneAtATime());
  }
}
