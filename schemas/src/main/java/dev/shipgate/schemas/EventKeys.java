package dev.shipgate.schemas;

import dev.shipgate.events.CheckResult;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.events.Observation;
import dev.shipgate.events.WriteResult;
import org.apache.avro.specific.SpecificRecord;

/**
 * The record key of an input event. A phase 4 event of one cycle (a write, a poll, a fault event
 * or the {@code phase4.cycle} check naming its fault class and cycle) is keyed
 * {@code <campaign>/<fault>/<cycle>}, so that one campaign's cycles spread over the topics'
 * partitions and the Streams tasks that judge them, each cycle's events in one partition, in
 * order; every other event is keyed by its campaign id (campaign ids cannot contain {@code /}).
 * Streams accepts either key for a cycle's event (topics written before cycle keys keep working).
 */
public final class EventKeys {
  private EventKeys() {}

  /** The key of an event of {@code campaign}: its cycle's when it has one (see the class doc). */
  public static String of(String campaign, int phase, String fault, Integer cycle) {
    return phase == 4 && fault != null && cycle != null
        ? campaign + "/" + fault + "/" + cycle : campaign;
  }

  public static String of(WriteResult w) {
    return of(w.getCampaignId(), w.getPhase(), w.getFault(), w.getCycle());
  }

  public static String of(Observation o) {
    return of(o.getCampaignId(), o.getPhase(), o.getFault(), o.getCycle());
  }

  public static String of(FaultEvent f) {
    return of(f.getCampaignId(), f.getPhase(), f.getFault(), f.getCycle());
  }

  /** A check's key: its cycle's for a {@code phase4.cycle} check, else its campaign id. */
  public static String of(CheckResult c) {
    return "phase4.cycle".equals(c.getCheck())
        ? of(c.getCampaignId(), c.getPhase(), c.getFault(), c.getCycle()) : c.getCampaignId();
  }

  /** The key of any input event (a campaign event's is its campaign id); null for another type. */
  public static String ofEvent(SpecificRecord event) {
    if (event instanceof WriteResult w) {
      return of(w);
    } else if (event instanceof Observation o) {
      return of(o);
    } else if (event instanceof FaultEvent f) {
      return of(f);
    } else if (event instanceof CheckResult c) {
      return of(c);
    }
    return null;
  }
}
