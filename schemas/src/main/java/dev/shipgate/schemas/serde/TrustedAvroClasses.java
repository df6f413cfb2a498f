package dev.shipgate.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Avro 1.12 refuses to instantiate generated classes outside a trusted list. shipgate's own
 * generated packages are trusted in addition to Avro's defaults and whatever the system
 * properties already allow; nothing else is. Building a record whose enum field keeps its default
 * needs this too, so {@code Topics} installs it when loaded.
 */
public final class TrustedAvroClasses {
  private TrustedAvroClasses() {}

  private static volatile boolean installed;

  /** Idempotent; called by the serdes, by {@code Topics} and by every entry point. */
  public static void install() {
    if (installed) {
      return;
    }
    synchronized (TrustedAvroClasses.class) {
      if (installed) {
        return;
      }
      ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
      ClassSecurityPredicate ours = c -> c.getName().startsWith("dev.shipgate.events.")
          || c.getName().startsWith("dev.shipgate.results.")
          || c.getName().startsWith("dev.shipgate.state.");
      ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous, ours));
      installed = true;
    }
  }
}
