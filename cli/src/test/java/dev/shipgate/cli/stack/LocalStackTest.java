package dev.shipgate.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No processes: what the stack says and refuses when nothing of it runs. */
class LocalStackTest {

  @TempDir Path tmp;

  private StackConfig config(Path home, int kafka, int controller, int registry) {
    return new StackConfig(home, tmp.resolve("data"), "127.0.0.1", kafka, controller, registry,
        StackConfig.DEFAULT_START_TIMEOUT, "1g", "512m");
  }

  @Test
  void statusOfNothingIsDownWithExitCode1() {
    StackStatus st = new LocalStack(config(tmp, 39092, 39093, 38081)).status();
    assertFalse(st.allUp());
    assertFalse(st.anyAlive());
    assertEquals(1, st.exitCode());
    assertEquals(-1, st.service(LocalStack.KAFKA).pid());
    assertTrue(st.toString().contains("DOWN"), st.toString());
  }

  @Test
  void downAndResetAreIdempotent() throws Exception {
    LocalStack stack = new LocalStack(config(tmp, 39092, 39093, 38081));
    assertEquals(List.of("kafka: not running", "registry: not running"), stack.down());
    Files.createDirectories(tmp.resolve("data").resolve("logs"));
    stack.reset();
    assertFalse(Files.exists(tmp.resolve("data")));
    stack.reset();
  }

  @Test
  void resetRefusesAForeignDirectory() throws Exception {
    Files.createDirectories(tmp.resolve("data"));
    Files.writeString(tmp.resolve("data").resolve("precious.txt"), "x");
    LocalStack stack = new LocalStack(config(tmp, 39092, 39093, 38081));
    assertThrows(StackException.class, stack::reset);
    assertTrue(Files.exists(tmp.resolve("data").resolve("precious.txt")));
  }

  @Test
  void upWithoutArtifactsSaysHowToBuildThem() {
    StackException e = assertThrows(StackException.class,
        () -> new LocalStack(config(tmp, 39092, 39093, 38081)).up());
    assertTrue(e.getMessage().contains("mvn -q -pl broker,registry package"), e.getMessage());
  }

  @Test
  void upRefusesAPortTakenBySomeoneElse() throws Exception {
    Path home = tmp.resolve("home");
    for (Path p : List.of(home.resolve("broker/target/broker.classpath"),
        home.resolve("broker/target/broker-log4j2.properties"),
        home.resolve("registry/target/quarkus-app/quarkus-run.jar"))) {
      Files.createDirectories(p.getParent());
      Files.writeString(p, "");
    }
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      int port = squatter.getLocalPort();
      LocalStack stack = new LocalStack(config(home, port, 39093, 38081));
      StackException e = assertThrows(StackException.class, stack::up);
      assertTrue(e.getMessage().contains("not this stack's"), e.getMessage());
      assertTrue(e.getMessage().contains(String.valueOf(port)), e.getMessage());
      assertFalse(Files.exists(stack.pidFile(LocalStack.KAFKA)));
    }
  }

  @Test
  void configRejectsClashingPorts() {
    assertThrows(IllegalArgumentException.class, () -> config(tmp, 39092, 39092, 38081));
  }
}
