package dev.shipgate.schemas;

import java.util.regex.Pattern;

/**
 * A campaign id becomes a directory name under {@code runs/}: it is validated, never trusted.
 */
public final class CampaignIds {
  private CampaignIds() {}

  public static final Pattern PATTERN = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");

  public static boolean isValid(String id) {
    return id != null && PATTERN.matcher(id).matches();
  }

  /**
   * Returns {@code id} when valid, else throws with a one-line message naming the field and value.
   */
  public static String require(String id) {
    if (!isValid(id)) {
      throw new IllegalArgumentException(problem(id));
    }
    return id;
  }

  /** The one-line message for an invalid id. */
  public static String problem(String id) {
    return "campaign_id " + (id == null ? "null" : "'" + printable(id) + "'")
        + " is invalid: expected " + PATTERN.pattern();
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().limit(160).forEach(c -> {
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\u%04x", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return s.length() > 160 ? b + "..." : b.toString();
  }
}
