package dev.shipgate.cli;

import java.nio.file.Path;

/** Where shipgate is installed: -Dshipgate.home, $SHIPGATE_HOME, else the working directory. */
public final class Home {
  private Home() {}

  public static Path dir() {
    String p = System.getProperty("shipgate.home");
    if (p == null || p.isBlank()) {
      p = System.getenv("SHIPGATE_HOME");
    }
    return Path.of(p == null || p.isBlank() ? "." : p).toAbsolutePath().normalize();
  }
}
