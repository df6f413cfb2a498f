package dev.shipgate.sink;

import dev.shipgate.events.FaultEvent;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.PhaseVerdict;
import dev.shipgate.results.VisibilitySummary;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;

/**
 * The latest record per topic and key, grouped by campaign: the in-memory image of the compacted
 * result topics; plus every fault event per campaign (the faults topic is an event log, not a
 * compacted table), one per event id. Not thread-safe; owned by the sink's polling thread.
 */
final class LatestRecords {
  private final Map<String, Map<String, SpecificRecord>> byCampaign = new HashMap<>();
  /** campaign → event id → fault event, in arrival order. */
  private final Map<String, Map<String, FaultEvent>> faults = new HashMap<>();
  /** topic + '\0' + key → campaign, so a tombstone (no value) finds its campaign. */
  private final Map<String, String> owner = new HashMap<>();

  /**
   * Cycles per campaign and fault class whose write points are kept (for the page's timeline);
   * later cycles' points are dropped on arrival, so the sink's memory does not grow with the
   * writes (every cycle's lists and counts are kept).
   */
  static final int CYCLES_WITH_POINTS = 100;
  private final Map<String, Integer> withPoints = new HashMap<>();

  /** Stores {@code value} as the latest of {@code topic}/{@code key}; returns its campaign. */
  String put(String topic, String key, String campaignId, SpecificRecord value) {
    String slot = topic + '\0' + key;
    if (value instanceof CycleConvergence c && !c.getPoints().isEmpty()
        && !owner.containsKey(slot)) {
      int kept = withPoints.merge(campaignId + '\0' + c.getFault(), 1, Integer::sum);
      if (kept > CYCLES_WITH_POINTS) {
        value = CycleConvergence.newBuilder(c).setPoints(List.of()).build();
      }
    }
    String previous = owner.put(slot, campaignId);
    if (previous != null && !previous.equals(campaignId)) {
      byCampaign.getOrDefault(previous, Map.of()).remove(slot);
    }
    byCampaign.computeIfAbsent(campaignId, c -> new LinkedHashMap<>()).put(slot, value);
    return campaignId;
  }

  /**
   * Keeps {@code event} unless an event with its id was already kept (a re-delivery).
   *
   * @return true when the event is new
   */
  boolean addFault(FaultEvent event) {
    return faults.computeIfAbsent(event.getCampaignId(), c -> new LinkedHashMap<>())
        .putIfAbsent(event.getEventId(), event) == null;
  }

  /** Forgets {@code topic}/{@code key} (a tombstone); returns its campaign, or null if unknown. */
  String remove(String topic, String key) {
    String slot = topic + '\0' + key;
    String campaignId = owner.remove(slot);
    if (campaignId != null) {
      byCampaign.getOrDefault(campaignId, new HashMap<>()).remove(slot);
    }
    return campaignId;
  }

  Set<String> campaigns() {
    Set<String> all = new TreeSet<>(byCampaign.keySet());
    all.addAll(faults.keySet());
    return all;
  }

  CampaignVerdict verdict(String campaignId) {
    return records(campaignId).stream().filter(CampaignVerdict.class::isInstance)
        .map(CampaignVerdict.class::cast).findFirst().orElse(null);
  }

  RunRecords runRecords(String campaignId) {
    List<PhaseVerdict> phases = new ArrayList<>();
    List<FaultBound> bounds = new ArrayList<>();
    List<CycleConvergence> cycles = new ArrayList<>();
    List<VisibilitySummary> visibility = new ArrayList<>();
    CampaignVerdict verdict = null;
    for (SpecificRecord r : records(campaignId)) {
      if (r instanceof CampaignVerdict v) {
        verdict = v;
      } else if (r instanceof PhaseVerdict p) {
        phases.add(p);
      } else if (r instanceof FaultBound b) {
        bounds.add(b);
      } else if (r instanceof CycleConvergence c) {
        cycles.add(c);
      } else if (r instanceof VisibilitySummary v) {
        visibility.add(v);
      }
    }
    List<FaultEvent> events = new ArrayList<>(
        faults.getOrDefault(campaignId, Map.of()).values());
    return new RunRecords(campaignId, verdict, phases, bounds, cycles, events, visibility);
  }

  private Collection<SpecificRecord> records(String campaignId) {
    return byCampaign.getOrDefault(campaignId, Map.of()).values();
  }
}
