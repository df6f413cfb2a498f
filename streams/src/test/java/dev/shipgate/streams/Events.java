package dev.shipgate.streams;

import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.EventSource;
import dev.shipgate.events.FaultAction;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.events.Thresholds;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.events.WriteResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Hand-built events for the tests, shaped like the driver's and the importer's. */
final class Events {
  private Events() {}

  static final Instant T0 = Instant.parse("2026-04-20T10:00:00Z");
  static final List<String> NODES = List.of("a", "b", "c");

  static CampaignConfig.Builder config(List<Integer> phases, List<String> faults) {
    return CampaignConfig.newBuilder()
        .setTargetName("ai-memory")
        .setTargetRef("release/v0.6.0")
        .setPhasesEnabled(phases)
        .setNodes(NODES)
        .setFaults(faults)
        .setCyclesPerFault(50)
        .setWritesPerCycle(100)
        .setThresholds(Thresholds.newBuilder().build());
  }

  static CampaignEvent started(String campaign, CampaignConfig config) {
    return CampaignEvent.newBuilder()
        .setCampaignId(campaign)
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(T0)
        .setType(CampaignEventType.STARTED)
        .setConfig(config)
        .build();
  }

  static CampaignEvent finished(String campaign, Instant at) {
    return CampaignEvent.newBuilder()
        .setCampaignId(campaign)
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(at)
        .setType(CampaignEventType.FINISHED)
        .build();
  }

  static CampaignEvent aborted(String campaign, String reason) {
    return CampaignEvent.newBuilder()
        .setCampaignId(campaign)
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(T0.plusSeconds(60))
        .setType(CampaignEventType.ABORTED)
        .setReason(reason)
        .build();
  }

  static WriteResult write(String campaign, String fault, int cycle, int seq,
      WriteOutcome outcome) {
    return WriteResult.newBuilder()
        .setCampaignId(campaign)
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(T0.plusSeconds(cycle))
        .setPhase(4)
        .setFault(fault)
        .setCycle(cycle)
        .setSeq(seq)
        .setWriteId("c" + cycle + "-w" + seq)
        .setNode("a")
        .setStatus(outcome == WriteOutcome.OK ? 201 : outcome == WriteOutcome.QUORUM_NOT_MET
            ? 503 : 500)
        .setOutcome(outcome)
        .build();
  }

  static WriteResult phase2Write(String campaign, int seq, WriteOutcome outcome) {
    return WriteResult.newBuilder(write(campaign, null, 1, seq, outcome))
        .setPhase(2).setFault(null).setCycle(null).setWriteId("p2-w" + seq).setAgent("agent-1")
        .build();
  }

  /** A final observation; raw counts as the seed's strings ("97", "ERR"). */
  static Observation observation(String campaign, String fault, int cycle, String... raw) {
    return observation(campaign, fault, cycle, null, raw);
  }

  /** A final observation announcing {@code cycleWrites} writes, as the driver's is. */
  static Observation observation(String campaign, String fault, int cycle, long cycleWrites,
      List<List<String>> ids, String... raw) {
    return Observation.newBuilder(observation(campaign, fault, cycle, ids, raw))
        .setCycleWrites(cycleWrites).build();
  }

  static Observation observation(String campaign, String fault, int cycle,
      List<List<String>> ids, String... raw) {
    List<NodeObservation> nodes = new ArrayList<>();
    for (int i = 0; i < raw.length; i++) {
      Long count;
      try {
        count = Long.parseLong(raw[i]);
      } catch (NumberFormatException e) {
        count = null;
      }
      nodes.add(NodeObservation.newBuilder()
          .setNode(NODES.get(i))
          .setNodeIndex(i)
          .setCount(count)
          .setRawCount(raw[i])
          .setIds(ids == null ? null : ids.get(i))
          .setError(count == null ? "count unreadable" : null)
          .build());
    }
    return Observation.newBuilder()
        .setCampaignId(campaign)
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(T0.plusSeconds(cycle).plusMillis(500))
        .setPhase(4)
        .setFault(fault)
        .setCycle(cycle)
        .setFinal$(true)
        .setNodes(nodes)
        .build();
  }

  static CheckResult.Builder check(String campaign, int phase, String kind) {
    return CheckResult.newBuilder()
        .setCampaignId(campaign)
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(T0)
        .setSource(EventSource.IMPORTED)
        .setPhase(phase)
        .setCheck(kind);
  }

  static CheckResult cycleTally(String campaign, String fault, int cycle, long writes, long ok,
      long quorum, long fail) {
    return check(campaign, 4, "phase4.cycle").setFault(fault).setCycle(cycle)
        .setMetrics(Map.of("writes", writes, "ok", ok, "quorum_not_met", quorum, "fail", fail))
        .build();
  }

  static FaultEvent notApplied(String campaign, String fault, String reason) {
    return FaultEvent.newBuilder()
        .setCampaignId(campaign)
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(T0.plusSeconds(5))
        .setFault(fault)
        .setCycle(1)
        .setTargetNode("b")
        .setAction(FaultAction.NOT_APPLIED)
        .setMechanism("libfaketime")
        .setReason(reason)
        .build();
  }
}
