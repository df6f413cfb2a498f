package dev.shipgate.cli.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The top-level docker-compose.yml, parsed (anchors and merge keys resolved as compose does). */
class ComposeFileTest {
  private static Map<String, Map<String, Object>> services;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void parse() throws IOException {
    Path file = Path.of("..", "docker-compose.yml");
    Map<String, Object> root = new Yaml().load(Files.readString(file));
    services = (Map<String, Map<String, Object>>) root.get("services");
    assertNotNull(services, "no services in " + file);
  }

  @Test
  void shouldUseOnlyTheLocalImagesAtThePomsVersionsAndNeverPull() {
    ImageNames names = ImageNames.current();
    Set<String> local = Set.of(ImageNames.TARGET, names.kafka(), names.registry(),
        names.shipgate());
    Set<String> used = new HashSet<>();
    services.forEach((name, s) -> {
      String image = (String) s.get("image");
      assertTrue(local.contains(image), name + ": image " + image + " is not one shipgate builds "
          + local);
      assertFalse(image.endsWith(":latest"), name + ": " + image);
      assertEquals("never", s.get("pull_policy"), name + ": pull_policy");
      assertEquals("true", labels(s).get(ImageNames.LABEL), name + ": label " + ImageNames.LABEL);
      used.add(image);
    });
    assertEquals(local, used);
  }

  @Test
  void shouldGiveEveryServiceButTheDriverAHealthcheck() {
    services.forEach((name, s) -> {
      if (!name.equals("driver")) {
        Map<?, ?> hc = (Map<?, ?>) s.get("healthcheck");
        assertNotNull(hc, name + " has no healthcheck");
        assertFalse(((List<?>) hc.get("test")).isEmpty(), name + ": empty healthcheck");
      }
    });
  }

  @Test
  void shouldRunThreeBrokersWithThreeReplicasAndTwoInSyncForEveryTopicAndTheTransactionLog() {
    List<String> brokers = services.keySet().stream().filter(n -> n.startsWith("kafka-")).toList();
    assertEquals(List.of("kafka-1", "kafka-2", "kafka-3"), brokers);
    Set<String> nodeIds = new HashSet<>();
    for (String b : brokers) {
      Map<?, ?> env = (Map<?, ?>) services.get(b).get("environment");
      assertEquals("3", env.get("KAFKA_DEFAULT_REPLICATION_FACTOR"), b);
      assertEquals("2", env.get("KAFKA_MIN_INSYNC_REPLICAS"), b);
      assertEquals("3", env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"), b);
      assertEquals("3", env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"), b);
      assertEquals("2", env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"), b);
      assertEquals("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093",
          env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"), b);
      assertTrue(String.valueOf(env.get("KAFKA_ADVERTISED_LISTENERS"))
          .startsWith("PLAINTEXT://" + b + ":9092"), b + " advertises a name other containers resolve");
      nodeIds.add(String.valueOf(env.get("KAFKA_NODE_ID")));
    }
    assertEquals(Set.of("1", "2", "3"), nodeIds);
    assertTrue(command("init").contains("topics create --replication-factor 3"), command("init"));
  }

  @Test
  void shouldRunTwoStreamsInstancesOfOneApplicationEachWithItsOwnStateAndQueryPort() {
    List<String> instances = services.keySet().stream().filter(n -> n.startsWith("streams-"))
        .toList();
    assertEquals(List.of("streams-1", "streams-2"), instances);
    Set<Object> volumes = new HashSet<>();
    for (String s : instances) {
      String cmd = command(s);
      assertTrue(cmd.startsWith("streams "), cmd);
      assertTrue(cmd.contains("--replication-factor 3"), cmd);
      assertTrue(cmd.contains("--http " + s + ":8090"), cmd);
      assertFalse(cmd.contains("--application-id"), "one application id for both: " + cmd);
      volumes.addAll((List<?>) services.get(s).get("volumes"));
    }
    assertEquals(Set.of("streams-1:/state", "streams-2:/state"), volumes);
  }

  @Test
  void shouldDriveARealEtcdClusterOverSshWithPinnedHostKeys() throws IOException {
    for (String n : List.of("node-a", "node-b", "node-c")) {
      Map<String, Object> s = services.get(n);
      assertEquals(ImageNames.TARGET, s.get("image"), n);
      assertEquals(List.of("NET_ADMIN"), s.get("cap_add"), n + " applies iptables partitions");
    }
    String campaign = Files.readString(Path.of("..", "compose", "campaign.yaml"));
    assertTrue(campaign.contains("strict_host_key_checking: true"), campaign);
    assertTrue(campaign.contains("known_hosts: /keys/known_hosts"), campaign);
    assertTrue(command("driver").isEmpty() || !command("driver").contains("--dry-run"));
    assertTrue(((List<?>) services.get("sink").get("volumes")).contains("./runs:/runs"));
  }

  private static Map<?, ?> labels(Map<String, Object> s) {
    Object l = s.get("labels");
    return l instanceof Map<?, ?> m ? m : Map.of();
  }

  private static String command(String service) {
    Object c = services.get(service).get("command");
    if (c == null) {
      return "";
    }
    if (c instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      l.forEach(p -> parts.add(String.valueOf(p)));
      return String.join(" ", parts);
    }
    return String.valueOf(c);
  }
}
