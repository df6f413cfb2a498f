package dev.shipgate.producer.check;

import java.time.Clock;
import java.util.Map;
import java.util.Set;

/** The built-in check profiles, by target name. */
public final class CheckProfiles {
  private CheckProfiles() {}

  public static final Set<String> NAMES = Set.of(AiMemoryCheckProfile.NAME, EtcdCheckProfile.NAME);

  /**
   * The profile for {@code target} with the campaign's check settings.
   *
   * @throws IllegalArgumentException naming the unknown profile and the known ones, or a bad setting
   */
  public static CheckProfile forTarget(String target, Map<String, String> settings, Clock clock) {
    if (AiMemoryCheckProfile.NAME.equals(target)) {
      return new AiMemoryCheckProfile(settings, clock);
    }
    if (EtcdCheckProfile.NAME.equals(target)) {
      return new EtcdCheckProfile(settings, clock);
    }
    throw new IllegalArgumentException("no check profile for target '" + target + "'; known: "
        + AiMemoryCheckProfile.NAME + ", " + EtcdCheckProfile.NAME);
  }
}
