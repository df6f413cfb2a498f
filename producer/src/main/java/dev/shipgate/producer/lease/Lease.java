package dev.shipgate.producer.lease;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A driver's claim on three nodes while its campaign runs, kept as one JSON line in a file on
 * every node: the campaign, the driver process, when it started and last renewed the claim, and
 * the faults it has applied and not yet healed.
 *
 * <p>A lease is <em>fresh</em> while its driver runs: known alive on this host (PID and start
 * time), or renewed within the TTL when it ran elsewhere. A lease that is not fresh was left by a
 * driver that died; the next driver heals what it lists ({@link Recovery}).
 */
public record Lease(@JsonProperty("campaign_id") String campaignId,
    @JsonProperty("driver") DriverIdentity driver,
    @JsonProperty("started_at") Instant startedAt,
    @JsonProperty("renewed_at") Instant renewedAt,
    @JsonProperty("faults") List<LeasedFault> faults) {

  static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public Lease {
    faults = faults == null ? List.of() : List.copyOf(faults);
  }

  Lease withFaults(List<LeasedFault> faults, Instant renewed) {
    return new Lease(campaignId, driver, startedAt, renewed, faults);
  }

  /**
   * Whether the driver of this lease still runs, as far as {@code me} can tell: its PID on this
   * host, else its last renewal within {@code ttl} of {@code now}.
   */
  public boolean fresh(DriverIdentity me, Instant now, Duration ttl) {
    Boolean alive = me.knowsAlive(driver);
    if (alive != null) {
      return alive;
    }
    return renewedAt != null && renewedAt.plus(ttl).isAfter(now);
  }

  /** For messages: "campaign X (driver pid 123 on host h, renewed 4 s ago)". */
  public String describe(Instant now) {
    String renewed = renewedAt == null ? "never renewed"
        : "renewed " + Math.max(0, Duration.between(renewedAt, now).toSeconds()) + " s ago";
    return "campaign " + campaignId + " (driver pid " + driver.pid() + " on host "
        + driver.host() + ", " + renewed + ")";
  }

  String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** @throws IllegalArgumentException with a one-line reason when {@code text} is no lease */
  static Lease parse(String text) {
    try {
      Lease lease = JSON.readValue(text, Lease.class);
      if (lease.campaignId() == null || lease.driver() == null) {
        throw new IllegalArgumentException("no campaign_id or driver");
      }
      return lease;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage().replaceAll("\\s+", " "));
    }
  }
}
