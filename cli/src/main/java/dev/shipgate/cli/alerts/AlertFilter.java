package dev.shipgate.cli.alerts;

import dev.shipgate.cli.ShipgateException;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Which alerts a command passes on: {@code --kind} (any of) and {@code --campaign} (exactly). */
public final class AlertFilter {
  private final Set<AlertKind> kinds;
  private final String campaignId;

  /** @param kinds the kinds passed on, empty for all; @param campaignId null for any */
  public AlertFilter(Set<AlertKind> kinds, String campaignId) {
    this.kinds = kinds.isEmpty() ? EnumSet.allOf(AlertKind.class) : EnumSet.copyOf(kinds);
    this.campaignId = campaignId;
  }

  /**
   * The filter of the options as typed: {@code --kind} values (each one kind or a comma-separated
   * list, case-insensitive) and {@code --campaign}.
   *
   * @throws ShipgateException (exit 2) naming the value and the valid kinds, for an unknown kind
   */
  public static AlertFilter of(List<String> kindOptions, String campaignId) {
    return new AlertFilter(parseKinds(kindOptions), campaignId == null || campaignId.isBlank()
        ? null : campaignId);
  }

  static Set<AlertKind> parseKinds(List<String> kindOptions) {
    Set<AlertKind> kinds = EnumSet.noneOf(AlertKind.class);
    if (kindOptions == null) {
      return kinds;
    }
    for (String option : kindOptions) {
      for (String item : option.split(",", -1)) {
        String name = item.trim().toUpperCase(Locale.ROOT);
        try {
          kinds.add(AlertKind.valueOf(name));
        } catch (IllegalArgumentException e) {
          throw new ShipgateException("--kind " + (item.isBlank() ? "'" + option + "'" : item.trim())
              + ": not an alert kind; valid kinds: " + validKinds());
        }
      }
    }
    return kinds;
  }

  /** The kinds, comma-separated, in the schema's order. */
  public static String validKinds() {
    return Arrays.stream(AlertKind.values()).map(Enum::name).collect(Collectors.joining(", "));
  }

  public boolean accepts(Alert alert) {
    return kinds.contains(alert.getKind())
        && (campaignId == null || campaignId.equals(alert.getCampaignId()));
  }

  /** For a start line: {@code kinds all, any campaign} or the values. */
  public String describe() {
    String k = kinds.size() == AlertKind.values().length ? "all kinds"
        : "kinds " + kinds.stream().map(Enum::name).collect(Collectors.joining(","));
    return k + ", " + (campaignId == null ? "any campaign" : "campaign " + campaignId);
  }
}
