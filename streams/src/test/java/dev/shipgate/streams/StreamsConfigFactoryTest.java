package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.schemas.registry.InMemorySchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.junit.jupiter.api.Test;

class StreamsConfigFactoryTest {

  @Test
  void shouldRunExactlyOnceV2WithAShortCommitIntervalAndExplicitHandlers() {
    Properties p = StreamsConfigFactory.create("localhost:9092");
    assertEquals("shipgate-streams", p.get(StreamsConfig.APPLICATION_ID_CONFIG));
    assertEquals(StreamsConfig.EXACTLY_ONCE_V2, p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    assertEquals(500, p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
    assertEquals(1, p.get(StreamsConfig.REPLICATION_FACTOR_CONFIG));
    assertEquals(LogAndFailExceptionHandler.class.getName(),
        p.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG));
  }

  @Test
  void shouldTakeOverridesSuchAsReplicationFactor() {
    Properties p = StreamsConfigFactory.create("broker:9092",
        Map.of(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3, StreamsConfig.APPLICATION_ID_CONFIG,
            "shipgate-replay-1"));
    assertEquals(3, p.get(StreamsConfig.REPLICATION_FACTOR_CONFIG));
    assertEquals("shipgate-replay-1", p.get(StreamsConfig.APPLICATION_ID_CONFIG));
  }

  @Test
  void shouldGiveTheRestoreConsumerAShortFetchWaitThatTheUserCanOverride() {
    String key = StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);
    Properties p = StreamsConfigFactory.create("localhost:9092");
    // the restore consumer gets it, the main consumer keeps the client default
    StreamsConfig config = new StreamsConfig(p);
    assertEquals(50, config.getRestoreConsumerConfigs("c").get(
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
    assertFalse(config.getMainConsumerConfigs("g", "c", 0).containsKey(
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
    Properties mine = StreamsConfigFactory.create("localhost:9092", Map.of(key, 500));
    assertEquals(500, new StreamsConfig(mine).getRestoreConsumerConfigs("c").get(
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
    // a wait the user gives every consumer (plain or consumer.) is the restore consumer's too
    for (String all : List.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
        StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))) {
      Properties theirs = StreamsConfigFactory.create("localhost:9092", Map.of(all, 300));
      assertEquals(300, new StreamsConfig(theirs).getRestoreConsumerConfigs("c").get(
          ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), all);
    }
  }

  @Test
  void shouldJoinTheGroupAsAStaticMemberKeyedByApplicationAndStateDir() {
    String key = StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    Properties a = StreamsConfigFactory.create("b:9092",
        Map.of(StreamsConfig.STATE_DIR_CONFIG, "/home/u/shipgate/.shipgate/streams-state"));
    Properties again = StreamsConfigFactory.create("b:9092",
        Map.of(StreamsConfig.STATE_DIR_CONFIG, "/home/u/shipgate/.shipgate/./streams-state"));
    Properties other = StreamsConfigFactory.create("b:9092",
        Map.of(StreamsConfig.STATE_DIR_CONFIG, "/tmp/it/streams-state"));
    String id = (String) a.get(key);
    assertTrue(id.matches("shipgate-streams-[0-9a-f]{8}"), id);
    assertEquals(id, again.get(key), "a restart on the same state takes the same place");
    assertNotEquals(id, other.get(key));
    // the main consumer gets it; Streams suffixes it with the thread index
    assertEquals(id, new StreamsConfig(a).getMainConsumerConfigs("g", "c", 0)
        .get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG).toString().replaceAll("-0$", ""));
    Properties chosen = StreamsConfigFactory.create("b:9092",
        Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "mine"));
    assertFalse(chosen.containsKey(key), "an id the caller chose wins");
  }

  @Test
  void shouldRefuseAMissingBootstrapServerWithAMessageNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> StreamsConfigFactory.create(" "));
    assertTrue(e.getMessage().contains("bootstrap.servers"), e.getMessage());
  }

  @Test
  void shouldPartitionSuffixedOutputKeysWithTheirCampaign() {
    String campaign = "v0.6.0.0-final-r24";
    int expected = Utils.toPositive(Utils.murmur2(campaign.getBytes(StandardCharsets.UTF_8))) % 3;
    CampaignPartitioner<Object> p = new CampaignPartitioner<>();
    for (String key : new String[] {campaign, campaign + "/partition_minority",
        campaign + "/partition_minority/7", campaign + "/1/a"}) {
      assertEquals(Integer.valueOf(expected),
          p.partitions("t", key, null, 3).orElseThrow().iterator().next(), key);
    }
  }

  @Test
  void shouldBuildOneTopologyReadingEveryInputAndNoOutputBack() {
    TopologyDescription d = ShipgateTopology.topology(new InMemorySchemaRegistry(),
        "shipgate-streams", "").describe();
    String text = d.toString();
    for (String topic : new String[] {"shipgate.campaigns", "shipgate.writes", "shipgate.faults",
        "shipgate.observations", "shipgate.checks"}) {
      assertTrue(text.contains("topics: [" + topic + "]"), topic);
    }
    for (String output : new String[] {"shipgate.fault-bounds", "shipgate.phase-verdicts",
        "shipgate.campaign-verdicts", "shipgate.cycle-convergence"}) {
      assertTrue(!text.contains("topics: [" + output + "]"), output + " is never read back");
    }
    // two stages: the cycle tasks read the evidence and the judge's word; the campaign judge
    // reads the campaigns and the cycle tasks' reports
    Map<String, Integer> readBy = new java.util.TreeMap<>();
    for (TopologyDescription.Subtopology sub : d.subtopologies()) {
      for (TopologyDescription.Node n : sub.nodes()) {
        if (n instanceof TopologyDescription.Source source) {
          source.topicSet().forEach(t -> readBy.put(t, sub.id()));
        }
      }
    }
    assertEquals(2, d.subtopologies().size(), readBy.toString());
    int cycles = readBy.get("shipgate.writes");
    for (String topic : new String[] {"shipgate.observations", "shipgate.checks",
        "shipgate.faults", "shipgate-streams-cycle-control"}) {
      assertEquals(cycles, readBy.get(topic), topic + " is read by the cycle tasks");
    }
    int judge = readBy.get("shipgate.campaigns");
    assertTrue(judge != cycles, readBy.toString());
    assertEquals(judge, readBy.get("cycle-reports-repartition"), "the reports by the judge");
  }
}
