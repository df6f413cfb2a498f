package dev.shipgate.producer.fault;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The fault classes the driver knows, by the name used in campaigns and events, each with the
 * factory of its {@link FaultSpec} from the class's settings (strings, as a campaign file gives
 * them; each spec documents its keys and refuses unknown ones).
 */
public final class FaultCatalog {
  private final Map<String, Function<Map<String, String>, FaultSpec>> factories;

  private FaultCatalog(Map<String, Function<Map<String, String>, FaultSpec>> factories) {
    this.factories = Collections.unmodifiableMap(new LinkedHashMap<>(factories));
  }

  /** The four classes of the seed, in its run order. */
  public static FaultCatalog builtIn() {
    Map<String, Function<Map<String, String>, FaultSpec>> f = new LinkedHashMap<>();
    f.put(KillPrimaryFaultSpec.FAULT_CLASS, KillPrimaryFaultSpec::fromSettings);
    f.put(PartitionMinorityFaultSpec.FAULT_CLASS, PartitionMinorityFaultSpec::fromSettings);
    f.put(PausePeerFaultSpec.FAULT_CLASS, PausePeerFaultSpec::fromSettings);
    f.put(ClockSkewFaultSpec.FAULT_CLASS, ClockSkewFaultSpec::fromSettings);
    return new FaultCatalog(f);
  }

  /** Known class names, in the seed's run order. */
  public Set<String> faultClasses() {
    return factories.keySet();
  }

  /**
   * The spec of {@code faultClass} with {@code settings} (null or empty: defaults).
   *
   * @throws IllegalArgumentException naming the unknown class and the known ones, or a bad setting
   */
  public FaultSpec create(String faultClass, Map<String, String> settings) {
    Function<Map<String, String>, FaultSpec> factory =
        faultClass == null ? null : factories.get(faultClass);
    if (factory == null) {
      throw new IllegalArgumentException("unknown fault class '" + faultClass + "'; known: "
          + String.join(", ", new TreeSet<>(factories.keySet())));
    }
    return factory.apply(settings == null ? Map.of() : settings);
  }
}
