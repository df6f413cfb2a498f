package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shipgate.schemas.registry.InMemorySchemaRegistry;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;

/**
 * The internal topics named and configured from the topology (that they equal the ones Kafka
 * Streams creates itself is {@code LiveQueriesIT}'s, against a real broker).
 */
class InternalTopicsTest {
  private static Topology topology() {
    return ShipgateTopology.topology(new InMemorySchemaRegistry(), "app-x", "");
  }

  @Test
  void shouldNameAChangelogPerStoreAndTheRepartitionTopic() {
    Properties props = StreamsConfigFactory.create("127.0.0.1:1",
        Map.of("application.id", "app-x"));
    List<NewTopic> topics = InternalTopics.of(topology(), props, 6);
    TreeSet<String> names = new TreeSet<>();
    topics.forEach(t -> names.add(t.name()));
    TreeSet<String> expected = new TreeSet<>();
    for (String store : EvidenceStores.ALL) {
      expected.add("app-x-" + store + "-changelog");
    }
    for (String store : CycleStores.ALL) {
      expected.add("app-x-" + store + "-changelog");
    }
    expected.add("app-x-" + SoakProcessor.STORE + "-changelog");
    expected.add("app-x-soak-runs-by-gate-repartition");
    expected.add("app-x-cycle-reports-repartition");
    expected.add("app-x-cycle-control");
    assertEquals(expected, names);
    for (NewTopic t : topics) {
      assertEquals(6, t.numPartitions(), t.name());
      assertEquals((short) StreamsConfigFactory.DEFAULT_REPLICATION_FACTOR, t.replicationFactor(),
          t.name());
      Map<String, String> configs = new TreeMap<>(t.configs());
      if (t.name().endsWith("-changelog") || t.name().endsWith("-cycle-control")) {
        assertEquals(Map.of("cleanup.policy", "compact", "message.timestamp.type", "CreateTime"),
            configs, t.name());
      } else {
        assertEquals(Map.of("cleanup.policy", "delete", "message.timestamp.type", "CreateTime",
            "retention.ms", "-1", "segment.bytes", "52428800"), configs, t.name());
      }
    }
  }

  @Test
  void shouldApplyTheTopicPrefixedSettingsAndLeaveReplicationToTheBrokerOnMinusOne() {
    Properties props = StreamsConfigFactory.create("127.0.0.1:1", Map.of(
        "application.id", "app-x", "replication.factor", "-1",
        "topic.min.insync.replicas", 2, "topic.cleanup.policy", "compact,delete"));
    for (NewTopic t : InternalTopics.of(topology(), props, 3)) {
      assertEquals("2", t.configs().get("min.insync.replicas"), t.name());
      assertEquals("compact,delete", t.configs().get("cleanup.policy"), t.name());
      assertEquals((short) -1, t.replicationFactor(), t.name() + ": the broker's default");
    }
  }
}
