package dev.shipgate.cli.alerts;

import dev.shipgate.results.Alert;
import dev.shipgate.schemas.JsonRecords;
import java.nio.charset.StandardCharsets;

/**
 * An alert as one line of text: for people,
 * {@code <event_time> <KIND> <campaign_id>[ phase N][ fault F][ gate G]: <message>}, or as one
 * JSON object with every field of the record ({@link JsonRecords}: nulls as {@code null}, the
 * event time as an ISO-8601 instant). Control characters in the record's strings (a line break in
 * a message, a terminal escape) become spaces in the human line, so one alert is one line.
 */
public final class AlertLine {
  private AlertLine() {}

  public static String human(Alert a) {
    StringBuilder s = new StringBuilder();
    s.append(a.getEventTime()).append(' ').append(a.getKind()).append(' ')
        .append(clean(a.getCampaignId()));
    if (a.getPhase() != null) {
      s.append(" phase ").append(a.getPhase());
    }
    if (a.getFault() != null) {
      s.append(" fault ").append(clean(a.getFault()));
    }
    if (a.getGate() != null) {
      s.append(" gate ").append(clean(a.getGate()));
    }
    return s.append(": ").append(clean(a.getMessage())).toString();
  }

  /** Every field as one JSON object on one line (JSON escapes line breaks in strings). */
  public static String json(Alert a) {
    return JsonRecords.text(JsonRecords.toJson(a));
  }

  /** The UTF-8 bytes of {@link #json}: the webhook's request body. */
  public static byte[] jsonBytes(Alert a) {
    return json(a).getBytes(StandardCharsets.UTF_8);
  }

  /** {@code s} with each run of control characters as one space, trimmed. */
  static String clean(String s) {
    return s == null ? "" : s.replaceAll("[\\p{Cc}\\u2028\\u2029]+", " ").trim();
  }
}
