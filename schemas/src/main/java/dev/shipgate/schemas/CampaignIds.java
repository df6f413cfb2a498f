package dev.shipgate.schemas;

import java.util.regex.Pattern;

/**
 * A campaign id becomes a directory name under {@code runs/}: it is validated, never trusted.
 */
public final class CampaignIds {
  private CampaignIds() {}

  public static final Pattern PATTERN = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");

  /**
   * True when {@code id} matches {@link #PATTERN}; checked character by character, because every
   * input event's id is checked (the regex matcher was about 1 % of the stream thread).
   */
  public static boolean isValid(String id) {
    if (id == null || id.isEmpty() || id.length() > 128 || !alphanumeric(id.charAt(0))) {
      return false;
    }
    for (int i = 1; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!alphanumeric(c) && c != '.' && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean alphanumeric(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
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
