package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.FaultAction;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.events.WriteResult;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.Verdict;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Arrival order across topics never changes a published record's meaning: the same evidence read
 * in any interleaving (each topic keeps its own order, as a partition does) gives byte-identical
 * final outputs, and every campaign verdict before the final one is PENDING.
 */
class ReplayOrderTest {
  static final int SHUFFLES = 20;

  /** Final output records by topic and key, as hex of their Avro encoding. */
  record Outcome(Map<String, String> finals, List<CampaignVerdict> verdicts) {}

  static Outcome replay(List<SpecificRecord> events, long seed) throws Exception {
    try (Harness h = new Harness()) {
      h.sendAll(interleave(events, new Random(seed)));
      Map<String, String> finals = new TreeMap<>();
      h.campaigns().forEach((k, v) -> finals.put("campaign " + k, hex(v)));
      h.phases().forEach((k, v) -> finals.put("phase " + k, hex(v)));
      h.bounds().forEach((k, v) -> finals.put("bound " + k, hex(v)));
      h.cycles().forEach((k, v) -> finals.put("cycle " + k, hex(v)));
      List<CampaignVerdict> verdicts = new ArrayList<>();
      for (KeyValue<String, CampaignVerdict> kv : h.campaignRecords()) {
        verdicts.add(kv.value);
      }
      assertTrue(h.deadLetters().isEmpty(), "nothing refused: " + h.deadLetters());
      return new Outcome(finals, verdicts);
    }
  }

  /** A random merge of the per-topic sequences, each kept in its order. */
  static List<SpecificRecord> interleave(List<SpecificRecord> events, Random random) {
    Map<String, List<SpecificRecord>> byTopic = new LinkedHashMap<>();
    for (SpecificRecord e : events) {
      byTopic.computeIfAbsent(Harness.topicOf(e), t -> new ArrayList<>()).add(e);
    }
    List<List<SpecificRecord>> queues = new ArrayList<>(byTopic.values());
    int[] next = new int[queues.size()];
    List<SpecificRecord> out = new ArrayList<>();
    while (out.size() < events.size()) {
      int q = random.nextInt(queues.size());
      if (next[q] < queues.get(q).size()) {
        // runs of a few records from one topic, as fetches deliver them
        int run = 1 + random.nextInt(8);
        for (int i = 0; i < run && next[q] < queues.get(q).size(); i++) {
          out.add(queues.get(q).get(next[q]++));
        }
      }
    }
    return out;
  }

  static void assertSameInEveryOrder(List<SpecificRecord> events, Verdict expected)
      throws Exception {
    Outcome first = replay(events, 0);
    CampaignVerdict last = first.verdicts().get(first.verdicts().size() - 1);
    assertEquals(expected, last.getVerdict(), last.getReasons().toString());
    for (int s = 1; s <= SHUFFLES; s++) {
      Outcome o = replay(events, s);
      assertEquals(first.finals(), o.finals(), "shuffle " + s + " gave other final records");
      List<CampaignVerdict> vs = o.verdicts();
      for (CampaignVerdict v : vs.subList(0, vs.size() - 1)) {
        assertEquals(Verdict.PENDING, v.getVerdict(), "shuffle " + s + ": an intermediate"
            + " verdict that is not PENDING: " + v);
      }
      assertNotEquals(Verdict.PENDING, vs.get(vs.size() - 1).getVerdict());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"v0.6.0.0-final-r14", "v0.6.0.0-final-r20", "v0.6.0.0-final-r24",
      "ship-gate-v0.6.3-rc1-r2", "soak-v0.6.0-r84"})
  void shouldGiveEveryReferenceRunTheSameFinalOutputsInAnyOrder(String run) throws Exception {
    Verdict expected = switch (run) {
      case "ship-gate-v0.6.3-rc1-r2" -> Verdict.PASS;
      case "soak-v0.6.0-r84" -> Verdict.NOT_RUN;
      default -> Verdict.FAIL;
    };
    assertSameInEveryOrder(ReferenceRuns.events(run), expected);
  }

  @Test
  void shouldGiveALiveCampaignTheSameFinalOutputsInAnyOrder() throws Exception {
    assertSameInEveryOrder(LiveCampaign.events("live-1", 0), Verdict.INCONCLUSIVE);
  }

  @Test
  void shouldWaitForEvidenceThatArrivesAfterTheFinishedEvent() throws Exception {
    List<SpecificRecord> events = LiveCampaign.events("late-1", 0);
    SpecificRecord finished = events.remove(events.size() - 1);
    List<SpecificRecord> checksLast = new ArrayList<>();
    List<SpecificRecord> rest = new ArrayList<>();
    for (SpecificRecord e : events) {
      (e instanceof CheckResult ? checksLast : rest).add(e);
    }
    List<SpecificRecord> order = new ArrayList<>(rest);
    order.add(0, order.remove(0)); // STARTED first
    order.add(1, finished); // FINISHED before almost everything
    order.addAll(checksLast); // the checks last
    try (Harness h = new Harness()) {
      h.sendAll(order);
      List<KeyValue<String, CampaignVerdict>> records = h.campaignRecords();
      assertEquals(List.of(CampaignState.RUNNING, CampaignState.FINISHING,
          CampaignState.FINISHED), records.stream().map(kv -> kv.value.getState()).toList());
      assertEquals(Verdict.INCONCLUSIVE, records.get(2).value.getVerdict());
      assertTrue(h.alerts().stream().noneMatch(a -> a.getKind()
          == dev.shipgate.results.AlertKind.VERDICT_CHANGED));
      // an observation after the final verdict: refused, not reinterpreted
      h.send(Events.observation("late-1", "partition_minority", 1, 20, null, "20", "0", "0"));
      assertEquals(1, h.deadLetters().size());
      assertEquals(Verdict.INCONCLUSIVE, h.campaigns().get("late-1").getVerdict());
    }
  }

  @Test
  void shouldGiveTheSameFinalOutputsWhateverOrderItsCyclesAreJudgedIn() throws Exception {
    // more lost ids than a sample holds, spread over the cycles: each cycle's evidence kept
    // together, the cycles in shuffled orders (as tasks judging cycles apart would fold them)
    List<List<SpecificRecord>> cycles = LossyCampaign.cycles("lossy-1");
    List<SpecificRecord> inOrder = LossyCampaign.events("lossy-1", cycles);
    Map<String, String> first = finalsOf(inOrder);
    Random random = new Random(11);
    for (int s = 1; s <= SHUFFLES; s++) {
      List<List<SpecificRecord>> shuffled = new ArrayList<>(cycles);
      java.util.Collections.shuffle(shuffled, random);
      Map<String, String> other = finalsOf(LossyCampaign.events("lossy-1", shuffled));
      List<String> differing = new ArrayList<>();
      first.forEach((k, v) -> {
        if (!v.equals(other.get(k))) {
          differing.add(k);
        }
      });
      assertEquals(first.keySet(), other.keySet(), "cycle order " + s);
      assertEquals(List.of(), differing, "cycle order " + s + " gave other final records");
    }
    try (Harness h = new Harness()) {
      h.sendAll(inOrder);
      // the samples are full and are the lowest cycles' ids
      FaultBoundsCheck.lostSampleOfLowestCycles(h.bounds().get("lossy-1/partition_minority")
          .getLostIdsSample());
      List<String> nodeSample = h.visibility().get("lossy-1/partition_minority").getNodes()
          .get(1).getLostSample();
      assertEquals(VisibilityRules.SAMPLE, nodeSample.size());
      assertEquals("1/" + Events.write("lossy-1", "partition_minority", 1, 1, WriteOutcome.OK)
          .getWriteId(), nodeSample.get(0));
      assertEquals(4, Samples.cycleOf(nodeSample.get(nodeSample.size() - 1)));
      var c = h.visibility().get("lossy-1/partition_minority").getNodes().get(2);
      assertEquals(24, c.getRecovered(), "node c: 2 recovered in each of 12 cycles");
      assertEquals(VisibilityRules.SAMPLE, c.getRecoveredSample().size());
      assertEquals(1, Samples.cycleOf(c.getRecoveredSample().get(0)));
      assertEquals(6, c.getUnexpected(), "an indeterminate write applied in each even cycle");
      assertTrue(h.visibility().get("lossy-1/partition_minority").getWindows().stream()
          .mapToLong(w -> w.getAttempted()).sum() == 240);
    }
  }

  private static Map<String, String> finalsOf(List<SpecificRecord> events) throws Exception {
    try (Harness h = new Harness()) {
      h.sendAll(events);
      Map<String, String> finals = new TreeMap<>();
      h.campaigns().forEach((k, v) -> finals.put("campaign " + k, hex(v)));
      h.phases().forEach((k, v) -> finals.put("phase " + k, hex(v)));
      h.bounds().forEach((k, v) -> finals.put("bound " + k, hex(v)));
      h.visibility().forEach((k, v) -> finals.put("visibility " + k, hex(v)));
      h.cycles().forEach((k, v) -> finals.put("cycle " + k, hex(v)));
      assertTrue(h.deadLetters().isEmpty(), "nothing refused: " + h.deadLetters());
      return finals;
    }
  }

  /** What the checks on a bound's lost-id sample need. */
  static final class FaultBoundsCheck {
    private FaultBoundsCheck() {}

    /** In cycle order, and the first cycle's ids first. */
    static void lostSampleOfLowestCycles(List<String> sample) {
      assertTrue(sample.size() > 20, "a sample of more than one cycle: " + sample);
      for (int i = 1; i < sample.size(); i++) {
        assertTrue(Samples.cycleOf(sample.get(i - 1)) <= Samples.cycleOf(sample.get(i)),
            "in cycle order: " + sample);
      }
      assertEquals(1, Samples.cycleOf(sample.get(0)));
    }
  }

  /**
   * A phase 4 campaign of one class, 12 cycles of 20 writes, node b missing 6 of each cycle's
   * acknowledged writes at the end of the settle: 72 lost ids, more than a node's visibility
   * sample holds; node c missing 2 at the seed's settle point that it holds at the end
   * (recovered), an indeterminate write applied in every even cycle (unexpected), and read times
   * that differ from cycle to cycle (latency histograms of several buckets).
   */
  static final class LossyCampaign {
    private LossyCampaign() {}

    static final String FAULT = "partition_minority";

    /** Each cycle's writes, fault events and polls, in the order the driver publishes them. */
    static List<List<SpecificRecord>> cycles(String campaign) {
      List<List<SpecificRecord>> out = new ArrayList<>();
      for (int cycle = 1; cycle <= 12; cycle++) {
        List<SpecificRecord> events = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int seq = 1; seq <= 20; seq++) {
          WriteResult w = Events.write(campaign, FAULT, cycle, seq,
              seq == 20 && cycle % 2 == 0 ? WriteOutcome.INDETERMINATE : WriteOutcome.OK);
          events.add(w);
          ids.add(w.getWriteId());
        }
        for (FaultAction a : List.of(FaultAction.INJECTED, FaultAction.HEALED)) {
          events.add(FaultEvent.newBuilder().setCampaignId(campaign)
              .setEventId(UUID.nameUUIDFromBytes((campaign + cycle + a).getBytes()).toString())
              .setEventTime(Events.T0.plusSeconds(cycle)).setPhase(4).setFault(FAULT)
              .setCycle(cycle).setTargetNode("a").setAction(a).setMechanism("test")
              .setEvidence("seen").build());
        }
        List<NodeObservation> seedNodes = new ArrayList<>();
        List<NodeObservation> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          List<String> held = i == 1 ? ids.subList(6, ids.size()) : ids;
          List<String> atSeed = new ArrayList<>(held);
          if (i == 2) {
            atSeed.removeAll(ids.subList(6, 8));
          }
          seedNodes.add(node(i, atSeed, Events.T0.plusSeconds(cycle).plusMillis(200)));
          nodes.add(node(i, held, Events.T0.plusSeconds(cycle)
              .plusMillis(300 + (137L * cycle * (i + 1)) % 4000)));
        }
        events.add(Observation.newBuilder().setCampaignId(campaign)
            .setEventId(UUID.nameUUIDFromBytes((campaign + cycle + "seed").getBytes())
                .toString())
            .setEventTime(Events.T0.plusSeconds(cycle).plusMillis(250)).setPhase(4)
            .setFault(FAULT).setCycle(cycle).setFinal$(false).setSeedPoint(true)
            .setNodes(seedNodes).build());
        events.add(Observation.newBuilder().setCampaignId(campaign)
            .setEventId(UUID.nameUUIDFromBytes((campaign + cycle + "final").getBytes())
                .toString())
            .setEventTime(Events.T0.plusSeconds(cycle).plusMillis(500)).setPhase(4)
            .setFault(FAULT).setCycle(cycle).setFinal$(true).setNodes(nodes)
            .setCycleWrites(20L).setCycleFaults(2L).build());
        out.add(events);
      }
      return out;
    }

    private static NodeObservation node(int i, List<String> held, java.time.Instant readAt) {
      return NodeObservation.newBuilder().setNode(Events.NODES.get(i)).setNodeIndex(i)
          .setCount((long) held.size()).setRawCount(String.valueOf(held.size()))
          .setIds(new ArrayList<>(held)).setReadAt(readAt).build();
    }

    /** STARTED, the cycles' events in the order given, FINISHED with its manifest. */
    static List<SpecificRecord> events(String campaign, List<List<SpecificRecord>> cycles) {
      List<SpecificRecord> out = new ArrayList<>();
      out.add(Events.started(campaign, Events.config(List.of(4), List.of(FAULT))
          .setCyclesPerFault(12).setWritesPerCycle(20).build()));
      cycles.forEach(out::addAll);
      out.add(CampaignEvent.newBuilder(Events.finished(campaign, Events.T0.plusSeconds(600)))
          .setManifest(Map.of("4/writes", 240L, "4/faults", 24L, "4/observations", 24L))
          .build());
      return out;
    }
  }

  private static String hex(SpecificRecord r) {
    try {
      ByteBuffer b = (ByteBuffer) r.getClass().getMethod("toByteBuffer").invoke(r);
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      return HexFormat.of().formatHex(bytes);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The events a driver publishes for a small campaign: phases 2 and 4, two fault classes. */
  static final class LiveCampaign {
    private LiveCampaign() {}

    static List<SpecificRecord> events(String campaign, long seed) {
      List<SpecificRecord> out = new ArrayList<>();
      List<String> faults = List.of("partition_minority", "drop_random_acks");
      out.add(Events.started(campaign, Events.config(List.of(2, 4), faults)
          .setCyclesPerFault(4).setWritesPerCycle(20).build()));
      Map<String, Long> manifest = new TreeMap<>();
      List<String> p2ids = new ArrayList<>();
      for (int seq = 1; seq <= 10; seq++) {
        WriteResult w = Events.phase2Write(campaign, seq, WriteOutcome.OK);
        out.add(w);
        p2ids.add(w.getWriteId());
        manifest.merge("2/writes", 1L, Long::sum);
      }
      out.add(observation(campaign, 2, null, null, p2ids, null));
      manifest.merge("2/observations", 1L, Long::sum);
      for (String probe : List.of("phase2.probe1", "phase2.probe2")) {
        out.add(Events.check(campaign, 2, probe)
            .setValues(Map.of("status", probe.endsWith("1") ? "201" : "503")).build());
        manifest.merge("2/checks", 1L, Long::sum);
      }
      for (String fault : faults) {
        for (int cycle = 1; cycle <= 4; cycle++) {
          List<String> ids = new ArrayList<>();
          for (int seq = 1; seq <= 20; seq++) {
            WriteOutcome o = seq == 7 && cycle == 2 ? WriteOutcome.INDETERMINATE : WriteOutcome.OK;
            WriteResult w = Events.write(campaign, fault, cycle, seq, o);
            out.add(w);
            ids.add(w.getWriteId());
            manifest.merge("4/writes", 1L, Long::sum);
          }
          for (FaultAction a : List.of(FaultAction.INJECTED, FaultAction.HEALED)) {
            out.add(FaultEvent.newBuilder().setCampaignId(campaign)
                .setEventId(UUID.nameUUIDFromBytes((campaign + fault + cycle + a).getBytes())
                    .toString())
                .setEventTime(Events.T0.plusSeconds(cycle)).setPhase(4).setFault(fault)
                .setCycle(cycle).setTargetNode("a").setAction(a).setMechanism("test")
                .setEvidence("seen").build());
            manifest.merge("4/faults", 1L, Long::sum);
          }
          // a poll before the final one, then the final observation announcing the writes
          out.add(observation(campaign, 4, fault, cycle, ids.subList(0, 10), null));
          out.add(observation(campaign, 4, fault, cycle, ids, 20L));
          manifest.merge("4/observations", 2L, Long::sum);
        }
      }
      out.add(CampaignEvent.newBuilder(Events.finished(campaign, Events.T0.plusSeconds(600)))
          .setManifest(manifest).build());
      return out;
    }

    private static Observation observation(String campaign, int phase, String fault,
        Integer cycle, List<String> ids, Long cycleWrites) {
      List<NodeObservation> nodes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        nodes.add(NodeObservation.newBuilder().setNode(Events.NODES.get(i)).setNodeIndex(i)
            .setCount((long) ids.size()).setRawCount(String.valueOf(ids.size()))
            .setIds(new ArrayList<>(ids)).build());
      }
      return Observation.newBuilder().setCampaignId(campaign)
          .setEventId(UUID.randomUUID().toString())
          .setEventTime(Events.T0.plusSeconds(cycle == null ? 0 : cycle).plusMillis(500))
          .setPhase(phase).setFault(fault).setCycle(cycle).setFinal$(cycleWrites != null
              || phase == 2).setNodes(nodes).setCycleWrites(cycleWrites).build();
    }
  }
}
