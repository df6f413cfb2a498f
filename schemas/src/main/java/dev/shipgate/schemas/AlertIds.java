package dev.shipgate.schemas;

import dev.shipgate.results.Alert;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An alert's stable id: the first 16 bytes of a SHA-256 over what it says (campaign, kind, phase,
 * fault, gate, message) and its event time, in hex. The same alert from a replay or a retried
 * transaction has the same id, so a webhook receiver can drop duplicates by it.
 */
public final class AlertIds {
  private AlertIds() {}

  /** {@code alert} with its id set (kept when it has one). */
  public static Alert identified(Alert alert) {
    if (alert.getAlertId() == null || alert.getAlertId().isEmpty()) {
      alert.setAlertId(of(alert));
    }
    return alert;
  }

  public static String of(Alert a) {
    String text = String.join("\u0000", a.getCampaignId(), a.getKind().name(),
        String.valueOf(a.getPhase()), String.valueOf(a.getFault()), String.valueOf(a.getGate()),
        a.getMessage(), String.valueOf(a.getEventTime().toEpochMilli()));
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
