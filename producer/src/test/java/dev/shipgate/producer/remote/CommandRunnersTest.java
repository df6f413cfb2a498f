package dev.shipgate.producer.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandRunnersTest {

  @Test
  void shouldSendNodesWithAPrivateKeyOverSshAndTheOthersToTheLocalRunner() {
    CapturingCommandRunner ssh = new CapturingCommandRunner();
    CapturingCommandRunner local = new CapturingCommandRunner();
    CommandRunner byNode = CommandRunners.byNode(ssh, local);
    Node remote = SshFixtures.node("a", "127.0.0.11", 22, Path.of("/nonexistent/id"), null);
    Node here = SshFixtures.localNode("b");

    byNode.run(remote, "echo remote", Duration.ofSeconds(1));
    byNode.run(here, "echo here", Duration.ofSeconds(1));

    assertEquals(List.of("echo remote"), ssh.commands("a"));
    assertEquals(List.of(), ssh.commands("b"));
    assertEquals(List.of("echo here"), local.commands("b"));
    assertEquals(List.of(), local.commands("a"));
  }
}
