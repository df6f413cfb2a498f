package dev.shipgate.producer.target;

import java.util.List;
import java.util.Map;

/** Creates the adapter a campaign names. */
public final class TargetAdapters {

  /** Target names, as written in campaign files and events. */
  public static final List<String> KNOWN = List.of("etcd", "redis", "ai-memory");

  private TargetAdapters() {}

  /**
   * The adapter for {@code name}, configured from {@code settings} (each adapter's
   * {@code fromSettings} documents its keys; keys it does not use are ignored).
   *
   * @throws IllegalArgumentException with a one-line message for an unknown target or a bad
   *     setting
   */
  public static TargetAdapter create(String name, Map<String, String> settings) {
    Map<String, String> s = settings == null ? Map.of() : settings;
    return switch (name == null ? "" : name) {
      case "etcd" -> EtcdAdapter.fromSettings(s);
      case "redis" -> RedisAdapter.fromSettings(s);
      case "ai-memory" -> AiMemoryAdapter.fromSettings(s);
      default -> throw new IllegalArgumentException("unknown target '" + name
          + "'; known targets: " + String.join(", ", KNOWN));
    };
  }
}
