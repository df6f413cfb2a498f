package dev.shipgate.streams;

import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.Thresholds;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * What a re-analysis changes on the way in: only one campaign's events are judged, optionally
 * under another campaign id, with thresholds of the analyst's choosing instead of the ones the
 * campaign started with. The live application uses {@link #NONE}.
 *
 * @param campaign the campaign to judge, null for every campaign
 * @param renameTo the id its outputs carry, null to keep it
 * @param convergenceMin threshold override, null to keep the campaign's
 * @param wilsonZ Wilson confidence z override, null to keep the campaign's
 */
public record Reanalysis(String campaign, String renameTo, String convergenceMin,
    Double wilsonZ) {

  /** The live application: every campaign as it was run. */
  public static final Reanalysis NONE = new Reanalysis(null, null, null, null);

  /** Whether {@code campaignId}'s events are judged. */
  boolean includes(String campaignId) {
    return campaign == null || campaign.equals(campaignId);
  }

  /**
   * The key, as its input topics had it, of the campaign judged as {@code judgedId}: the campaign's
   * own id when it is judged under another, so that what the cycle tasks report of it meets its
   * campaign events (read by that key) in one task of the judge.
   */
  String inputKeyOf(String judgedId) {
    return renameTo != null && renameTo.equals(judgedId) ? campaign : judgedId;
  }

  /** The event as this re-analysis judges it (a copy when anything changes). */
  <V extends SpecificRecord> V apply(V value) {
    if (renameTo == null && convergenceMin == null && wilsonZ == null) {
      return value;
    }
    @SuppressWarnings("unchecked")
    V copy = (V) ((SpecificRecordBase) value).getSpecificData().deepCopy(value.getSchema(), value);
    if (renameTo != null) {
      ((SpecificRecordBase) copy).put("campaign_id", renameTo);
    }
    if (copy instanceof CampaignEvent e && e.getType() == CampaignEventType.STARTED
        && e.getConfig() != null) {
      CampaignConfig c = e.getConfig();
      Thresholds t = Thresholds.newBuilder(c.getThresholds()).build();
      if (convergenceMin != null) {
        t.setConvergenceMin(convergenceMin);
      }
      if (wilsonZ != null) {
        t.setWilsonConfidenceZ(wilsonZ);
      }
      c.setThresholds(t);
    }
    return copy;
  }

  @Override
  public String toString() {
    return "Reanalysis{campaign=" + Objects.toString(campaign, "*") + ", as="
        + Objects.toString(renameTo, "-") + ", convergence_min="
        + Objects.toString(convergenceMin, "(campaign's)") + ", wilson_z="
        + Objects.toString(wilsonZ, "(campaign's)") + "}";
  }
}
