package dev.shipgate.streams;

import dev.shipgate.events.CampaignConfig;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.state.CampaignBook;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Notes each open campaign's signs of life ({@link #alive}), and stalls and abandons the silent
 * campaigns of a task on Streams' wall-clock punctuation ({@link #check}): a campaign not judged
 * yet that has published nothing for its {@code stall_after_ms} raises
 * {@link AlertKind#CAMPAIGN_STALLED} (once, until it publishes again:
 * {@link AlertKind#CAMPAIGN_RESUMED}); one silent for {@code abandon_after_ms} is judged ABORTED
 * with the reason "driver silent since ..." and the faults it left applied
 * ({@link AlertKind#CAMPAIGN_ABANDONED}), so no verdict or release gate waits on it forever.
 *
 * <p>Silence is measured by {@link Liveness#silenceMs}; a campaign's open entry is dropped once
 * it is judged.
 */
final class SilenceWatch {
  /** stall_after when the STARTED config names none (or there is no STARTED event). */
  static final long DEFAULT_STALL_MS = 120_000;
  /** abandon_after when the STARTED config names none. */
  static final long DEFAULT_ABANDON_MS = 600_000;

  private final Evidence evidence;
  private final EvidenceStores.Opened stores;
  private final long watchingSinceMs;

  SilenceWatch(Evidence evidence, EvidenceStores.Opened stores, long watchingSinceMs) {
    this.evidence = evidence;
    this.stores = stores;
    this.watchingSinceMs = watchingSinceMs;
  }

  /** How often a campaign's sign of life is written. */
  private static final long MARK_EVERY_MS = 500;

  /** The signs of life since a campaign's last write: when it was written, what came since. */
  private static final class Mark {
    long writtenAt;
    long arrivalMs;
    long eventMs;
  }

  /** Per campaign, the sign of life last written by this task's judge and what came since. */
  private final Map<String, Mark> marked = new HashMap<>();

  /**
   * Notes that {@code campaign} published an event of time {@code eventMs} at {@code now}.
   * Written at most every {@value #MARK_EVERY_MS} ms per campaign (a stall is at least a second
   * of silence, so the first event after one is always written); the events in between are kept
   * in memory and counted by the next {@link #check}.
   *
   * @return the event time it had been silent since when it was found stalled, else -1
   */
  long alive(String campaign, long eventMs, long now) {
    Mark m = marked.get(campaign);
    if (m != null && now - m.writtenAt < MARK_EVERY_MS && now >= m.writtenAt) {
      m.arrivalMs = Math.max(m.arrivalMs, now);
      m.eventMs = Math.max(m.eventMs, eventMs);
      return -1;
    }
    if (marked.size() > 10_000) {
      marked.clear();
    }
    Mark fresh = new Mark();
    fresh.writtenAt = now;
    marked.put(campaign, fresh);
    Liveness l = Liveness.decode(stores.liveness().get(campaign));
    long stalledAt = l.stalledAtMs;
    long silentSince = l.eventMs;
    l.arrivalMs = now;
    l.eventMs = Math.max(l.eventMs, Math.max(eventMs, m == null ? 0 : m.eventMs));
    l.stalledAtMs = 0;
    stores.liveness().put(campaign, l.encode());
    return stalledAt != 0 ? silentSince : -1;
  }

  static long stallAfterMs(CampaignConfig config) {
    return config != null && config.getStallAfterMs() != null ? config.getStallAfterMs()
        : DEFAULT_STALL_MS;
  }

  static long abandonAfterMs(CampaignConfig config) {
    return config != null && config.getAbandonAfterMs() != null ? config.getAbandonAfterMs()
        : Math.max(DEFAULT_ABANDON_MS, stallAfterMs(config));
  }

  /** One punctuation: every open campaign of the task checked at {@code now}. */
  void check(long now) {
    List<KeyValue<String, byte[]>> open = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = stores.liveness().all()) {
      it.forEachRemaining(open::add);
    }
    for (KeyValue<String, byte[]> kv : open) {
      String campaign = kv.key;
      CampaignBook book = stores.books().get(campaign);
      if (book != null && book.getJudged()) {
        stores.liveness().delete(campaign);
        continue;
      }
      CampaignConfig config = book == null ? null : Evidence.config(book);
      Liveness l = Liveness.decode(kv.value);
      Mark since = marked.get(campaign);
      if (since != null) {
        // the events that came after the last write of its sign of life
        l.arrivalMs = Math.max(l.arrivalMs, since.arrivalMs);
        l.eventMs = Math.max(l.eventMs, since.eventMs);
      }
      long silence = l.silenceMs(now, watchingSinceMs);
      long abandonAfter = abandonAfterMs(config);
      long stallAfter = stallAfterMs(config);
      if (silence >= abandonAfter) {
        String reason = "driver silent since " + iso(l.eventMs) + " (nothing published for "
            + "abandon_after_ms " + abandonAfter + ")" + leftApplied(book);
        evidence.abandon(campaign, reason, l.eventMs);
        stores.liveness().delete(campaign);
      } else if (silence >= stallAfter && l.stalledAtMs == 0) {
        l.stalledAtMs = now;
        stores.liveness().put(campaign, l.encode());
        evidence.alert(campaign, Alert.newBuilder()
            .setCampaignId(campaign)
            .setKind(AlertKind.CAMPAIGN_STALLED)
            .setMessage("campaign " + campaign + " stalled: nothing published since "
                + iso(l.eventMs) + " (stall_after_ms " + stallAfter + "); judged ABORTED after"
                + " abandon_after_ms " + abandonAfter + " of silence" + leftApplied(book))
            .setEventTime(Instant.ofEpochMilli(l.eventMs))
            .build(), l.eventMs);
      }
    }
  }

  /** "; faults left applied: ..." from the campaign's injected-not-healed faults, or "". */
  static String leftApplied(CampaignBook book) {
    if (book == null || book.getOpenFaults().isEmpty()) {
      return "; none of the faults it published as applied is unhealed";
    }
    List<String> faults = new ArrayList<>();
    for (Map.Entry<String, Long> e : book.getOpenFaults().entrySet()) {
      faults.add(e.getKey() + " since " + iso(e.getValue()));
    }
    faults.sort(null);
    return "; faults left applied: " + String.join(", ", faults);
  }

  static String iso(long ms) {
    return Instant.ofEpochMilli(ms).truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
