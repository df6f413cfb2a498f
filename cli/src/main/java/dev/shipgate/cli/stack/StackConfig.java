package dev.shipgate.cli.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the local stack lives and which loopback ports it uses. Nothing here is static state: an
 * integration test builds its own config with its own ports and a temporary data directory.
 *
 * @param home repo root holding {@code broker/target/broker.classpath} and {@code
 *     registry/target/quarkus-app/quarkus-run.jar}
 * @param dataDir everything the stack writes: Kafka log dirs, the registry's H2 file, logs, PID files
 * @param host loopback address every service binds to and is reached on
 * @param kafkaPort the broker's PLAINTEXT listener
 * @param controllerPort the KRaft controller listener
 * @param registryPort the registry's HTTP port (Confluent API at {@code /apis/ccompat/v7})
 * @param startTimeout how long {@code up()} waits for each service to become ready
 * @param brokerHeap {@code -Xmx} of the broker JVM
 * @param registryHeap {@code -Xmx} of the registry JVM
 */
public record StackConfig(
    Path home,
    Path dataDir,
    String host,
    int kafkaPort,
    int controllerPort,
    int registryPort,
    Duration startTimeout,
    String brokerHeap,
    String registryHeap) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_KAFKA_PORT = 19092;
  public static final int DEFAULT_CONTROLLER_PORT = 19093;
  public static final int DEFAULT_REGISTRY_PORT = 8081;
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  public StackConfig {
    home = Objects.requireNonNull(home, "home").toAbsolutePath().normalize();
    dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(startTimeout, "startTimeout");
    Objects.requireNonNull(brokerHeap, "brokerHeap");
    Objects.requireNonNull(registryHeap, "registryHeap");
    for (int p : new int[] {kafkaPort, controllerPort, registryPort}) {
      if (p <= 0 || p > 65535) {
        throw new IllegalArgumentException("port out of range: " + p);
      }
    }
    if (kafkaPort == controllerPort || kafkaPort == registryPort || controllerPort == registryPort) {
      throw new IllegalArgumentException("the three ports must differ: " + kafkaPort + ", "
          + controllerPort + ", " + registryPort);
    }
  }

  /**
   * Defaults: home from {@code -Dshipgate.home}, {@code $SHIPGATE_HOME}, else the current directory
   * (or the nearest parent holding {@code broker/} and {@code registry/}); data dir from {@code
   * $SHIPGATE_STACK_DIR}, else {@code <home>/.shipgate/stack}; ports 19092/19093/8081.
   */
  public static StackConfig defaults() {
    Path home = resolveHome();
    String envDir = System.getenv("SHIPGATE_STACK_DIR");
    Path dataDir = envDir != null && !envDir.isBlank()
        ? Path.of(envDir)
        : home.resolve(".shipgate").resolve("stack");
    return new StackConfig(home, dataDir, DEFAULT_HOST, DEFAULT_KAFKA_PORT, DEFAULT_CONTROLLER_PORT,
        DEFAULT_REGISTRY_PORT, DEFAULT_START_TIMEOUT, "1g", "512m");
  }

  /** A config for tests: the default home, the given data dir and ports. */
  public static StackConfig forTests(Path dataDir, int kafkaPort, int controllerPort,
      int registryPort) {
    return new StackConfig(resolveHome(), dataDir, DEFAULT_HOST, kafkaPort, controllerPort,
        registryPort, DEFAULT_START_TIMEOUT, "1g", "512m");
  }

  public StackConfig withDataDir(Path dir) {
    return new StackConfig(home, dir, host, kafkaPort, controllerPort, registryPort, startTimeout,
        brokerHeap, registryHeap);
  }

  public StackConfig withPorts(int kafka, int controller, int registry) {
    return new StackConfig(home, dataDir, host, kafka, controller, registry, startTimeout,
        brokerHeap, registryHeap);
  }

  public StackConfig withHome(Path newHome) {
    return new StackConfig(newHome, dataDir, host, kafkaPort, controllerPort, registryPort,
        startTimeout, brokerHeap, registryHeap);
  }

  public StackConfig withStartTimeout(Duration timeout) {
    return new StackConfig(home, dataDir, host, kafkaPort, controllerPort, registryPort, timeout,
        brokerHeap, registryHeap);
  }

  /** {@code 127.0.0.1:19092}: what clients put in {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return host + ":" + kafkaPort;
  }

  public String controllerAddress() {
    return host + ":" + controllerPort;
  }

  /** {@code http://127.0.0.1:8081}: the registry's base URL. */
  public String registryUrl() {
    return "http://" + host + ":" + registryPort;
  }

  /** The Confluent-compatible API root, {@code http://127.0.0.1:8081/apis/ccompat/v7}. */
  public String registryCcompatUrl() {
    return registryUrl() + "/apis/ccompat/v7";
  }

  public Path brokerClasspathFile() {
    return home.resolve("broker").resolve("target").resolve("broker.classpath");
  }

  public Path brokerLog4jConfig() {
    return home.resolve("broker").resolve("target").resolve("broker-log4j2.properties");
  }

  public Path registryJar() {
    return home.resolve("registry").resolve("target").resolve("quarkus-app")
        .resolve("quarkus-run.jar");
  }

  public Path kafkaDir() {
    return dataDir.resolve("kafka");
  }

  public Path registryDir() {
    return dataDir.resolve("registry");
  }

  public Path logDir() {
    return dataDir.resolve("logs");
  }

  static Path resolveHome() {
    String prop = System.getProperty("shipgate.home");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    String env = System.getenv("SHIPGATE_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath().normalize();
    }
    Path cwd = Path.of("").toAbsolutePath().normalize();
    // `mvn -pl cli verify` runs tests in cli/: look upwards for the repo root
    for (Path p = cwd; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("broker")) && Files.isDirectory(p.resolve("registry"))) {
        return p;
      }
    }
    return cwd;
  }
}
