package dev.shipgate.cli.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real processes on non-default loopback ports (29092/29093/28081) and a temp data dir. Needs
 * {@code broker/} and {@code registry/} packaged (reactor order puts them before cli).
 */
class LocalStackIT {
  private static final int KAFKA = 29092;
  private static final int CONTROLLER = 29093;
  private static final int REGISTRY = 28081;

  private static Path dataDir;
  private static LocalStack stack;

  @BeforeAll
  static void setUp() throws Exception {
    // under target/ so that .ci/run finds (and stops) anything a failed run leaves behind
    Files.createDirectories(Path.of("target"));
    dataDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "stack-it-");
    stack = new LocalStack(StackConfig.forTests(dataDir, KAFKA, CONTROLLER, REGISTRY));
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (stack != null) {
      stack.down();
    }
    if (dataDir != null) {
      try (Stream<Path> s = Files.walk(dataDir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void upStatusIdempotentProduceConsumeRegisterDown() throws Exception {
    // 1. up from a JVM that then exits: the services must outlive it
    long t0 = System.nanoTime();
    Process child = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Dshipgate.home=" + stack.config().home(),
        StackUpMain.class.getName(), dataDir.toString(), String.valueOf(KAFKA),
        String.valueOf(CONTROLLER), String.valueOf(REGISTRY))
        .redirectErrorStream(true).start();
    String childOut = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(120, TimeUnit.SECONDS), "up JVM did not exit");
    System.out.println("up (in a child JVM, " + (System.nanoTime() - t0) / 1_000_000
        + " ms incl. JVM start):\n" + childOut);
    assertEquals(0, child.exitValue(), childOut);
    assertFalse(child.isAlive());

    // 2. status: all up, with the PIDs the child wrote, although their parent JVM is gone
    StackStatus st = stack.status();
    System.out.println(st);
    assertTrue(st.allUp(), st.toString());
    assertEquals(0, st.exitCode());
    long kafkaPid = st.service(LocalStack.KAFKA).pid();
    long registryPid = st.service(LocalStack.REGISTRY).pid();
    assertEquals(kafkaPid, pidIn(childOut, "kafka"));
    assertEquals(registryPid, pidIn(childOut, "registry"));
    assertTrue(ProcessHandle.of(kafkaPid).map(ProcessHandle::isAlive).orElse(false));
    assertTrue(ProcessHandle.of(registryPid).map(ProcessHandle::isAlive).orElse(false));

    // 3. up again: nothing new, same PIDs, every topic already there
    StackReport again = stack.up();
    System.out.println(again);
    assertTrue(again.alreadyRunning(), again.toString());
    assertEquals(kafkaPid, again.service(LocalStack.KAFKA).pid());
    assertEquals(registryPid, again.service(LocalStack.REGISTRY).pid());
    assertTrue(again.topicsCreated().isEmpty(), again.toString());
    assertEquals(Topics.all().size(), again.topicsExisting().size());

    // 4. the contract's topics exist with their partitions and cleanup policy
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        stack.config().bootstrapServers()))) {
      Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      for (Topic<?, ?> t : Topics.all()) {
        assertTrue(names.contains(t.name()), t.name());
        assertEquals(t.partitions(), admin.describeTopics(List.of(t.name())).allTopicNames()
            .get(10, TimeUnit.SECONDS).get(t.name()).partitions().size());
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, t.name());
        Config c = admin.describeConfigs(List.of(r)).all().get(10, TimeUnit.SECONDS).get(r);
        assertEquals(t.cleanupPolicy(), c.get("cleanup.policy").value(), t.name());
      }
      admin.createTopics(List.of(new NewTopic("stack-it", 1, (short) 1))).all()
          .get(10, TimeUnit.SECONDS);
    }

    // 5. one record through the broker
    byte[] value = "hello shipgate".getBytes(StandardCharsets.UTF_8);
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.config().bootstrapServers());
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>("stack-it", "k".getBytes(StandardCharsets.UTF_8), value))
          .get(10, TimeUnit.SECONDS);
    }
    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.config().bootstrapServers());
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition("stack-it", 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      Optional<ConsumerRecord<byte[], byte[]>> got = Optional.empty();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (got.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
          got = Optional.of(rec);
        }
      }
      assertTrue(got.isPresent(), "no record consumed");
      assertArrayEquals(value, got.get().value());
    }

    // 6. a schema through the registry's Confluent API
    HttpClient http = HttpClient.newHttpClient();
    String ccompat = stack.config().registryCcompatUrl();
    String schema = "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"StackIt\\\","
        + "\\\"namespace\\\":\\\"dev.shipgate.it\\\",\\\"fields\\\":[{\\\"name\\\":\\\"a\\\","
        + "\\\"type\\\":\\\"string\\\"}]}\"}";
    HttpResponse<String> reg = http.send(HttpRequest.newBuilder(
            URI.create(ccompat + "/subjects/stack-it-value/versions"))
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .POST(HttpRequest.BodyPublishers.ofString(schema)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, reg.statusCode(), reg.body());
    Matcher m = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(reg.body());
    assertTrue(m.find(), reg.body());
    String id = m.group(1);
    HttpResponse<String> byId = http.send(HttpRequest.newBuilder(
        URI.create(ccompat + "/schemas/ids/" + id)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, byId.statusCode(), byId.body());
    assertTrue(byId.body().contains("StackIt"), byId.body());

    // 7. down: no process left, status says down, PID files gone
    List<String> lines = stack.down();
    System.out.println(String.join("\n", lines));
    assertDead(kafkaPid);
    assertDead(registryPid);
    StackStatus after = stack.status();
    System.out.println(after);
    assertFalse(after.anyAlive(), after.toString());
    assertEquals(1, after.exitCode());
    assertFalse(after.service(LocalStack.KAFKA).portOpen());
    assertFalse(after.service(LocalStack.REGISTRY).portOpen());
    assertFalse(Files.exists(stack.pidFile(LocalStack.KAFKA)));
    assertFalse(Files.exists(stack.pidFile(LocalStack.REGISTRY)));
    assertEquals(List.of("kafka: not running", "registry: not running"), stack.down());

    // 8. up on the same data dir: the topics and the registered schema survived
    try (LocalStack.Running again2 = new LocalStack.Running(stack, stack.up())) {
      System.out.println(again2.report());
      assertFalse(again2.report().alreadyRunning());
      assertTrue(again2.report().topicsCreated().isEmpty(), again2.report().toString());
      HttpResponse<String> survived = http.send(HttpRequest.newBuilder(
          URI.create(again2.registryUrl() + "/schemas/ids/" + id)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, survived.statusCode(), survived.body());
      assertTrue(survived.body().contains("StackIt"), survived.body());
    }
    assertFalse(stack.status().anyAlive());
  }

  private static long pidIn(String report, String service) {
    Matcher m = Pattern.compile(service + "\\s+pid\\s+(\\d+)").matcher(report);
    assertTrue(m.find(), "no " + service + " pid in:\n" + report);
    return Long.parseLong(m.group(1));
  }

  private static void assertDead(long pid) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    // an exited but not yet reaped process (state Z) has no command line: count it as dead
    boolean alive = h.isPresent() && h.get().isAlive() && h.get().info().arguments().isPresent();
    assertFalse(alive, "pid " + pid + " still alive: " + h.flatMap(x -> x.info().commandLine()));
  }
}
