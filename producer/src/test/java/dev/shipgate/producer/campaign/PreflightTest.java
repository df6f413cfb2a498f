package dev.shipgate.producer.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Before the first command: key files, known_hosts files, and every node's host key in them. */
class PreflightTest {
  static final String HOST_KEY = "ssh-ed25519"
      + " AAAAC3NzaC1lZDI1NTE5AAAAILQVOLbAZIhpQITNDpuDTZu3+B/u68SBsLZq3oNHhJR0";

  @TempDir
  Path dir;

  CampaignSpec spec(String nodesExtra) {
    String yaml = """
        campaign_id: pre-1
        target: {name: etcd, adapter: etcd}
        nodes:
          - {name: a, address: 127.0.0.11, ssh_port: 2222, private_key: id, known_hosts: kh, client_port: 2379, pid_file: /run/a.pid}
          - {name: b, address: 127.0.0.12, ssh_port: 2222, private_key: id, known_hosts: kh, client_port: 2379, pid_file: /run/b.pid}
          - {name: c, address: 127.0.0.13, ssh_port: 2222, private_key: missing-key, known_hosts: kh, client_port: 2379, pid_file: /run/c.pid}
        phases: [2]
        """ + nodesExtra;
    return new CampaignLoader(dir, CampaignSpec.KNOWN_FAULTS, Clock.systemUTC())
        .parse(yaml, "t", "t", CampaignOverrides.none());
  }

  @Test
  void shouldNameEveryMissingFileAndEveryHostWithoutAKey() throws Exception {
    Files.writeString(dir.resolve("id"), "not really a key");
    Files.writeString(dir.resolve("kh"), "[127.0.0.11]:2222 " + HOST_KEY + "\n"
        + "[127.0.0.13]:2222 " + HOST_KEY + "\n");

    List<String> problems = Preflight.problems(spec(""));

    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("nodes[1].known_hosts: no host key for"
        + " [127.0.0.12]:2222 in " + dir.resolve("kh")), problems.get(0));
    assertEquals("nodes[2].private_key: " + dir.resolve("missing-key") + " does not exist",
        problems.get(1));
  }

  @Test
  void shouldReportAMissingKnownHostsFile() throws Exception {
    Files.writeString(dir.resolve("id"), "k");
    Files.writeString(dir.resolve("missing-key"), "k");

    List<String> problems = Preflight.problems(spec(""));

    assertEquals(List.of(
        "nodes[0].known_hosts: " + dir.resolve("kh") + " does not exist",
        "nodes[1].known_hosts: " + dir.resolve("kh") + " does not exist",
        "nodes[2].known_hosts: " + dir.resolve("kh") + " does not exist"), problems);
  }

  @Test
  void shouldNotAskForHostKeysWhenCheckingIsExplicitlyOff() throws Exception {
    Files.writeString(dir.resolve("id"), "k");
    Files.writeString(dir.resolve("missing-key"), "k");

    assertEquals(List.of(), Preflight.problems(spec("ssh: {strict_host_key_checking: false}\n")));
  }
}
