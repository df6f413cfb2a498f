package dev.shipgate.producer.check;

import dev.shipgate.producer.settings.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A profile's settings: {@code command.<check>} overrides a command template, the other keys are
 * the profile's variables and numbers. Unknown keys and overrides of unknown checks are refused.
 */
final class ProfileSettings {
  static final String COMMAND_PREFIX = "command.";

  private final String profile;
  private final Map<String, String> values;
  private final Settings numbers;

  ProfileSettings(String profile, Map<String, String> values, Set<String> knownKeys,
      List<CommandCheck> checks) {
    this.profile = profile;
    this.values = values == null ? Map.of() : values;
    this.numbers = new Settings(profile + " profile", this.values);
    Set<String> checkNames = new TreeSet<>();
    checks.forEach(c -> checkNames.add(c.name()));
    for (String key : this.values.keySet()) {
      if (key.startsWith(COMMAND_PREFIX)) {
        if (!checkNames.contains(key.substring(COMMAND_PREFIX.length()))) {
          throw new IllegalArgumentException(profile + " profile: no check named '"
              + key.substring(COMMAND_PREFIX.length()) + "' to override; checks: " + checkNames);
        }
      } else if (!knownKeys.contains(key)) {
        throw new IllegalArgumentException(profile + " profile: unknown setting '" + key
            + "'; known: " + new TreeSet<>(knownKeys) + " and command.<check> for " + checkNames);
      }
    }
  }

  /** {@code defaults} with the user's command overrides applied, by name, in order. */
  Map<String, CommandCheck> checks(List<CommandCheck> defaults) {
    Map<String, CommandCheck> out = new LinkedHashMap<>();
    for (CommandCheck c : defaults) {
      String override = values.get(COMMAND_PREFIX + c.name());
      out.put(c.name(), override == null || override.isBlank() ? c : c.withCommand(override));
    }
    return out;
  }

  static List<CommandCheck> list(Map<String, CommandCheck> checks) {
    return List.copyOf(new ArrayList<>(checks.values()));
  }

  String string(String key, String dflt) {
    return numbers.string(key, dflt);
  }

  long positive(String key, long dflt) {
    return numbers.positiveLong(key, dflt);
  }

  Duration millis(String key, Duration dflt) {
    return numbers.millis(key, dflt);
  }
}
