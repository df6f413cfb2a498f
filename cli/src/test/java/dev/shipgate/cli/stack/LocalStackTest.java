package dev.shipgate.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
    Path home = fakeArtifacts(tmp.resolve("home"));
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
  void upRefusesAPortHeldByAnOutgoingConnection() throws Exception {
    Path home = fakeArtifacts(tmp.resolve("home"));
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (ServerSocket listener = new ServerSocket(0, 1, loopback);
        Socket client = new Socket()) {
      client.bind(new InetSocketAddress(loopback, 0));
      client.connect(listener.getLocalSocketAddress());
      try (Socket accepted = listener.accept()) {
        // nothing listens on the client's port: only the connection's local end holds it
        int port = client.getLocalPort();
        LocalStack stack = new LocalStack(config(home, port, 39093, 38081));
        StackException e = assertThrows(StackException.class, stack::up);
        assertTrue(e.getMessage().contains("127.0.0.1:" + port + " (kafka)"), e.getMessage());
        assertFalse(Files.exists(stack.pidFile(LocalStack.KAFKA)));
      }
    }
  }

  @Test
  void ephemeralHintNamesTheKernelRange() throws Exception {
    String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
        .get(0).trim().split("\\s+");
    int lo = Integer.parseInt(range[0]);
    assertTrue(LocalStack.ephemeralHint(lo).contains("ephemeral range " + lo + "-" + range[1]),
        LocalStack.ephemeralHint(lo));
    assertEquals("", LocalStack.ephemeralHint(lo - 1));
  }

  @Test
  void configRejectsClashingPorts() {
    assertThrows(IllegalArgumentException.class, () -> config(tmp, 39092, 39092, 38081));
  }

  /** A shipgate home whose broker and registry artifacts exist (empty): enough to reach the ports. */
  private static Path fakeArtifacts(Path home) throws IOException {
    for (Path p : List.of(home.resolve("broker/target/broker.classpath"),
        home.resolve("broker/target/broker-log4j2.properties"),
        home.resolve("registry/target/quarkus-app/quarkus-run.jar"))) {
      Files.createDirectories(p.getParent());
      Files.writeString(p, "");
    }
    return home;
  }
}
