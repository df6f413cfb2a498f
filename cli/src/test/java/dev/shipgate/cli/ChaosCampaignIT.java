package dev.shipgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.cli.harness.LocalCluster;
import dev.shipgate.cli.harness.Target;
import dev.shipgate.cli.stack.LocalStack;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.FaultAction;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.producer.campaign.CampaignLoader;
import dev.shipgate.producer.campaign.CampaignOutcome;
import dev.shipgate.producer.campaign.CampaignOverrides;
import dev.shipgate.producer.campaign.CampaignSpec;
import dev.shipgate.producer.campaign.DriverFactory;
import dev.shipgate.producer.fault.FaultSpec;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.Diagnosis;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.NodeVisibility;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.results.VisibilitySummary;
import dev.shipgate.results.WindowVisibility;
import dev.shipgate.results.WriteWindow;
import dev.shipgate.schemas.SchemaBootstrap;
import dev.shipgate.schemas.SeedJson;
import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.RestSchemaRegistry;
import dev.shipgate.sink.ArtifactSink;
import dev.shipgate.streams.ShipgateStreams;
import dev.shipgate.streams.StreamsConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The chaos driver end to end, everything real and on loopback: a 3-node cluster of the local
 * harness (its own sshds, OS users, etcd or Redis), the driver injecting faults over SSH and
 * publishing every write, fault and observation to a real broker through a real registry, the
 * Streams application judging live (started before any campaign), and the sink writing the run.
 *
 * <p>One stack (broker + registry) and one Streams application serve the class; the etcd tests
 * share one etcd cluster, the Redis test stops it and starts a Redis cluster (one cluster at a
 * time: the same node addresses, and less load on a small machine). Every port differs from the
 * defaults a developer's cluster (ssh 2222, etcd 2379/2380, Redis 6379) and stack (19092, 8081)
 * use, and the clusters' node users are their own.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosCampaignIT {
  static final Path WORK = Path.of("target", "it-chaos").toAbsolutePath();
  static final Path FIGURES = Path.of("target", "e2e-figures.txt");
  static final int KAFKA_PORT = 25092;
  static final int CONTROLLER_PORT = 25093;
  static final int REGISTRY_PORT = 25081;
  static final int ETCD_SSH_PORT = 2422;
  static final int ETCD_CLIENT_PORT = 22379;
  static final int ETCD_PEER_PORT = 22380;
  static final int REDIS_SSH_PORT = 2423;
  static final int REDIS_PORT = 26379;
  static final String STREAMS_APP = "it-chaos-streams";
  static final List<String> ETCD_FAULTS =
      List.of("kill_primary_mid_write", "partition_minority", "drop_random_acks");

  static LocalStack.Running stack;
  static RestSchemaRegistry registry;
  static ShipgateStreams streams;
  static LocalCluster etcd;
  static LocalCluster redis;
  static final List<String> campaigns = new ArrayList<>();
  static final Map<String, String> figures = new LinkedHashMap<>();

  @BeforeAll
  static void startTheStackAndStreams() throws Exception {
    long t0 = System.nanoTime();
    preloadModuleClasses();
    for (String c : List.of("etcd", "redis")) {
      LocalCluster.down(WORK.resolve(c)); // a previous run that died half-way
    }
    ReferenceRunsIT.deleteRecursively(WORK);
    Files.createDirectories(WORK);
    stack = LocalStack.startForTests(WORK.resolve("stack"), KAFKA_PORT, CONTROLLER_PORT,
        REGISTRY_PORT);
    registry = new RestSchemaRegistry(stack.registryUrl());
    SchemaBootstrap.registerAll(registry);
    streams = new ShipgateStreams(StreamsConfigFactory.create(stack.bootstrapServers(),
        Map.of("application.id", STREAMS_APP,
            "state.dir", WORK.resolve("streams-state").toString())), registry);
    streams.start();
    assertTrue(streams.awaitRunning(Duration.ofSeconds(90)), "streams RUNNING: " + streams.state());
    figure("setup: stack + schemas + streams RUNNING", t0);
  }

  @AfterAll
  static void stopEverything() throws IOException {
    List<RuntimeException> failures = new ArrayList<>();
    for (LocalCluster c : new LocalCluster[] {etcd, redis}) {
      if (c == null) {
        continue;
      }
      try {
        for (String id : campaigns) {
          c.flushShipgateRules(id);
        }
      } catch (RuntimeException e) {
        failures.add(e);
      }
      try {
        c.close();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    if (streams != null) {
      streams.close();
    }
    if (stack != null) {
      stack.close();
    }
    StringBuilder b = new StringBuilder("# ChaosCampaignIT end-to-end wall times ("
        + Instant.now() + ")\n");
    figures.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
    System.out.print(b);
    Files.createDirectories(FIGURES.toAbsolutePath().getParent());
    Files.writeString(FIGURES, b, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    if (!failures.isEmpty()) {
      RuntimeException first = failures.get(0);
      failures.subList(1, failures.size()).forEach(first::addSuppressed);
      throw first;
    }
  }

  // ---------------------------------------------------------------------------------- tests

  @Test
  @Order(1)
  void shouldPassEveryEtcdFaultClassWithNoLostWriteAndShowVerdictsWhileTheCampaignRuns()
      throws Exception {
    long t0 = System.nanoTime();
    String id = "it-etcd-chaos";
    LocalCluster cluster = etcd();
    CampaignSpec spec = load(ClusterCampaign.yaml(cluster, id, List.of(1, 2, 3, 4), ETCD_FAULTS, 10,
        100),
        CampaignSpec.KNOWN_FAULTS);
    assertEquals(4, spec.phase4().concurrency());

    // live verdicts: a fault-bound record of the first class while the campaign still runs
    AtomicReference<Instant> firstBoundSeen = new AtomicReference<>();
    Thread watcher = new Thread(() -> {
      String key = id + "/" + ETCD_FAULTS.get(0);
      while (firstBoundSeen.get() == null && !Thread.currentThread().isInterrupted()) {
        try {
          if (!TopicSnapshot.latest(client(), registry, Topics.FAULT_BOUNDS, key::equals)
              .isEmpty()) {
            firstBoundSeen.set(Instant.now());
            return;
          }
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          // the topic may not be readable yet; try again
        }
      }
    }, "it-live-bound-watcher");
    watcher.setDaemon(true);
    watcher.start();

    long c0 = System.nanoTime();
    Instant started = Instant.now();
    CampaignOutcome outcome = run(spec, DriverFactory.faultSpecs(spec));
    Instant finished = Instant.now();
    figure(id + ": campaign run (phases 1-4, 3 faults x 10 cycles x 100 writes)", c0);
    watcher.interrupt();
    assertTrue(outcome.completed(), "completed: " + outcome.abortReason());
    assertEquals(30, outcome.cycles().size());

    CampaignVerdict verdict = judge(id);
    figure(id + ": end to end (cluster, run, verdict, run files)", t0);

    assertNotNull(firstBoundSeen.get(), "a live FaultBound for " + ETCD_FAULTS.get(0));
    assertTrue(firstBoundSeen.get().isBefore(finished), "live bound seen at "
        + firstBoundSeen.get() + ", campaign finished at " + finished);
    figures.put(id + ": first live FaultBound of " + ETCD_FAULTS.get(0), "seen "
        + Duration.between(started, firstBoundSeen.get()).toMillis() + " ms after the campaign"
        + " started, " + Duration.between(firstBoundSeen.get(), finished).toMillis()
        + " ms before it finished");

    Map<String, FaultBound> bounds = TopicSnapshot.latest(client(), registry, Topics.FAULT_BOUNDS,
        k -> k.startsWith(id + "/"));
    for (String fault : ETCD_FAULTS) {
      FaultBound b = bounds.get(id + "/" + fault);
      assertNotNull(b, "bound of " + fault + " in " + bounds.keySet());
      System.out.printf("%s: bound %s, sum_ok %d, sum_min_peer %d, wilson %s, lost %d, %s%n",
          fault, b.getBound(), b.getSumOk(), b.getSumMinPeer(), b.getWilsonLower(),
          b.getLostWrites(), b.getVerdict());
      assertEquals(Verdict.PASS, b.getVerdict(), fault + ": " + b.getReason());
      assertEquals(0, b.getLostWrites(), fault + " lost acknowledged writes");
      assertEquals(10, b.getCycles(), fault + " cycles");
      assertTrue(b.getSeedPass(), fault + " seed pass, bound " + b.getBound());
    }
    Map<String, PhaseVerdict> phases = TopicSnapshot.latest(client(), registry,
        Topics.PHASE_VERDICTS, k -> k.startsWith(id + "/"));
    for (String key : List.of("/1/a", "/1/b", "/1/c", "/1", "/2", "/3", "/4")) {
      assertNotNull(phases.get(id + key), "phase verdict " + key + " in " + phases.keySet());
      assertEquals(Verdict.PASS, phases.get(id + key).getVerdict(),
          "phase " + key + ": " + phases.get(id + key).getReasons());
    }
    assertEquals(Verdict.PASS, verdict.getVerdict(), "campaign: " + verdict.getReasons());
    assertTrue(verdict.getOverallPass());

    Path run = WORK.resolve("runs").resolve(id);
    JsonNode summary = SeedJson.parse(Files.readString(run.resolve("campaign-summary.json")));
    assertTrue(summary.get("overall_pass").asBoolean(), summary.toString());
    JsonNode phase2 = SeedJson.parse(Files.readString(run.resolve("phase2.json")));
    assertEquals("201", phase2.get("probe1_single_peer_down").asText());
    assertEquals("503", phase2.get("probe2_both_peers_down").asText());
    for (String fault : ETCD_FAULTS) {
      List<String> lines = Files.readAllLines(run.resolve("phase4-" + fault + ".jsonl"));
      assertEquals(10, lines.size(), fault + " JSONL lines");
    }

    List<FaultEvent> events = records(Topics.FAULTS, ofCampaign(id));
    for (String fault : ETCD_FAULTS) {
      for (int cycle = 1; cycle <= 10; cycle++) {
        for (FaultAction action : List.of(FaultAction.INJECTED, FaultAction.HEALED)) {
          int c = cycle;
          List<FaultEvent> matching = events.stream().filter(e -> e.getPhase() == 4
              && fault.equals(e.getFault()) && e.getCycle() != null && e.getCycle() == c
              && e.getAction() == action).toList();
          assertEquals(1, matching.size(), fault + " cycle " + cycle + " " + action + ": "
              + matching);
          String evidence = matching.get(0).getEvidence();
          assertTrue(evidence != null && !evidence.isBlank(), fault + " cycle " + cycle + " "
              + action + " has evidence");
        }
      }
    }
    assertTrue(events.stream().noneMatch(e -> e.getAction() == FaultAction.NOT_APPLIED),
        "no fault was NOT_APPLIED: " + events.stream()
            .filter(e -> e.getAction() == FaultAction.NOT_APPLIED).toList());
    assertEquals(List.of(), cluster.flushShipgateRules(id), "no iptables rule left behind");
  }

  @Test
  @Order(2)
  void shouldAbortARunOnSigtermHealingEveryFaultAndRestoringEveryNode() throws Exception {
    long t0 = System.nanoTime();
    String id = "it-etcd-sigterm";
    LocalCluster cluster = etcd();
    Path file = WORK.resolve(id + ".yaml");
    Files.writeString(file, ClusterCampaign.yaml(cluster, id, List.of(4), ETCD_FAULTS, 40, 100));
    campaigns.add(id);
    CountDownLatch midCampaign = new CountDownLatch(1);
    Child run = Child.run(WORK.resolve("sigterm-home"), line -> {
      // a kill cycle under way: its primary may be down right now
      if (line.startsWith("cycle 3/40  kill_primary_mid_write")) {
        midCampaign.countDown();
      }
    }, "run", file.toString(), "--bootstrap-servers", stack.bootstrapServers(),
        "--schema-registry-url", stack.registryUrl());
    Process child = run.process();
    try {
      assertTrue(midCampaign.await(120, TimeUnit.SECONDS), () -> "no third kill cycle:\n"
          + run.out());
      // SIGTERM (as Ctrl-C's SIGINT, the shutdown hook aborts the campaign); through the handle,
      // since Process.destroy() would also close the pipe with the child's last words in it
      assertTrue(child.toHandle().destroy(), "SIGTERM not sent");
      assertTrue(child.waitFor(120, TimeUnit.SECONDS), () -> "still running after SIGTERM:\n"
          + run.out());
    } finally {
      run.stop();
    }
    String output = run.output();
    Files.writeString(WORK.resolve(id + ".out"), output);
    figure(id + ": run, SIGTERM mid-campaign, clean abort", t0);

    assertEquals(ExitCodes.FAILURE, child.exitValue(), output);
    assertTrue(output.contains("shipgate: campaign " + id
        + " aborted: interrupted (SIGINT/SIGTERM)"), output);
    // every fault healed: no partition rule of the campaign, no node killed or stopped
    assertEquals(List.of(), cluster.flushShipgateRules(id), "partition rules left behind");
    for (var n : cluster.nodes()) {
      long pid = cluster.targetPid(n).orElseThrow(() -> new AssertionError(n.name() + " down"));
      String state = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      char s = state.charAt(state.lastIndexOf(')') + 2);
      assertTrue(s != 'T' && s != 'Z', n.name() + " pid " + pid + " state " + s);
    }
    cluster.awaitHealthy(Duration.ofSeconds(30));
    // the abort was published, and the campaign can never pass
    assertTrue(records(Topics.CAMPAIGNS, id::equals).stream()
        .anyMatch(e -> e.getType() == CampaignEventType.ABORTED), "an ABORTED event");
    StreamsProgress.awaitCaughtUp(client(), STREAMS_APP, Duration.ofSeconds(90));
    CampaignVerdict verdict = TopicSnapshot.latest(client(), registry, Topics.CAMPAIGN_VERDICTS,
        id::equals).get(id);
    assertEquals(CampaignState.ABORTED, verdict.getState(), verdict.toString());
    assertEquals(Verdict.INCOMPLETE, verdict.getVerdict(), verdict.toString());
  }

  @Test
  @Order(3)
  void shouldReportClockSkewNotAppliedOnEtcdAndNeverPassIt() throws Exception {
    long t0 = System.nanoTime();
    String id = "it-etcd-clock-skew";
    CampaignSpec spec = load(ClusterCampaign.yaml(etcd(), id, List.of(4),
        List.of("clock_skew_peer"), 2, 20), CampaignSpec.KNOWN_FAULTS);
    CampaignOutcome outcome = run(spec, DriverFactory.faultSpecs(spec));
    assertTrue(outcome.completed(), "completed: " + outcome.abortReason());
    CampaignVerdict verdict = judge(id);
    figure(id + ": end to end (2 cycles x 20 writes, verdict, run files)", t0);

    List<FaultEvent> events = records(Topics.FAULTS, ofCampaign(id));
    assertEquals(2, events.size(), "one event per cycle: " + events);
    for (FaultEvent e : events) {
      assertEquals(FaultAction.NOT_APPLIED, e.getAction(), e.toString());
      assertTrue(e.getReason().contains("etcd") && e.getReason().contains("libfaketime"),
          "the reason says etcd ignores libfaketime: " + e.getReason());
    }
    FaultBound bound = TopicSnapshot.latest(client(), registry, Topics.FAULT_BOUNDS,
        (id + "/clock_skew_peer")::equals).get(id + "/clock_skew_peer");
    assertEquals(Verdict.INCOMPLETE, bound.getVerdict(), bound.toString());
    assertTrue(bound.getReason().startsWith("clock_skew_peer: fault not applied: "),
        bound.getReason());
    assertNotEquals(Verdict.PASS, verdict.getVerdict());
    assertFalse(verdict.getOverallPass());
    JsonNode summary = SeedJson.parse(Files.readString(WORK.resolve("runs").resolve(id)
        .resolve("campaign-summary.json")));
    assertFalse(summary.get("overall_pass").asBoolean());
  }

  @Test
  @Order(4)
  void shouldCountOnlyItsOwnWritesWhenRunAgainOnAUsedCluster() throws Exception {
    long t0 = System.nanoTime();
    LocalCluster cluster = etcd();
    List<String> fault = List.of("partition_minority");
    Map<String, FaultBound> bounds = new LinkedHashMap<>();
    for (String id : List.of("it-etcd-rerun-1", "it-etcd-rerun-2")) {
      CampaignSpec spec = load(ClusterCampaign.yaml(cluster, id, List.of(4), fault, 4, 50),
          CampaignSpec.KNOWN_FAULTS);
      CampaignOutcome outcome = run(spec, DriverFactory.faultSpecs(spec));
      assertTrue(outcome.completed(), "completed: " + outcome.abortReason());
      assertEquals(List.of(), outcome.problems(), id);
      judge(id);
      bounds.put(id, TopicSnapshot.latest(client(), registry, Topics.FAULT_BOUNDS,
          (id + "/partition_minority")::equals).get(id + "/partition_minority"));
    }
    figure("it-etcd-rerun: two campaigns in a row on the same cluster", t0);
    for (Map.Entry<String, FaultBound> e : bounds.entrySet()) {
      FaultBound b = e.getValue();
      System.out.printf("%s: bound %s, sum_ok %d, sum_min_peer %d, foreign %d, lost %d%n",
          e.getKey(), b.getBound(), b.getSumOk(), b.getSumMinPeer(), b.getForeignRecords(),
          b.getLostWrites());
      assertEquals(0, b.getForeignRecords(), e.getKey());
      assertEquals(0, b.getLostWrites(), e.getKey());
      // the first run's keys never count: the peers hold the acknowledged writes, plus only
      // the campaign's own writes that timed out during the partition and landed after it
      // (seen once in CI: 196 acknowledged, 3 of the 4 others applied, bound 1.015)
      assertTrue(b.getSumMinPeer() <= b.getSumOk() + b.getUnacknowledgedApplied(),
          e.getKey() + ": " + b);
      if (b.getUnacknowledgedApplied() == 0) {
        assertEquals("1", b.getBound(), e.getKey() + ": " + b);
      } else {
        assertTrue(b.getBoundNote().contains("not acknowledged were applied"), b.toString());
      }
    }
    figures.put("it-etcd-rerun: second campaign's bound on a used cluster",
        bounds.get("it-etcd-rerun-2").getBound() + " (sum_min_peer "
            + bounds.get("it-etcd-rerun-2").getSumMinPeer() + " of sum_ok "
            + bounds.get("it-etcd-rerun-2").getSumOk() + ")");

    // the same campaign id again: its namespaces hold the first run's keys, so no cycle runs
    String again = "it-etcd-rerun-1";
    CampaignSpec spec = load(ClusterCampaign.yaml(cluster, again, List.of(4), fault, 2, 50),
        CampaignSpec.KNOWN_FAULTS);
    CampaignOutcome outcome = run(spec, DriverFactory.faultSpecs(spec));
    assertEquals(2, outcome.problems().size(), outcome.problems().toString());
    assertTrue(outcome.problems().get(0).contains("is not known to be empty: node a holds 50"
        + " record(s)"), outcome.problems().get(0));
    assertTrue(outcome.cycles().stream()
        .allMatch(c -> "PRECONDITION_FAILED".equals(c.faultAction())));
    // and Streams, which judged that campaign already, reinterprets nothing of the second run
    StreamsProgress.awaitCaughtUp(client(), STREAMS_APP, Duration.ofSeconds(90));
    FaultBound b = TopicSnapshot.latest(client(), registry, Topics.FAULT_BOUNDS,
        (again + "/partition_minority")::equals).get(again + "/partition_minority");
    assertEquals(bounds.get(again), b, "the first run's final bound stands");
    List<dev.shipgate.results.Alert> late = records(Topics.ALERTS, again::equals).stream()
        .filter(a -> a.getKind() == dev.shipgate.results.AlertKind.LATE_EVIDENCE).toList();
    assertFalse(late.isEmpty(), "the second run's events are reported as late evidence");
    assertTrue(records(Topics.DEAD_LETTERS, again::equals).stream()
        .anyMatch(d -> d.getReason().startsWith("late evidence for campaign " + again)));
  }

  @Test
  @Order(5)
  void shouldHealWhatASigkilledDriverLeftBeforeTheNextCampaign() throws Exception {
    LocalCluster cluster = etcd();
    for (String fault : List.of("partition_minority", "drop_random_acks",
        "kill_primary_mid_write")) {
      long t0 = System.nanoTime();
      String dead = "it-etcd-dead-" + fault.replace('_', '-');
      Path file = WORK.resolve(dead + ".yaml");
      // the first dead driver is also watched by Streams: stalled after 3 s of silence, judged
      // ABORTED after 8 s (the others' defaults, minutes, leave them to the recovery)
      boolean watched = fault.equals("partition_minority");
      Files.writeString(file, ClusterCampaign.yaml(cluster, dead, List.of(4), List.of(fault), 40,
          100).replace("heal_delay_ms: 500", "heal_delay_ms: 30000")
          + (watched ? "\nliveness:\n  stall_after_ms: 3000\n  abandon_after_ms: 8000\n" : ""));
      campaigns.add(dead);
      Child child = Child.run(WORK.resolve("dead-home"), "run", file.toString(),
          "--bootstrap-servers", stack.bootstrapServers(),
          "--schema-registry-url", stack.registryUrl());
      String left;
      try {
        left = awaitFaultApplied(cluster, dead, fault, Duration.ofSeconds(120), child);
        if (watched) {
          // killed once its INJECTED event is out, so Streams knows what it left applied
          long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
          while (System.nanoTime() < until && records(Topics.FAULTS, ofCampaign(dead)).stream()
              .noneMatch(e -> e.getAction() == FaultAction.INJECTED)) {
            Thread.sleep(50);
          }
        }
        assertTrue(child.process().toHandle().destroyForcibly(), "SIGKILL not sent");
        assertTrue(child.process().waitFor(30, TimeUnit.SECONDS), "still running after SIGKILL");
      } finally {
        child.stop();
      }
      figure(dead + ": driver SIGKILLed with " + left, t0);
      if (watched) {
        long killed = System.nanoTime();
        Map<String, Long> seenAfterMs = new java.util.HashMap<>(); // alert id -> first seen
        List<Alert> alerts = List.of();
        long deadline = killed + Duration.ofSeconds(90).toNanos();
        // until the verdict's alert too: it follows the abandonment once every cycle task has
        // closed what it had of the campaign (a finalize)
        while (System.nanoTime() < deadline && alerts.stream()
            .noneMatch(a -> a.getKind() == AlertKind.VERDICT_FINAL)) {
          alerts = records(Topics.ALERTS, dead::equals);
          for (Alert a : alerts) {
            seenAfterMs.putIfAbsent(a.getAlertId(), (System.nanoTime() - killed) / 1_000_000);
          }
          Thread.sleep(100);
        }
        List<AlertKind> kinds = alerts.stream().map(Alert::getKind).toList();
        int stalled = kinds.lastIndexOf(AlertKind.CAMPAIGN_STALLED);
        int abandonedAt = kinds.indexOf(AlertKind.CAMPAIGN_ABANDONED);
        assertTrue(stalled >= 0 && abandonedAt > stalled
            && kinds.indexOf(AlertKind.VERDICT_FINAL) > abandonedAt, kinds.toString());
        figures.put(dead + ": SIGKILL to CAMPAIGN_STALLED / CAMPAIGN_ABANDONED (stall_after 3 s,"
            + " abandon_after 8 s; the alerts topic polled every 100 ms)",
            seenAfterMs.get(alerts.get(stalled).getAlertId()) + " ms / "
                + seenAfterMs.get(alerts.get(abandonedAt).getAlertId()) + " ms");
        Alert abandoned = alerts.stream()
            .filter(a -> a.getKind() == AlertKind.CAMPAIGN_ABANDONED).findFirst().orElseThrow();
        assertTrue(abandoned.getMessage().contains("driver silent since")
            && abandoned.getMessage().contains("faults left applied: partition_minority on "),
            abandoned.getMessage());
        CampaignVerdict judged = TopicSnapshot.latest(client(), registry,
            Topics.CAMPAIGN_VERDICTS, dead::equals).get(dead);
        assertEquals(CampaignState.ABORTED, judged.getState(), judged.toString());
        assertEquals(Verdict.INCOMPLETE, judged.getVerdict(), judged.toString());
        assertTrue(judged.getReasons().stream().anyMatch(r -> r.contains("driver silent since")),
            judged.getReasons().toString());
        // and at a webhook: a real local HTTP server, `shipgate alerts webhook --once`
        List<String> posted = java.util.Collections.synchronizedList(new ArrayList<>());
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
          posted.add(ex.getRequestHeaders().getFirst("X-Shipgate-Alert-Kind") + " "
              + ex.getRequestHeaders().getFirst("Idempotency-Key"));
          ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
        server.start();
        try {
          int exit = Main.run(new String[] {"alerts", "webhook",
              "http://127.0.0.1:" + server.getAddress().getPort() + "/hook", "--once",
              "--campaign", dead, "--group-id", "it-webhook-" + dead,
              "--bootstrap-servers", stack.bootstrapServers(),
              "--schema-registry-url", stack.registryUrl()});
          assertEquals(0, exit, "webhook exit");
        } finally {
          server.stop(0);
        }
        assertTrue(posted.contains("CAMPAIGN_STALLED " + alerts.get(stalled).getAlertId())
            && posted.contains("CAMPAIGN_ABANDONED " + alerts.get(abandonedAt).getAlertId()),
            posted.toString());
        figures.put(dead + ": alerts POSTed to the webhook", String.valueOf(posted));
      }

      String next = "it-etcd-after-" + fault.replace('_', '-');
      CampaignSpec spec = load(ClusterCampaign.yaml(cluster, next, List.of(4),
          List.of("drop_random_acks"), 6, 170), CampaignSpec.KNOWN_FAULTS);
      java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
      java.io.PrintStream tee = new java.io.PrintStream(new java.io.OutputStream() {
        @Override
        public void write(int b) {
          System.out.write(b);
          printed.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          System.out.write(b, off, len);
          printed.write(b, off, len);
        }
      }, true, java.nio.charset.StandardCharsets.UTF_8);
      long r0 = System.nanoTime();
      CampaignOutcome outcome = CampaignExecution.run(spec, DriverFactory.faultSpecs(spec),
          Map.of("bootstrap.servers", stack.bootstrapServers()), registry, tee, false, null,
          driver -> { });
      figure(next + ": recovery and the next campaign", r0);
      String out = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(out.contains("recovery: campaign " + dead + " (driver pid " + child.pid()),
          out);
      List<String> actions = out.lines().filter(l -> l.startsWith("recovery: node ")).toList();
      assertFalse(actions.isEmpty(), "recovery actions printed: " + out);
      figures.put(dead + ": recovery actions", String.join(" | ", actions));
      assertTrue(outcome.completed(), "completed: " + outcome.abortReason());
      assertEquals(List.of(), outcome.problems(), next);

      List<FaultEvent> healed = records(Topics.FAULTS, ofCampaign(dead)).stream()
          .filter(FaultEvent::getHealedByRecovery).toList();
      assertFalse(healed.isEmpty(), "recovery published the heal of " + dead);
      assertTrue(healed.stream().allMatch(e -> e.getAction() == FaultAction.HEALED
          && fault.equals(e.getFault()) && e.getCycle() != null), "each heal names the fault the"
          + " lease listed: " + healed);
      assertTrue(records(Topics.CAMPAIGNS, dead::equals).stream().anyMatch(e ->
          e.getType() == CampaignEventType.ABORTED && e.getReason().startsWith("driver died")),
          "the dead campaign is ABORTED");
      assertEquals(List.of(), cluster.flushShipgateRules(dead), "no rule of " + dead + " left");
      for (var n : cluster.nodes()) {
        assertTrue(cluster.targetPid(n).isPresent(), n.name() + " running");
        assertNotEquals('T', state(cluster, n), n.name() + " stopped");
      }
      CampaignVerdict verdict = judge(next);
      assertEquals(Verdict.PASS, verdict.getVerdict(), next + ": " + verdict.getReasons());
      StreamsProgress.awaitCaughtUp(client(), STREAMS_APP, Duration.ofSeconds(90));
      CampaignVerdict old = TopicSnapshot.latest(client(), registry, Topics.CAMPAIGN_VERDICTS,
          dead::equals).get(dead);
      assertEquals(CampaignState.ABORTED, old.getState(), old.toString());
      assertEquals(Verdict.INCOMPLETE, old.getVerdict(), old.toString());
    }
  }

  @Test
  @Order(6)
  void shouldExitNonZeroWithTheRefusalOnTheTerminalWhenAHostKeyChanged() throws Exception {
    LocalCluster cluster = etcd();
    String id = "it-etcd-changed-key";
    Path knownHosts = WORK.resolve("changed_known_hosts");
    List<String> lines = Files.readAllLines(cluster.knownHosts());
    String keyOfA = lines.stream().filter(l -> l.startsWith("127.0.0.11 ")).findFirst()
        .orElseThrow().split(" ", 2)[1];
    // node b's entries now hold node a's key: b presents another one
    Files.write(knownHosts, lines.stream().map(l -> l.startsWith("127.0.0.12 ")
        || l.startsWith("[127.0.0.12]") ? l.split(" ", 2)[0] + " " + keyOfA : l).toList());
    Path file = WORK.resolve(id + ".yaml");
    Files.writeString(file, ClusterCampaign.yaml(cluster, id, List.of(4),
        List.of("drop_random_acks"), 2, 20).replace(cluster.knownHosts().toString(),
            knownHosts.toString()));
    campaigns.add(id);
    Child child = Child.run(WORK.resolve("changed-home"), "run", file.toString(),
        "--bootstrap-servers", stack.bootstrapServers(),
        "--schema-registry-url", stack.registryUrl());
    try {
      assertTrue(child.process().waitFor(120, TimeUnit.SECONDS), child::output);
    } finally {
      child.stop();
    }
    String out = child.output();
    assertEquals(ExitCodes.FAILURE, child.process().exitValue(), out);
    assertTrue(out.contains("host key has CHANGED"), out);
    List<String> outLines = out.lines().toList();
    String last = outLines.get(outLines.size() - 1);
    assertTrue(last.startsWith("shipgate: campaign " + id + " aborted: ") && last.contains("b"),
        last);
    assertTrue(records(Topics.CAMPAIGNS, id::equals).isEmpty(), "nothing was started");
  }

  @Test
  @Order(7)
  void shouldTellSlowFromLostWhenAPausedPeerCatchesUpOnlyAfterTheSeedsSettlePoint()
      throws Exception {
    // the r20 question on a real cluster: a peer frozen (SIGSTOP) for 8 s from write 2, the
    // writes done well before: at the seed's settle point (3 s after the last answer) the peer
    // cannot be read, so the seed's bound fails; it catches up once resumed, so nothing is lost.
    // (With a 5 s pause, a CI run on a loaded machine once took over 2 s for a cycle's 28 writes:
    // the seed point fell after the resume, and that cycle's peer held all 30 there.)
    long t0 = System.nanoTime();
    String id = "it-etcd-slow-peer";
    String fault = "drop_random_acks";
    LocalCluster cluster = etcd();
    String yaml = ClusterCampaign.yaml(cluster, id, List.of(4), List.of(fault), 2, 30)
        .replace("concurrency: 4", "concurrency: 1")
        .replace("heal_delay_ms: 500", "heal_delay_ms: 8000");
    CampaignSpec spec = load(yaml, CampaignSpec.KNOWN_FAULTS);
    assertEquals(8000, spec.phase4().healDelayMs());
    CampaignOutcome outcome = run(spec, DriverFactory.faultSpecs(spec));
    assertTrue(outcome.completed(), "completed: " + outcome.abortReason());
    CampaignVerdict verdict = judge(id);
    figure(id + ": end to end (2 cycles x 30 writes, a peer paused 5 s)", t0);

    Map<String, VisibilitySummary> vis = TopicSnapshot.latest(client(), registry,
        Topics.VISIBILITY, (id + "/" + fault)::equals);
    VisibilitySummary v = vis.get(id + "/" + fault);
    assertNotNull(v, "visibility summary in " + vis.keySet());
    System.out.printf("%s: %s; p99 %s ms%n", fault, v.getDiagnosisText(), v.getP99Ms());
    assertFalse(v.getPending());
    assertEquals(Diagnosis.SLOW, v.getDiagnosis(), v.getDiagnosisText());
    long recovered = 0;
    for (NodeVisibility n : v.getNodes()) {
      assertEquals(0, n.getLost(), "node index " + n.getNodeIndex() + " lost writes");
      recovered += n.getRecovered();
    }
    // writes 3-30 of both cycles were acknowledged while the peer was frozen
    assertTrue(recovered >= 2 * 28, "recovered " + recovered + "; per cycle: " + TopicSnapshot
        .latest(client(), registry, Topics.CYCLE_CONVERGENCE, k -> k.startsWith(id + "/"))
        .values().stream().map(c -> "cycle " + c.getCycle() + " min_peer " + c.getMinPeer()
            + " counted at seed point " + c.getCountedAtSeedPoint() + " recovered "
            + c.getRecoveredIds()).toList());
    assertTrue(v.getP99Ms() > 3000, "p99 visibility " + v.getP99Ms() + " ms, past the seed point");
    WindowVisibility during = v.getWindows().get(WriteWindow.DURING_FAULT.ordinal());
    assertEquals(2 * 28, during.getAttempted(), "writes 3-30 issued during the pause");

    FaultBound bound = TopicSnapshot.latest(client(), registry, Topics.FAULT_BOUNDS,
        (id + "/" + fault)::equals).get(id + "/" + fault);
    System.out.printf("%s: bound %s, sum_ok %d, sum_min_peer %d, lost %d, %s%n", fault,
        bound.getBound(), bound.getSumOk(), bound.getSumMinPeer(), bound.getLostWrites(),
        bound.getVerdict());
    // the seed's rule, kept exactly: the count at its settle point
    assertFalse(bound.getSeedPass(), "bound " + bound.getBound());
    assertEquals(Verdict.FAIL, bound.getVerdict());
    assertEquals(0, bound.getLostWrites());
    PhaseVerdict p4 = TopicSnapshot.latest(client(), registry, Topics.PHASE_VERDICTS,
        (id + "/4")::equals).get(id + "/4");
    assertTrue(p4.getReasons().contains(fault + ": " + v.getDiagnosisText()), p4.getReasons()
        .toString());
    assertEquals(Verdict.FAIL, verdict.getVerdict());

    Path run = WORK.resolve("runs").resolve(id);
    JsonNode visJson = SeedJson.parse(Files.readString(run.resolve("visibility.json")));
    assertEquals("SLOW", visJson.get("faults").get(0).get("diagnosis").asText());
    String page = Files.readString(run.resolve("index.html"));
    assertTrue(page.contains("slow: every acknowledged write reached every readable node"),
        "the page says slow, not lost");
  }

  @Test
  @Order(10)
  void shouldNameTheAcknowledgedWritesLostWhenTheRedisPrimaryRestartsEmptyAndFailTheGate()
      throws Exception {
    long t0 = System.nanoTime();
    if (etcd != null) { // one cluster at a time on the node addresses
      etcd.close();
    }
    long s0 = System.nanoTime();
    redis = LocalCluster.start(WORK.resolve("redis"), Target.REDIS, REDIS_SSH_PORT, REDIS_PORT,
        REDIS_PORT);
    figure("redis cluster start", s0);
    String id = "it-redis-empty-restart";
    String fault = RestartPrimaryEmptyFaultSpec.FAULT_CLASS;
    // one write at a time, the primary wiped after write 10 of 20: writes 1-10 are acknowledged
    // (WAIT saw a replica) and then lost on every node
    String yaml = ClusterCampaign.yaml(redis, id, List.of(4), List.of(fault), 2, 20)
        .replace("concurrency: 4", "concurrency: 1")
        .replace("fault_after_write: 2", "fault_after_write: 10");
    CampaignSpec spec = load(yaml, List.of(fault));
    assertEquals(1, spec.phase4().concurrency());
    assertEquals(10, spec.phase4().faultAfterWrite());
    List<FaultSpec> faults = List.of(new RestartPrimaryEmptyFaultSpec(redis));
    CampaignOutcome outcome = run(spec, faults);
    assertTrue(outcome.completed(), "completed: " + outcome.abortReason());
    CampaignVerdict verdict = judge(id);
    figure(id + ": end to end (2 cycles x 20 writes, verdict, run files)", t0);

    List<FaultEvent> events = records(Topics.FAULTS, ofCampaign(id));
    for (int cycle = 1; cycle <= 2; cycle++) {
      int c = cycle;
      FaultEvent injected = events.stream().filter(e -> e.getCycle() != null && e.getCycle() == c
          && e.getAction() == FaultAction.INJECTED).findFirst()
          .orElseThrow(() -> new AssertionError("INJECTED in cycle " + c + ": " + events));
      assertTrue(injected.getEvidence().contains("DBSIZE") && injected.getEvidence()
          .contains("-> 0"), "the primary was empty after the restart: " + injected.getEvidence());
    }

    Map<String, CycleConvergence> cycles = TopicSnapshot.latest(client(), registry,
        Topics.CYCLE_CONVERGENCE, k -> k.startsWith(id + "/"));
    long lostInCycles = 0;
    for (int cycle = 1; cycle <= 2; cycle++) {
      CycleConvergence cc = cycles.get(id + "/" + fault + "/" + cycle);
      assertNotNull(cc, "cycle " + cycle + " in " + cycles.keySet());
      assertTrue(cc.getOk() >= 10, "writes 1-10 acknowledged before the restart: " + cc);
      List<String> wiped = IntStream.rangeClosed(1, 10).mapToObj(w -> "c" + cc.getCycle() + "-w" + w)
          .toList();
      assertEquals(java.util.Set.of("a", "b", "c"), cc.getLostIds().keySet(),
          "every node was read with its ids");
      for (Map.Entry<String, List<String>> node : cc.getLostIds().entrySet()) {
        assertTrue(node.getValue().containsAll(wiped), "node " + node.getKey() + " lost "
            + wiped + ", reported " + node.getValue());
      }
      lostInCycles += cc.getLostIds().values().stream().flatMap(List::stream).distinct().count();
    }
    FaultBound bound = TopicSnapshot.latest(client(), registry, Topics.FAULT_BOUNDS,
        (id + "/" + fault)::equals).get(id + "/" + fault);
    System.out.printf("%s: bound %s, sum_ok %d, sum_min_peer %d, lost %d, %s (%s)%n", fault,
        bound.getBound(), bound.getSumOk(), bound.getSumMinPeer(), bound.getLostWrites(),
        bound.getVerdict(), bound.getReason());
    assertTrue(bound.getLostWrites() >= 20, "lost writes " + bound.getLostWrites());
    assertEquals(lostInCycles, bound.getLostWrites());
    assertEquals(Verdict.FAIL, bound.getVerdict());
    assertEquals(fault + ": " + bound.getBound() + " < 0.995", bound.getReason());
    assertEquals(Verdict.FAIL, verdict.getVerdict());
    assertFalse(verdict.getOverallPass());

    VisibilitySummary v = TopicSnapshot.latest(client(), registry, Topics.VISIBILITY,
        (id + "/" + fault)::equals).get(id + "/" + fault);
    System.out.printf("%s: %s%n", fault, v.getDiagnosisText());
    // LOST; BOTH if a replica's resync after the restart was late for writes 11-20
    assertTrue(v.getDiagnosis() == Diagnosis.LOST || v.getDiagnosis() == Diagnosis.BOTH,
        v.getDiagnosisText());
    for (NodeVisibility n : v.getNodes()) {
      // writes 1-10 of each cycle, acknowledged before the wipe: lost everywhere, all of them
      // issued before the fault
      assertEquals(20L, n.getLostByWindow().getOrDefault("PRE_FAULT", 0L),
          "node index " + n.getNodeIndex() + ": " + n.getLostByWindow());
    }
    assertTrue(v.getDiagnosisText().contains("all 20 issued before the fault"),
        v.getDiagnosisText());

    Path run = WORK.resolve("runs").resolve(id);
    assertFalse(SeedJson.parse(Files.readString(run.resolve("campaign-summary.json")))
        .get("overall_pass").asBoolean());
    String page = Files.readString(run.resolve("index.html"));
    assertTrue(page.contains("acknowledged writes never arrived by the end of the settle"),
        "the page says lost");
    for (String w : List.of("c1-w1", "c1-w10", "c2-w1", "c2-w10")) {
      assertTrue(page.contains(w), "the run page names lost write " + w);
    }
  }

  // ---------------------------------------------------------------------------------- helpers

  /**
   * Waits until {@code fault} of campaign {@code id} is applied on the cluster (a tagged rule, a
   * member in state T, a member down); returns what was seen.
   */
  static String awaitFaultApplied(LocalCluster cluster, String id, String fault, Duration timeout,
      Child child) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      assertTrue(child.process().isAlive(), () -> "the driver ended early:\n" + child.output());
      switch (fault) {
        case "partition_minority" -> {
          Process p = new ProcessBuilder("iptables", "-S", "OUTPUT").redirectErrorStream(true)
              .start();
          String rules = new String(p.getInputStream().readAllBytes(),
              java.nio.charset.StandardCharsets.UTF_8);
          p.waitFor();
          long n = rules.lines().filter(l -> l.contains("shipgate:" + id + "\"")
              || l.endsWith("shipgate:" + id + " -j DROP")).count();
          if (n > 0) {
            return n + " iptables rules of " + id + " applied";
          }
        }
        case "drop_random_acks" -> {
          for (var n : cluster.nodes()) {
            if (state(cluster, n) == 'T') {
              return "member " + n.name() + " stopped (T)";
            }
          }
        }
        default -> {
          for (var n : cluster.nodes()) {
            if (cluster.targetPid(n).isEmpty()) {
              return "member " + n.name() + " killed";
            }
          }
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError(fault + " of " + id + " never seen applied:\n" + child.output());
  }

  /** The process state letter of {@code node}'s target, or '?' when it is not running. */
  static char state(LocalCluster cluster, dev.shipgate.producer.remote.Node node) {
    var pid = cluster.targetPid(node);
    if (pid.isEmpty()) {
      return '?';
    }
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid.getAsLong()), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2);
    } catch (IOException e) {
      return '?';
    }
  }


  /** The etcd cluster of the etcd tests, started on first use. */
  static synchronized LocalCluster etcd() {
    if (etcd == null) {
      long t0 = System.nanoTime();
      etcd = LocalCluster.start(WORK.resolve("etcd"), Target.ETCD, ETCD_SSH_PORT,
          ETCD_CLIENT_PORT, ETCD_PEER_PORT);
      figure("etcd cluster start", t0);
    }
    return etcd;
  }

  static CampaignSpec load(String yaml, List<String> knownFaults) {
    CampaignSpec spec = new CampaignLoader(WORK, knownFaults, Clock.systemUTC())
        .parse(yaml, "ChaosCampaignIT", "it", CampaignOverrides.none());
    if (knownFaults.equals(CampaignSpec.KNOWN_FAULTS)) {
      assertEquals(List.of(), DriverFactory.problems(spec));
    }
    campaigns.add(spec.campaignId());
    return spec;
  }

  static CampaignOutcome run(CampaignSpec spec, List<FaultSpec> faults) {
    return CampaignExecution.run(spec, faults,
        Map.of("bootstrap.servers", stack.bootstrapServers()), registry, System.out, false,
        null, driver -> { });
  }

  /**
   * Waits until Streams has processed every input, then runs the sink until the campaign's final
   * verdict is written under {@code runs/}.
   */
  static CampaignVerdict judge(String id) throws Exception {
    StreamsProgress.awaitCaughtUp(client(), STREAMS_APP, Duration.ofSeconds(90));
    Properties sinkProps = client();
    sinkProps.put("group.id", "it-chaos-sink-" + id);
    try (ArtifactSink sink = new ArtifactSink(sinkProps, registry, WORK.resolve("runs"))) {
      Optional<CampaignVerdict> v = sink.runUntil(x -> x.getCampaignId().equals(id)
          && x.getState() == CampaignState.FINISHED, Duration.ofSeconds(90));
      assertTrue(v.isPresent(), "a FINISHED verdict for " + id);
      System.out.printf("%s: campaign verdict %s, overall_pass %s, reasons %s%n", id,
          v.get().getVerdict(), v.get().getOverallPass(), v.get().getReasons());
      return v.get();
    }
  }

  static Properties client() {
    Properties p = new Properties();
    p.put("bootstrap.servers", stack.bootstrapServers());
    return p;
  }

  /** Every record of an input topic (not compacted: every event counts) whose key matches. */
  /**
   * The keys of a campaign's input events: its id, or a phase 4 cycle's key under it
   * ({@code EventKeys}).
   */
  static Predicate<String> ofCampaign(String id) {
    return k -> k.equals(id) || k.startsWith(id + "/");
  }

  static <V extends SpecificRecord> List<V> records(Topic<String, V> topic,
      Predicate<String> keyFilter) {
    Properties p = client();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<V> out = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(p,
        topic.keySerde().deserializer(), topic.valueSerde(registry).deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name(),
          Duration.ofSeconds(15)).stream().map(i -> new TopicPartition(i.topic(), i.partition()))
          .collect(Collectors.toList());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        assertTrue(System.nanoTime() < deadline, "read " + topic.name() + " in time");
        for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() != null && keyFilter.test(r.key())) {
            out.add(r.value());
          }
        }
      }
    }
    return out;
  }

  /**
   * Loads (without initialising) every class of this module now. The working tree is shared: a
   * build started elsewhere while this long test runs recompiles target/classes, which is empty for
   * a moment, and a class first needed at that moment would fail with NoClassDefFoundError.
   */
  static void preloadModuleClasses() throws IOException {
    ClassLoader loader = ChaosCampaignIT.class.getClassLoader();
    for (Path root : List.of(Path.of("target", "classes"), Path.of("target", "test-classes"))) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (java.util.stream.Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
          String name = root.relativize(f).toString().replace('/', '.').replaceFirst("\\.class$", "");
          try {
            Class.forName(name, false, loader);
          } catch (ClassNotFoundException | LinkageError e) {
            // not on this test's class path (or half-written by that other build): not needed
          }
        }
      }
    }
  }

  static void figure(String what, long startNanos) {
    String ms = ((System.nanoTime() - startNanos) / 1_000_000) + " ms";
    figures.put(what, ms);
    System.out.println("E2E " + what + ": " + ms);
  }
}
