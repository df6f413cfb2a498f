package dev.shipgate.cli.containers;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.shipgate.cli.images.ImageNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * A 3-broker KRaft cluster (combined nodes; 3 replicas and 2 in sync for every topic and the
 * transaction log), the schema registry, and shipgate Streams instances, all from the local images
 * on one Docker network. The test JVM reaches the brokers on their HOST listeners (mapped ports).
 */
public final class ContainerCluster implements AutoCloseable {
  static final int HOST_LISTENER = 19092;
  public static final String INTERNAL_BOOTSTRAP = "kafka-1:9092,kafka-2:9092,kafka-3:9092";

  private final ImageNames names;
  private final Network network = Network.builder()
      .createNetworkCmdModifier(c -> c.withLabels(java.util.Map.of(ImageNames.LABEL, "true")))
      .build();
  private final List<Broker> brokers = new ArrayList<>();
  private final GenericContainer<?> registry;
  private final List<GenericContainer<?>> streams = new ArrayList<>();

  /** One KRaft node; it learns its mapped port before it starts (advertised on HOST). */
  public static final class Broker extends GenericContainer<Broker> {
    private final String name;

    Broker(String image, int nodeId, Network network) {
      super(DockerImageName.parse(image));
      this.name = "kafka-" + nodeId;
      withImagePullPolicy(NeverPull.INSTANCE).withNetwork(network).withNetworkAliases(name)
          .withCreateContainerCmdModifier(c -> c.withHostName(name))
          .withLabel(ImageNames.LABEL, "true")
          .withExposedPorts(HOST_LISTENER)
          .withEnv("CLUSTER_ID", "c2hpcGdhdGUtY29udGFpbmVy")
          .withEnv("KAFKA_NODE_ID", String.valueOf(nodeId))
          .withEnv("KAFKA_PROCESS_ROLES", "broker,controller")
          .withEnv("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093")
          .withEnv("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093,HOST://:" + HOST_LISTENER)
          .withEnv("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
          .withEnv("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT")
          .withEnv("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
              "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,HOST:PLAINTEXT")
          .withEnv("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
          .withEnv("KAFKA_MIN_INSYNC_REPLICAS", "2")
          .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
          .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
          .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2")
          .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
          .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
          .withEnv("KAFKA_HEAP_OPTS", "-Xmx384m -Xms128m")
          .withCommand("bash", "-c", "while [ ! -s /tmp/advertised.env ]; do sleep 0.1; done;"
              + " . /tmp/advertised.env; exec /etc/kafka/docker/run")
          .waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1)
              .withStartupTimeout(Duration.ofMinutes(4)));
    }

    @Override
    protected void containerIsStarting(InspectContainerResponse info) {
      copyFileToContainer(Transferable.of("export KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://" + name
          + ":9092,HOST://localhost:" + getMappedPort(HOST_LISTENER) + "\n"), "/tmp/advertised.env");
    }

    public String nodeName() {
      return name;
    }

    public String hostAddress() {
      return "localhost:" + getMappedPort(HOST_LISTENER);
    }
  }

  private ContainerCluster(ImageNames names) {
    this.names = names;
    for (int i = 1; i <= 3; i++) {
      brokers.add(new Broker(names.kafka(), i, network));
    }
    registry = new GenericContainer<>(DockerImageName.parse(names.registry()))
        .withImagePullPolicy(NeverPull.INSTANCE).withNetwork(network).withNetworkAliases("registry")
        .withLabel(ImageNames.LABEL, "true").withExposedPorts(8081)
        .waitingFor(Wait.forHttp("/apis/ccompat/v7/subjects").forStatusCode(200)
            .withStartupTimeout(Duration.ofMinutes(3)));
  }

  /** Starts the brokers (together: a KRaft quorum needs two voters up) and the registry. */
  public static ContainerCluster start(ImageNames names) {
    ContainerCluster c = new ContainerCluster(names);
    try {
      List<GenericContainer<?>> all = new ArrayList<>(c.brokers);
      all.add(c.registry);
      Startables.deepStart(all).join();
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  public String hostBootstrap() {
    return brokers.stream().filter(GenericContainer::isRunning).map(Broker::hostAddress)
        .collect(Collectors.joining(","));
  }

  public String hostRegistryUrl() {
    return "http://localhost:" + registry.getMappedPort(8081) + "/apis/ccompat/v7";
  }

  public List<Broker> brokers() {
    return brokers;
  }

  /**
   * A shipgate Streams instance ({@code shipgate streams}, application id shipgate-streams) named
   * {@code name} on the network, its query server on {@code name:8090}; started and RUNNING.
   */
  public GenericContainer<?> startStreams(String name) {
    GenericContainer<?> s = streamsContainer(name);
    s.start();
    return s;
  }

  /** Several instances started together (they join the group at once). */
  public List<GenericContainer<?>> startStreams(String... names) {
    List<GenericContainer<?>> started = new ArrayList<>();
    for (String n : names) {
      started.add(streamsContainer(n));
    }
    Startables.deepStart(started).join();
    return started;
  }

  private GenericContainer<?> streamsContainer(String name) {
    GenericContainer<?> s = new GenericContainer<>(DockerImageName.parse(names.shipgate()))
        .withImagePullPolicy(NeverPull.INSTANCE).withNetwork(network).withNetworkAliases(name)
        .withCreateContainerCmdModifier(c -> c.withHostName(name))
        .withLabel(ImageNames.LABEL, "true")
        .withEnv("SHIPGATE_BOOTSTRAP_SERVERS", INTERNAL_BOOTSTRAP)
        .withEnv("SHIPGATE_SCHEMA_REGISTRY_URL", "http://registry:8081/apis/ccompat/v7")
        .withEnv("SHIPGATE_JAVA_OPTS", "-Xmx512m")
        // a member that died leaves the group after 10 s (static membership keeps its tasks that
        // long; the default 45 s only slows the test)
        .withCopyToContainer(Transferable.of("session.timeout.ms=10000\n"),
            "/etc/shipgate/streams.properties")
        .withCommand("streams", "--replication-factor", "3", "--state-dir", "/state", "--http",
            name + ":8090", "--client-config", "/etc/shipgate/streams.properties")
        .waitingFor(Wait.forLogMessage(".*streams running as.*", 1)
            .withStartupTimeout(Duration.ofMinutes(3)));
    streams.add(s);
    return s;
  }

  @Override
  public void close() {
    for (GenericContainer<?> s : streams) {
      s.stop();
    }
    registry.stop();
    for (Broker b : brokers) {
      b.stop();
    }
    network.close();
  }
}
