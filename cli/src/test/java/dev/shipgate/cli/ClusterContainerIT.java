package dev.shipgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.cli.bench.SyntheticCampaign;
import dev.shipgate.cli.containers.ContainerCluster;
import dev.shipgate.cli.containers.DockerEvents;
import dev.shipgate.cli.containers.RequiresDocker;
import dev.shipgate.cli.containers.TestImages;
import dev.shipgate.cli.stack.TopicCreator;
import dev.shipgate.producer.importer.ArtifactImporter;
import dev.shipgate.producer.importer.ImportOptions;
import dev.shipgate.producer.importer.ImportReport;
import dev.shipgate.producer.publish.KafkaEventPublisher;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.SchemaBootstrap;
import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.RestSchemaRegistry;
import dev.shipgate.streams.CampaignPartitioner;
import dev.shipgate.streams.ShipgateStreams;
import dev.shipgate.streams.StreamsConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.containers.GenericContainer;

/**
 * shipgate on a real 3-broker cluster with two Streams instances in containers (local images,
 * never pulled): the reference runs judged as on one broker; a Streams instance SIGKILLed and a
 * broker stopped in the middle of a campaign, each compared with an undisturbed judge of the same
 * inputs (exactly once: every event in the input topics once, the outputs equal).
 */
@RequiresDocker
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterContainerIT {
  static final Path WORK = Path.of("target", "it-cluster-containers");
  static final String APPLICATION = "shipgate-streams";
  static ContainerCluster cluster;
  static RestSchemaRegistry registry;
  static List<GenericContainer<?>> streams;
  static Instant since;

  @BeforeAll
  static void startTheCluster() throws Exception {
    since = Instant.now();
    ReferenceRunsIT.deleteRecursively(WORK);
    Files.createDirectories(WORK);
    cluster = ContainerCluster.start(TestImages.ensureBuilt());
    registry = new RestSchemaRegistry(cluster.hostRegistryUrl());
    SchemaBootstrap.registerAll(registry);
    try (Admin admin = Admin.create(client())) {
      TopicCreator.createMissing(admin, (short) 3);
      // a new topic reaches every broker's metadata a moment after CreateTopics returns: the
      // broker answering may not host it yet (UnknownTopicOrPartition), so ask until it does
      org.apache.kafka.common.config.ConfigResource writesConfig =
          new org.apache.kafka.common.config.ConfigResource(
              org.apache.kafka.common.config.ConfigResource.Type.TOPIC, Topics.WRITES.name());
      TopicDescription writes = null;
      String minIsr = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (minIsr == null) {
        try {
          writes = admin.describeTopics(List.of(Topics.WRITES.name())).allTopicNames().get()
              .get(Topics.WRITES.name());
          minIsr = admin.describeConfigs(List.of(writesConfig)).all().get().get(writesConfig)
              .get("min.insync.replicas").value();
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
              || System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(200);
        }
      }
      assertEquals(3, writes.partitions().get(0).replicas().size(), "3 replicas");
      assertEquals("2", minIsr, "min.insync.replicas of " + Topics.WRITES.name());
    }
    long t0 = System.nanoTime();
    streams = cluster.startStreams("streams-1", "streams-2");
    System.out.printf("[cluster] 3 brokers, registry and 2 Streams instances up; Streams RUNNING"
        + " in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
  }

  @AfterAll
  static void stopTheCluster() {
    try {
      if (registry != null) {
        registry.close();
      }
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      if (since != null) {
        assertEquals(List.of(), DockerEvents.pullsSince(since), "image pulls during the test");
      }
    }
  }

  static Properties client() {
    Properties p = new Properties();
    p.put("bootstrap.servers", cluster.hostBootstrap());
    return p;
  }

  @Test
  @Order(1)
  void shouldJudgeTheReferenceRunsOnThreeBrokersAndTwoInstancesAsOnOneBroker() throws Exception {
    List<String> campaigns;
    try (Stream<Path> dirs = Files.list(ReferenceRunsIT.REFERENCE)) {
      campaigns = dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted()
          .toList();
    }
    try (KafkaEventPublisher publisher =
        KafkaEventPublisher.create(cluster.hostBootstrap(), registry)) {
      ImportReport report = new ArtifactImporter(publisher).importPath(ReferenceRunsIT.REFERENCE,
          ImportOptions.defaults());
      assertEquals(List.of(), report.errors());
    }
    // both instances through every input (as the single-broker test does), then the sink
    StreamsProgress.awaitCaughtUp(client(), APPLICATION, Duration.ofSeconds(180));
    Path runs = WORK.resolve("runs");
    Properties sinkProps = client();
    sinkProps.put("group.id", "it-container-sink");
    Map<String, CampaignVerdict> finals = ReferenceRunsIT.sinkUntilFinished(sinkProps, registry,
        runs, campaigns, Duration.ofSeconds(180));
    // exactly the differences the single-broker run has, no more
    assertEquals(new TreeMap<>(ReferenceRunsIT.NAMED_DIFFERENCES),
        ReferenceRunsIT.differencesFromOriginals(campaigns, runs));
    assertEquals(Verdict.FAIL, finals.get("v0.6.0.0-final-r20").getVerdict());
    assertEquals(Verdict.PASS, finals.get("ship-gate-v0.6.3-rc1-r2").getVerdict());
  }

  @Test
  @Order(2)
  void shouldGiveTheSameOutputsWhenTheStreamsInstanceJudgingTheCampaignIsKilledMidCampaign()
      throws Exception {
    SyntheticCampaign campaign = SyntheticCampaign.of("tc-streams-kill", 24, 50);
    GenericContainer<?>[] victim = new GenericContainer<?>[1];
    long[] killedAt = new long[1];
    publishPaced(campaign, 12, () -> {
      victim[0] = instanceJudging(campaign.campaignId());
      killedAt[0] = System.nanoTime();
      // SIGKILL: no close, no leaving the group, an open transaction left behind
      victim[0].getDockerClient().killContainerCmd(victim[0].getContainerId())
          .withSignal("KILL").exec();
      System.out.printf("[cluster] SIGKILLed %s, which held the campaign's task%n",
          victim[0].getNetworkAliases().get(victim[0].getNetworkAliases().size() - 1));
    });
    CampaignVerdict live = awaitFinal("", campaign.campaignId(), Duration.ofSeconds(180));
    System.out.printf("[cluster] final verdict %s %d ms after the kill%n", live.getVerdict(),
        (System.nanoTime() - killedAt[0]) / 1_000_000);
    assertExactlyOnce(campaign);
    assertSameAsAnUndisturbedJudge(campaign, "ref-kill.");
    assertEquals(Verdict.PASS, live.getVerdict());
  }

  @Test
  @Order(3)
  void shouldGiveTheSameOutputsWhenABrokerStopsMidCampaign() throws Exception {
    SyntheticCampaign campaign = SyntheticCampaign.of("tc-broker-stop", 24, 50);
    long[] stoppedAt = new long[1];
    publishPaced(campaign, 12, () -> {
      ContainerCluster.Broker leader = leaderOf(campaign.campaignId());
      stoppedAt[0] = System.nanoTime();
      leader.getDockerClient().stopContainerCmd(leader.getContainerId()).withTimeout(10).exec();
      System.out.printf("[cluster] stopped %s, the leader of the campaign's partition%n",
          leader.nodeName());
    });
    CampaignVerdict live = awaitFinal("", campaign.campaignId(), Duration.ofSeconds(240));
    System.out.printf("[cluster] final verdict %s %d ms after the broker stopped%n",
        live.getVerdict(), (System.nanoTime() - stoppedAt[0]) / 1_000_000);
    assertExactlyOnce(campaign);
    assertSameAsAnUndisturbedJudge(campaign, "ref-broker.");
    assertEquals(Verdict.PASS, live.getVerdict());
  }

  // ---------------------------------------------------------------------------------------------

  /** STARTED, the cycles one class-cycle at a time (about 40 per second), FINISHED; mid-way, act. */
  private static void publishPaced(SyntheticCampaign campaign, int actAfterCycle, Runnable act)
      throws InterruptedException {
    Map<String, Object> producer = new HashMap<>();
    producer.put("bootstrap.servers", cluster.hostBootstrap());
    try (KafkaEventPublisher out = KafkaEventPublisher.create(producer, registry)) {
      campaign.start(out);
      for (int c = 1; c <= campaign.cyclesPerFault(); c++) {
        for (String fault : List.of("kill_primary_mid_write", "partition_minority")) {
          campaign.cycle(out, fault, c);
        }
        out.flush();
        if (c == actAfterCycle) {
          act.run();
        }
        Thread.sleep(250);
      }
      campaign.finish(out);
      out.flush();
      assertEquals(campaign.events(), out.sentCount(), "events acknowledged by the cluster");
      assertEquals(0, out.failedCount(), "events the cluster refused");
    }
  }

  /**
   * The Streams container whose member holds the campaigns topic's partition of
   * {@code campaignId}, so its campaign judge's task (its cycles' tasks are on every partition).
   */
  private static GenericContainer<?> instanceJudging(String campaignId) {
    int p = CampaignPartitioner.partitionOf(campaignId, Topics.PARTITIONS);
    TopicPartition tp = new TopicPartition(Topics.CAMPAIGNS.name(), p);
    try (Admin admin = Admin.create(client())) {
      ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(APPLICATION))
          .describedGroups().get(APPLICATION).get();
      for (MemberDescription m : g.members()) {
        if (m.assignment().topicPartitions().contains(tp)) {
          String host = m.host().replaceFirst("^/", "");
          for (GenericContainer<?> s : streams) {
            String ip = s.getContainerInfo().getNetworkSettings().getNetworks().values()
                .iterator().next().getIpAddress();
            if (ip.equals(host)) {
              return s;
            }
          }
          throw new AssertionError("no container at " + host + " (member " + m.consumerId() + ")");
        }
      }
      throw new AssertionError(tp + " is assigned to no member of " + APPLICATION + ": " + g);
    } catch (Exception e) {
      throw new AssertionError("describing " + APPLICATION + ": " + e, e);
    }
  }

  /** The broker leading the campaign's partition of the writes topic. */
  private static ContainerCluster.Broker leaderOf(String campaignId) {
    int p = CampaignPartitioner.partitionOf(campaignId, Topics.PARTITIONS);
    try (Admin admin = Admin.create(client())) {
      TopicDescription d = admin.describeTopics(List.of(Topics.WRITES.name())).allTopicNames()
          .get().get(Topics.WRITES.name());
      int leader = d.partitions().get(p).leader().id();
      return cluster.brokers().get(leader - 1);
    } catch (Exception e) {
      throw new AssertionError("describing " + Topics.WRITES.name() + ": " + e, e);
    }
  }

  private static CampaignVerdict awaitFinal(String prefix, String campaignId, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    CampaignVerdict v = null;
    while (System.nanoTime() < deadline) {
      v = TopicSnapshot.ofCampaign(client(), registry, Topics.CAMPAIGN_VERDICTS.prefixed(prefix),
          campaignId, k -> k.equals(campaignId)).get(campaignId);
      if (v != null && VerdictCommand.isFinal(v)) {
        return v;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no final verdict for " + campaignId + " under '" + prefix
        + "' within " + timeout.toSeconds() + " s; last: " + v);
  }

  /** Every published event is in the input topics once (read_committed): none lost, none twice. */
  private static void assertExactlyOnce(SyntheticCampaign campaign) {
    Map<String, Long> counts = new TreeMap<>();
    Properties p = client();
    p.put("isolation.level", "read_committed");
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      // every partition: the campaign's cycles are keyed over all of them
      List<TopicPartition> tps = new ArrayList<>();
      for (Topic<?, ?> t : List.of(Topics.CAMPAIGNS, Topics.WRITES, Topics.FAULTS,
          Topics.OBSERVATIONS)) {
        for (int part = 0; part < Topics.PARTITIONS; part++) {
          tps.add(new TopicPartition(t.name(), part));
        }
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          // keyed by the campaign, or by one of its cycles
          if (dev.shipgate.streams.Keys.campaignOf(r.key()).equals(campaign.campaignId())) {
            counts.merge(r.topic(), 1L, Long::sum);
          }
        }
      }
    }
    long cycles = 2L * campaign.cyclesPerFault();
    Map<String, Long> expected = new TreeMap<>(Map.of(
        Topics.CAMPAIGNS.name(), 2L,
        Topics.WRITES.name(), cycles * 50,
        Topics.FAULTS.name(), cycles * 2,
        Topics.OBSERVATIONS.name(), cycles));
    assertEquals(expected, counts, "events of " + campaign.campaignId() + " in the input topics");
  }

  /**
   * Judges the same inputs with a fresh, undisturbed application in this JVM (outputs under
   * {@code prefix}) and compares the final record of every key of the campaign, topic by topic.
   */
  private static void assertSameAsAnUndisturbedJudge(SyntheticCampaign campaign, String prefix)
      throws Exception {
    try (Admin admin = Admin.create(client())) {
      TopicCreator.createOutputs(admin, (short) 3, prefix);
    }
    String id = campaign.campaignId();
    Properties props = StreamsConfigFactory.create(cluster.hostBootstrap(), Map.of(
        "application.id", "it-" + prefix.replace(".", ""),
        "replication.factor", 3,
        "state.dir", WORK.resolve("state-" + prefix).toAbsolutePath().toString()));
    try (ShipgateStreams reference = new ShipgateStreams(props, registry, prefix)) {
      reference.start();
      assertTrue(reference.awaitRunning(Duration.ofSeconds(120)), "reference RUNNING");
      awaitFinal(prefix, id, Duration.ofSeconds(180));
    }
    int compared = 0;
    for (Topic<String, ? extends SpecificRecord> t : List.<Topic<String, ? extends SpecificRecord>>of(
        Topics.CYCLE_CONVERGENCE, Topics.FAULT_BOUNDS, Topics.PHASE_VERDICTS,
        Topics.CAMPAIGN_VERDICTS)) {
      Map<String, ? extends SpecificRecord> disturbed =
          TopicSnapshot.ofCampaign(client(), registry, t, id, ofCampaign(id));
      Map<String, ? extends SpecificRecord> undisturbed =
          TopicSnapshot.ofCampaign(client(), registry, t.prefixed(prefix), id, ofCampaign(id));
      assertEquals(new TreeMap<>(strings(undisturbed)), new TreeMap<>(strings(disturbed)),
          t.name() + " of " + id);
      compared += undisturbed.size();
    }
    // 48 cycles, 2 bounds, phase 4, the campaign
    assertEquals(48 + 2 + 1 + 1, compared, "final records compared");
  }

  private static java.util.function.Predicate<String> ofCampaign(String id) {
    return k -> k.equals(id) || k.startsWith(id + "/");
  }

  private static Map<String, String> strings(Map<String, ? extends SpecificRecord> m) {
    Map<String, String> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }
}
