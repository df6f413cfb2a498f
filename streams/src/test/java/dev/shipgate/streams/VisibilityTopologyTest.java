package dev.shipgate.streams;

import static dev.shipgate.streams.Events.T0;
import static dev.shipgate.streams.Events.config;
import static dev.shipgate.streams.Events.started;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shipgate.events.FaultAction;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.events.Thresholds;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.events.WriteResult;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.Diagnosis;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.NodeVisibility;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.results.VisibilitySummary;
import dev.shipgate.results.WindowVisibility;
import dev.shipgate.results.WritePoint;
import dev.shipgate.results.WriteWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Slow or lost: per-write visibility from the polls, the set checker's lists, writes lined up
 * against the fault, the class summary and its diagnosis, on hand-built cycles whose every
 * number is known.
 */
class VisibilityTopologyTest {
  private static final String C = "vis-1";
  private static final String PM = "partition_minority";
  private static final List<String> NODES = List.of("a", "b", "c");

  /**
   * Cycle 1, 10 writes 100 ms apart from T0+1 s (w1 at 1000 ms ... w10 at 1900 ms, each answered
   * 5 ms later), w9 INDETERMINATE, the others OK; the partition injected at 1150 ms (after w2) and
   * healed at 1650 ms (w3..w7 during it, w8..w10 after). Polls every 500 ms from 1200 ms:
   * node a holds everything written at once; node b misses w5 and w6 until 4500 ms (after the
   * seed point at 1905 + 3000 = 4905? no: the seed-point poll is at 5000 ms) and w7 for good;
   * node c misses w3..w8 until the poll at 6000 ms (recovered: slow), holds w9 (applied after
   * all).
   */
  static List<SpecificRecord> cycleEvents(boolean announced) {
    List<SpecificRecord> out = new ArrayList<>();
    for (int seq = 1; seq <= 10; seq++) {
      out.add(write(seq, seq == 9 ? WriteOutcome.INDETERMINATE : WriteOutcome.OK));
    }
    out.add(fault(FaultAction.INJECTED, 1150));
    out.add(fault(FaultAction.HEALED, 1650));
    int seq = 0;
    for (long t = 1200; t <= 6000; t += 500) {
      boolean seedPoint = t == 5200;
      boolean last = t == 6200;
      out.add(poll(seq++, t, false, seedPoint, announced));
    }
    out.add(poll(seq, 6200, true, false, announced));
    // a kill-style fault event after the final poll (never the writes' window)
    out.add(fault(FaultAction.HEALED, 7000));
    return out;
  }

  static WriteResult write(int seq, WriteOutcome outcome) {
    Instant issued = T0.plusMillis(900 + 100L * seq);
    return WriteResult.newBuilder()
        .setCampaignId(C).setEventId(UUID.randomUUID().toString()).setEventTime(issued)
        .setPhase(4).setFault(PM).setCycle(1).setSeq(seq).setWriteId("c1-w" + seq)
        .setNode("a").setStatus(outcome == WriteOutcome.OK ? 201 : null).setOutcome(outcome)
        .setLatencyMs(5L).setAckTime(outcome == WriteOutcome.OK ? issued.plusMillis(5) : null)
        .build();
  }

  static FaultEvent fault(FaultAction action, long at) {
    return FaultEvent.newBuilder()
        .setCampaignId(C).setEventId(UUID.randomUUID().toString()).setEventTime(T0.plusMillis(at))
        .setPhase(4).setFault(PM).setCycle(1).setTargetNode("a").setAction(action)
        .setMechanism("iptables").build();
  }

  /** What each node lists at poll time {@code t} (ms after T0). */
  static List<String> held(String node, long t) {
    List<String> ids = new ArrayList<>();
    for (int seq = 1; seq <= 10; seq++) {
      long issued = 900 + 100L * seq;
      if (issued > t) {
        continue;
      }
      boolean there = switch (node) {
        case "b" -> seq != 7 && (seq < 5 || seq > 6 || t >= 4500);
        case "c" -> seq < 3 || seq > 8 || t >= 6000;
        default -> true;
      };
      if (there) {
        ids.add("c1-w" + seq);
      }
    }
    return ids;
  }

  static Observation poll(int seq, long t, boolean last, boolean seedPoint, boolean announced) {
    List<NodeObservation> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      List<String> ids = held(NODES.get(i), t);
      nodes.add(NodeObservation.newBuilder().setNode(NODES.get(i)).setNodeIndex(i)
          .setCount((long) ids.size()).setRawCount(String.valueOf(ids.size())).setIds(ids)
          .build());
    }
    return Observation.newBuilder()
        .setCampaignId(C).setEventId(UUID.randomUUID().toString()).setEventTime(T0.plusMillis(t))
        .setPhase(4).setFault(PM).setCycle(1).setPollSeq(seq).setFinal$(last)
        .setSeedPoint(seedPoint).setNodes(nodes)
        .setCycleWrites(last ? 10L : null)
        .setCycleFaults(last && announced ? 2L : null)
        .build();
  }

  static Harness run(List<SpecificRecord> events, Long visibilityP99) throws Exception {
    Harness h = new Harness();
    var cfg = config(List.of(4), List.of(PM)).setCyclesPerFault(1).setWritesPerCycle(10)
        .setSettings(Map.of("phase4.settle.seed_settle_ms", "3000"));
    if (visibilityP99 != null) {
      cfg.setThresholds(Thresholds.newBuilder().setVisibilityP99Ms(visibilityP99).build());
    }
    h.send(started(C, cfg.build()));
    h.sendAll(events);
    h.finish(C);
    return h;
  }

  @Test
  void shouldTellSlowFromLostPerNodeAndLineTheWritesUpAgainstTheFault() throws Exception {
    Harness h = run(cycleEvents(true), null);
    CycleConvergence cc = h.cycles().get(C + "/" + PM + "/1");
    // the bound counts the seed-point poll (5200 ms): b misses w7, c misses w3..w8
    assertTrue(cc.getCountedAtSeedPoint());
    assertEquals(List.of("10", "9", "4"), cc.getNodeCounts());
    assertEquals(4, cc.getMinPeer());
    assertEquals(Map.of("a", List.of(), "b", List.of("c1-w7"), "c", List.of()),
        cc.getLostIds());
    assertEquals(Map.of("c", List.of("c1-w3", "c1-w4", "c1-w5", "c1-w6", "c1-w7", "c1-w8")),
        cc.getRecoveredIds());
    assertEquals(Map.of("a", List.of("c1-w9"), "c", List.of("c1-w9"), "b", List.of("c1-w9")),
        cc.getUnexpectedIds());

    WritePoint w1 = cc.getPoints().get(0);
    assertEquals("c1-w1", w1.getWriteId());
    assertEquals(WriteWindow.PRE_FAULT, w1.getWindow());
    // acked at 1005 ms, first seen at the 1200 ms poll everywhere
    assertEquals(List.of(195L, 195L, 195L), w1.getVisibleMs());
    WritePoint w5 = cc.getPoints().get(4);
    assertEquals(WriteWindow.DURING_FAULT, w5.getWindow());
    // acked at 1405: a at the 1700 poll, b at 4700 (first poll after 4500), c at 6200 (the
    // final poll, the first after 6000)
    assertEquals(List.of(295L, 3295L, 4795L), w5.getVisibleMs());
    WritePoint w10 = cc.getPoints().get(9);
    assertEquals(WriteWindow.POST_HEAL, w10.getWindow());

    VisibilitySummary v = h.visibility().get(C + "/" + PM);
    assertFalse(v.getPending());
    assertEquals(Diagnosis.BOTH, v.getDiagnosis());
    NodeVisibility b = v.getNodes().get(1);
    assertEquals(9, b.getAcked());
    assertEquals(1, b.getLost());
    assertEquals(Map.of("DURING_FAULT", 1L), b.getLostByWindow());
    assertEquals(List.of("1/c1-w7"), b.getLostSample());
    assertEquals(1, b.getUnexpected());
    assertEquals(1, b.getIndeterminateApplied());
    NodeVisibility c = v.getNodes().get(2);
    assertEquals(0, c.getLost());
    assertEquals(6, c.getRecovered());
    assertEquals(9, c.getVisible());
    // c's latencies: w1 195, w2 95 (acked 1105, poll 1200), w3..w8 acked 1205..1705 seen at 6200
    // (4995..4495), w10 acked 1905 seen at 2200 (295)
    assertEquals(4995L, c.getMaxMs());
    assertEquals(List.of(0L, 0L, 0L, 1L, 3L, 3L, 3L, 9L, 9L), c.getVisibleBy());
    assertEquals(4995L, c.getP99Ms(), "the 5000 ms bucket, capped at the exact maximum");
    assertEquals(4600L, c.getP50Ms(), "5th of 9: w4 (4595), in the 4600 ms bucket");
    assertEquals(List.of("c"), c.getNodeNames());

    WindowVisibility during = v.getWindows().get(WriteWindow.DURING_FAULT.ordinal());
    assertEquals(5, during.getAttempted());
    assertEquals(5, during.getOk());
    assertEquals(1, during.getLost());
    WindowVisibility post = v.getWindows().get(WriteWindow.POST_HEAL.ordinal());
    assertEquals(3, post.getAttempted());
    assertEquals(2, post.getOk());
    assertEquals(2.0 / 3, post.getAvailability(), 1e-9);
    // the windows' latency histograms, bucketed (as the per-cycle folding gave them before it
    // counted each cycle's buckets at once)
    WindowVisibility pre = v.getWindows().get(WriteWindow.PRE_FAULT.ordinal());
    assertEquals(List.of(95L, 200L, 5L, 5L), List.of(pre.getVisibilityP50Ms(),
        pre.getVisibilityP99Ms(), pre.getWriteP50Ms(), pre.getWriteP99Ms()));
    assertEquals(List.of(4800L, 5000L, 5L, 5L), List.of(during.getVisibilityP50Ms(),
        during.getVisibilityP99Ms(), during.getWriteP50Ms(), during.getWriteP99Ms()));
    assertEquals(List.of(300L, 4500L), List.of(post.getVisibilityP50Ms(),
        post.getVisibilityP99Ms()));
    assertNull(v.getWindows().get(WriteWindow.UNKNOWN.ordinal()).getVisibilityP50Ms());

    String text = v.getDiagnosisText();
    assertTrue(text.startsWith("both: "), text);
    assertTrue(text.contains("1 on node b (peer 1) (issued during the fault; e.g. 1/c1-w7)"), text);
    assertTrue(text.contains("6 arrived only after the seed's settle point (3.0 s after the last"
        + " answer)"), text);

    // the bound is 0.444 (4 of 9): FAIL, and the diagnosis follows the reasons
    PhaseVerdict p4 = h.phases().get(C + "/4");
    assertEquals(Verdict.FAIL, p4.getVerdict());
    assertTrue(p4.getReasons().contains(PM + ": " + text), p4.getReasons().toString());
    // the seed's artifact keeps the seed's reasons only
    assertTrue(p4.getDetailsJson().contains("\"reasons\":[\"partition_minority: 0.444 < 0.995\"]"),
        p4.getDetailsJson());
  }

  @Test
  void shouldGiveTheSameRecordsWhateverOrderTheTopicsAreReadIn() throws Exception {
    List<SpecificRecord> events = cycleEvents(true);
    Harness inOrder = run(events, null);
    CycleConvergence expected = inOrder.cycles().get(C + "/" + PM + "/1");
    VisibilitySummary expectedSummary = inOrder.visibility().get(C + "/" + PM);
    Random random = new Random(7);
    for (int shuffle = 0; shuffle < 10; shuffle++) {
      // shuffle across topics, keeping each topic's own order (one partition per campaign)
      List<SpecificRecord> writes = new ArrayList<>();
      List<SpecificRecord> faults = new ArrayList<>();
      List<SpecificRecord> polls = new ArrayList<>();
      for (SpecificRecord e : events) {
        (e instanceof WriteResult ? writes : e instanceof FaultEvent ? faults : polls).add(e);
      }
      List<SpecificRecord> mixed = new ArrayList<>();
      List<List<SpecificRecord>> queues = new ArrayList<>(List.of(writes, faults, polls));
      while (queues.stream().anyMatch(q -> !q.isEmpty())) {
        List<SpecificRecord> q = queues.get(random.nextInt(3));
        if (!q.isEmpty()) {
          mixed.add(q.remove(0));
        }
      }
      Harness h = run(mixed, null);
      assertEquals(expected, h.cycles().get(C + "/" + PM + "/1"), "shuffle " + shuffle);
      assertEquals(expectedSummary, h.visibility().get(C + "/" + PM), "shuffle " + shuffle);
    }
  }

  @Test
  void shouldNotPlaceWritesInWindowsWhenTheFaultEventsWereNotAnnounced() throws Exception {
    Harness h = run(cycleEvents(false), null);
    CycleConvergence cc = h.cycles().get(C + "/" + PM + "/1");
    for (WritePoint p : cc.getPoints()) {
      assertEquals(WriteWindow.UNKNOWN, p.getWindow(), p.getWriteId());
    }
  }

  @Test
  void shouldFailAClassSlowerThanTheCampaignsVisibilityThresholdAndSaySlowWhenNothingIsLost()
      throws Exception {
    // the same cycle without the lost write: b gets w7 at 4500 like w5 and w6
    List<SpecificRecord> events = new ArrayList<>();
    for (SpecificRecord e : cycleEvents(true)) {
      if (e instanceof Observation o) {
        List<NodeObservation> nodes = new ArrayList<>(o.getNodes());
        long t = o.getEventTime().toEpochMilli() - T0.toEpochMilli();
        if (t >= 4500 && t >= 1600) {
          NodeObservation b = nodes.get(1);
          List<String> ids = new ArrayList<>(b.getIds());
          ids.add("c1-w7");
          Collections.sort(ids);
          nodes.set(1, NodeObservation.newBuilder(b).setIds(ids).setCount((long) ids.size())
              .setRawCount(String.valueOf(ids.size())).build());
        }
        e = Observation.newBuilder(o).setNodes(nodes).build();
      }
      events.add(e);
    }
    Harness h = run(events, 2000L);
    VisibilitySummary v = h.visibility().get(C + "/" + PM);
    assertEquals(Diagnosis.SLOW, v.getDiagnosis(), v.getDiagnosisText());
    assertTrue(v.getDiagnosisText().startsWith("slow: every acknowledged write reached every"
        + " readable node, 6 on node c (peer 2) only after"), v.getDiagnosisText());
    FaultBound bound = h.bounds().get(C + "/" + PM);
    assertEquals(Verdict.FAIL, bound.getVerdict());
    assertTrue(bound.getReason().contains("p99 visibility 4995 ms > 2000 ms"
        + " (thresholds.visibility_p99_ms)"), bound.getReason());
  }

  @Test
  void shouldHoldAnOpenCyclesWritesInAFewKilobytesAndNothingOnceItCloses() throws Exception {
    // a 100-write cycle, polled three times while open (all nodes listing every write)
    Harness h = new Harness();
    h.send(started(C, config(List.of(4), List.of(PM)).setCyclesPerFault(1)
        .setWritesPerCycle(100).build()));
    List<String> all = new ArrayList<>();
    for (int seq = 1; seq <= 100; seq++) {
      h.send(WriteResult.newBuilder(write(seq % 10 + 1, WriteOutcome.OK)).setSeq(seq)
          .setWriteId("c1-w" + seq).build());
      all.add("c1-w" + seq);
    }
    for (int poll = 0; poll < 3; poll++) {
      List<NodeObservation> nodes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        nodes.add(NodeObservation.newBuilder().setNode(NODES.get(i)).setNodeIndex(i)
            .setCount(100L).setRawCount("100").setIds(all).build());
      }
      h.send(Observation.newBuilder(poll(poll, 3000 + 100L * poll, false, poll == 2, true))
          .setNodes(nodes).build());
    }
    long writeBytes = storeBytes(h.driver.getKeyValueStore(CycleStores.WRITES));
    long cycleBytes = storeBytes(h.driver.getKeyValueStore(CycleStores.CYCLES));
    System.out.printf("open 100-write cycle: write records %d bytes, cycle book %d bytes%n",
        writeBytes, cycleBytes);
    assertTrue(writeBytes < 100 * 100, "write records: " + writeBytes + " bytes");
    assertTrue(cycleBytes < 4 * 1024, "cycle book with the seed-point poll: " + cycleBytes);
    h.send(Observation.newBuilder(poll(3, 3400, true, false, true)).setNodes(
        List.of(NodeObservation.newBuilder().setNode("a").setNodeIndex(0).setCount(100L)
            .setRawCount("100").setIds(all).build())).setCycleWrites(100L).setCycleFaults(0L)
        .build());
    // closed: its write records and tally are gone
    try (var it = h.driver.<String, byte[]>getKeyValueStore(CycleStores.WRITES).all()) {
      it.forEachRemaining(kv -> fail("left in the write records: " + kv.key));
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int avroBytes(Object value) {
    org.apache.avro.specific.SpecificRecordBase r = (org.apache.avro.specific.SpecificRecordBase) value;
    StateSerde serde = StateSerde.of(r.getSchema());
    return serde.serializer().serialize("size", r).length;
  }

  private static long storeBytes(org.apache.kafka.streams.state.KeyValueStore<String, ?> store) {
    long bytes = 0;
    try (var it = store.all()) {
      while (it.hasNext()) {
        var kv = it.next();
        bytes += kv.key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        bytes += kv.value instanceof byte[] b ? b.length : avroBytes(kv.value);
      }
    }
    return bytes;
  }
}
