package dev.shipgate.producer.campaign;

import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.EventSource;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.events.WriteResult;
import dev.shipgate.producer.fault.FaultResult;
import dev.shipgate.producer.publish.EventPublisher;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.target.WriteAttempt;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Builds the events of one campaign (each with the campaign id, a fresh event id and the driver's
 * time) and publishes them, one at a time, from any thread. Counts what it published, by phase
 * and kind: the FINISHED or ABORTED event announces it ({@code manifest}), so Streams knows when
 * it has judged all of it.
 */
final class CampaignEvents {
  private final CampaignSpec spec;
  private final EventPublisher publisher;
  private final Ticker ticker;
  private final Map<String, Long> published = new TreeMap<>();
  private final Map<String, Long> cycleFaults = new java.util.HashMap<>();

  CampaignEvents(CampaignSpec spec, EventPublisher publisher, Ticker ticker) {
    this.spec = spec;
    this.publisher = publisher;
    this.ticker = ticker;
  }

  synchronized void flush() {
    publisher.flush();
  }

  /**
   * STARTED (with the configuration), FINISHED, or ABORTED with its reason; the last two with the
   * manifest of everything published before them.
   */
  void campaign(CampaignEventType type, String reason) {
    Map<String, Long> manifest;
    synchronized (this) {
      manifest = type == CampaignEventType.STARTED ? null : new TreeMap<>(published);
    }
    CampaignEvent e = CampaignEvent.newBuilder()
        .setCampaignId(spec.campaignId())
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(ticker.now())
        .setType(type)
        .setSource(EventSource.LIVE)
        .setConfig(type == CampaignEventType.STARTED ? spec.toConfig() : null)
        .setReason(reason)
        .setManifest(manifest)
        .build();
    synchronized (this) {
      publisher.publish(e);
    }
  }

  /** FaultEvents published so far for one cycle (announced on its final observation). */
  synchronized long faultsOf(String fault, Integer cycle) {
    return cycleFaults.getOrDefault(fault + "/" + cycle, 0L);
  }

  /** Events published so far, by "phase/kind" (the manifest the end event will carry). */
  synchronized Map<String, Long> published() {
    return new TreeMap<>(published);
  }

  private void count(int phase, String kind) {
    published.merge(phase + "/" + kind, 1L, Long::sum);
  }

  /** The WriteResult of one answered write; its issue time is the answer time minus latency. */
  void write(int phase, String fault, Integer cycle, int seq, String writeId, String agent,
      Node node, WriteAttempt a) {
    Instant answered = ticker.now();
    WriteResult w = WriteResult.newBuilder()
        .setCampaignId(spec.campaignId())
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(answered.minusMillis(a.latencyMillis()))
        .setPhase(phase)
        .setFault(fault)
        .setCycle(cycle)
        .setSeq(seq)
        .setWriteId(writeId)
        .setNode(node.name())
        .setAgent(agent)
        .setStatus(a.status())
        .setOutcome(a.outcome())
        .setLatencyMs(a.latencyMillis())
        .setAckTime(a.outcome() == WriteOutcome.OK ? answered : null)
        .setError(a.outcome() == WriteOutcome.OK ? null : a.error())
        .build();
    synchronized (this) {
      publisher.publish(w);
      count(phase, "writes");
    }
  }

  void fault(int phase, String fault, Integer cycle, FaultResult r) {
    FaultEvent f = FaultEvent.newBuilder()
        .setCampaignId(spec.campaignId())
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(ticker.now())
        .setPhase(phase)
        .setFault(fault)
        .setCycle(cycle)
        .setTargetNode(r.targetNode() == null ? "?" : r.targetNode())
        .setAction(r.action())
        .setMechanism(r.mechanism() == null ? "unknown" : r.mechanism())
        .setCommand(r.command())
        .setExitStatus(r.exitStatus())
        .setEvidence(r.evidence())
        .setReason(r.reason())
        .build();
    synchronized (this) {
      publisher.publish(f);
      count(phase, "faults");
      if (cycle != null) {
        cycleFaults.merge(fault + "/" + cycle, 1L, Long::sum);
      }
    }
  }

  void check(CheckResult c) {
    synchronized (this) {
      publisher.publish(c);
      count(c.getPhase(), "checks");
    }
  }

  CheckResult checkResult(int phase, String kind, String node, String fault, Integer cycle,
      Map<String, String> values, String error) {
    return CheckResult.newBuilder()
        .setCampaignId(spec.campaignId())
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(ticker.now())
        .setSource(EventSource.LIVE)
        .setPhase(phase)
        .setCheck(kind)
        .setNode(node)
        .setFault(fault)
        .setCycle(cycle)
        .setValues(new LinkedHashMap<>(values))
        .setError(error)
        .build();
  }

  /**
   * One poll of every node, in {@code order}; see {@link Settler} for what the counts mean.
   *
   * @param cycleWrites on the final observation of a phase 4 cycle: the WriteResults published
   *     for the cycle (all before this observation), else null
   */
  void observation(int phase, String fault, Integer cycle, int poll, boolean last,
      boolean seedPoint, List<Node> order, List<Settler.Seen> seen, Long cycleWrites) {
    List<NodeObservation> list = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      Settler.Seen s = seen.get(i);
      list.add(NodeObservation.newBuilder()
          .setNode(order.get(i).name())
          .setNodeIndex(i)
          .setCount(s.count())
          .setRawCount(s.count() == null ? "ERR" : String.valueOf(s.count()))
          .setIds(s.ownIds() == null ? null : new ArrayList<>(s.ownIds()))
          .setForeignCount(s.foreignCount())
          .setForeignSample(new ArrayList<>(s.foreignSample()))
          .setError(s.error())
          .setReadAt(s.readAt())
          .build());
    }
    Observation o = Observation.newBuilder()
        .setCampaignId(spec.campaignId())
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(ticker.now())
        .setPhase(phase)
        .setFault(fault)
        .setCycle(cycle)
        .setPollSeq(poll)
        .setFinal$(last)
        .setNodes(list)
        .setCycleWrites(cycleWrites)
        .setSeedPoint(seedPoint)
        .setCycleFaults(cycleWrites == null ? null : faultsOf(fault, cycle))
        .build();
    synchronized (this) {
      publisher.publish(o);
      count(phase, "observations");
    }
  }
}
