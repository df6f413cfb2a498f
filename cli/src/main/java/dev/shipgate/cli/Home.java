package dev.shipgate.cli;

import dev.shipgate.cli.images.ContentHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;

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

  /** Where {@code shipgate cluster} and the demo keep the local cluster; see {@link #clusterDir(Path, Path)}. */
  public static Path clusterDir() {
    return clusterDir(dir(), Path.of("/var/tmp"));
  }

  /**
   * {@code <home>/.shipgate/cluster}, unless a directory above it is closed to other users (on a
   * fresh Debian machine /root is 0700, and a checkout under it is the first thing a newcomer
   * makes): each node's etcd runs as its own OS user and must reach its data directory, so the
   * cluster then lives under {@code <spare>/shipgate-cluster-<8 hex digits of the home's path>},
   * the same directory every time for the same checkout.
   */
  static Path clusterDir(Path home, Path spare) {
    Path preferred = home.resolve(".shipgate").resolve("cluster");
    for (Path p = home; p != null; p = p.getParent()) {
      if (!Files.exists(p)) {
        continue;
      }
      try {
        if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          return spare.resolve("shipgate-cluster-"
              + ContentHash.sha256Hex(home.toString()).substring(0, 8));
        }
      } catch (IOException | UnsupportedOperationException e) {
        return preferred;
      }
    }
    return preferred;
  }
}
