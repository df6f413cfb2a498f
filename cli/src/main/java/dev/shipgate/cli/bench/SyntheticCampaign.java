package dev.shipgate.cli.bench;

import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.FaultAction;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.events.Thresholds;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.events.WriteResult;
import dev.shipgate.producer.publish.EventPublisher;
import dev.shipgate.schemas.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A phase 4 campaign shaped like the driver's, made up for benchmarks: every cycle 100 (or
 * {@code writesPerCycle}) acknowledged writes, an INJECTED and a HEALED fault event with
 * evidence, and a final observation listing every node's ids; then FINISHED with its manifest.
 * Every write reaches every node, so the verdict is PASS.
 */
public final class SyntheticCampaign {
  static final List<String> FAULTS = List.of("kill_primary_mid_write", "partition_minority");
  static final List<String> NODES = List.of("a", "b", "c");
  static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

  private final String campaignId;
  private final int cyclesPerFault;
  private final int writesPerCycle;
  /** When the campaign starts: its cycle c runs at {@code t0 + c} seconds. */
  private final Instant t0;
  private long seq;

  private SyntheticCampaign(String campaignId, int cyclesPerFault, int writesPerCycle,
      Instant t0) {
    this.campaignId = campaignId;
    this.cyclesPerFault = cyclesPerFault;
    this.writesPerCycle = writesPerCycle;
    this.t0 = t0;
  }

  /** A campaign of about {@code events} events (2 classes, {@code writesPerCycle} per cycle). */
  public static SyntheticCampaign ofEvents(String campaignId, long events, int writesPerCycle) {
    long perCycle = writesPerCycle + 3L;
    int cycles = (int) Math.max(1, (events - 2) / perCycle / FAULTS.size());
    return new SyntheticCampaign(campaignId, cycles, writesPerCycle, T0);
  }

  /** A campaign stamped in the past (a backlog: an import, a replay). */
  public static SyntheticCampaign of(String campaignId, int cyclesPerFault, int writesPerCycle) {
    return new SyntheticCampaign(campaignId, cyclesPerFault, writesPerCycle, T0);
  }

  /**
   * A campaign stamped as a driver publishing now would stamp it: its first cycle now, its
   * later cycles and its end a second apart after that.
   */
  public static SyntheticCampaign live(String campaignId, int cyclesPerFault,
      int writesPerCycle) {
    Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
    return new SyntheticCampaign(campaignId, cyclesPerFault, writesPerCycle,
        now.minusSeconds(1));
  }

  public String campaignId() {
    return campaignId;
  }

  /** Events this campaign publishes, STARTED and FINISHED included. */
  public long events() {
    return 2 + (long) FAULTS.size() * cyclesPerFault * (writesPerCycle + 3);
  }

  public int cyclesPerFault() {
    return cyclesPerFault;
  }

  /** Publishes STARTED. */
  public void start(EventPublisher out) {
    CampaignConfig config = CampaignConfig.newBuilder().setTargetName("synthetic")
        .setTargetVersion("bench").setPhasesEnabled(List.of(4)).setNodes(NODES)
        .setFaults(FAULTS).setCyclesPerFault(cyclesPerFault).setWritesPerCycle(writesPerCycle)
        .setThresholds(Thresholds.newBuilder().build()).build();
    send(out, CampaignEvent.newBuilder().setCampaignId(campaignId).setEventId(id("start"))
        .setEventTime(t0).setType(CampaignEventType.STARTED).setConfig(config).build());
  }

  /** Publishes every cycle of every class. */
  public void cycles(EventPublisher out) {
    for (int c = 1; c <= cyclesPerFault; c++) {
      for (String fault : FAULTS) {
        cycle(out, fault, c);
      }
    }
  }

  /** Publishes one cycle: the writes, the fault injected and healed, the final observation. */
  public void cycle(EventPublisher out, String fault, int cycle) {
    Instant at = t0.plusMillis((long) cycle * 1000);
    List<String> ids = new ArrayList<>(writesPerCycle);
    for (int w = 1; w <= writesPerCycle; w++) {
      String writeId = "c" + cycle + "-w" + w;
      ids.add(writeId);
      out.publish(WriteResult.newBuilder().setCampaignId(campaignId)
          .setEventId(id("w")).setEventTime(at.plusMillis(w)).setPhase(4).setFault(fault)
          .setCycle(cycle).setSeq(w).setWriteId(writeId).setNode("a").setStatus(201)
          .setOutcome(WriteOutcome.OK).setLatencyMs(3L).setAckTime(at.plusMillis(w)).build());
      if (w == writesPerCycle / 2) {
        fault(out, fault, cycle, FaultAction.INJECTED, at.plusMillis(w));
      }
    }
    fault(out, fault, cycle, FaultAction.HEALED, at.plusMillis(writesPerCycle + 1L));
    List<NodeObservation> nodes = new ArrayList<>();
    for (int i = 0; i < NODES.size(); i++) {
      nodes.add(NodeObservation.newBuilder().setNode(NODES.get(i)).setNodeIndex(i)
          .setCount((long) writesPerCycle).setRawCount(String.valueOf(writesPerCycle))
          .setIds(ids).build());
    }
    Instant observed = at.plusMillis(writesPerCycle + 2L);
    send(out, Observation.newBuilder().setCampaignId(campaignId).setEventId(id("o"))
        .setEventTime(observed).setPhase(4).setFault(fault).setCycle(cycle).setFinal$(true)
        .setCycleWrites((long) writesPerCycle).setNodes(nodes).build(), observed);
  }

  private void fault(EventPublisher out, String fault, int cycle, FaultAction action,
      Instant at) {
    boolean kill = fault.startsWith("kill");
    out.publish(FaultEvent.newBuilder().setCampaignId(campaignId)
        .setEventId(id("f")).setEventTime(at).setPhase(4).setFault(fault).setCycle(cycle)
        .setTargetNode(kill ? "a" : "c").setAction(action)
        .setMechanism(kill ? "SIGKILL" : "iptables")
        .setCommand(kill ? "kill -KILL 4242" : "iptables -I OUTPUT -m owner --uid-owner 1003 -j DROP")
        .setExitStatus(0)
        .setEvidence(action == FaultAction.INJECTED
            ? (kill ? "pid 4242 gone" : "-A OUTPUT -m owner --uid-owner 1003 -j DROP")
            : (kill ? "restarted: pid 4343 state Ssl" : "no rule listed"))
        .build());
  }

  /** Publishes FINISHED with the manifest of everything above. */
  public void finish(EventPublisher out) {
    Map<String, Long> manifest = new TreeMap<>();
    long cycles = (long) FAULTS.size() * cyclesPerFault;
    manifest.put("4/writes", cycles * writesPerCycle);
    manifest.put("4/faults", cycles * 2);
    manifest.put("4/observations", cycles);
    Instant at = t0.plusMillis((long) (cyclesPerFault + 1) * 1000);
    send(out, CampaignEvent.newBuilder().setCampaignId(campaignId).setEventId(id("finish"))
        .setEventTime(at).setType(CampaignEventType.FINISHED).setManifest(manifest).build());
  }

  private void send(EventPublisher out, CampaignEvent e) {
    out.send(Topics.CAMPAIGNS, campaignId, e, e.getEventTime());
  }

  private void send(EventPublisher out, Observation o, Instant at) {
    out.publish(o);
  }

  private String id(String kind) {
    return campaignId + "/" + kind + "/" + (++seq);
  }
}
