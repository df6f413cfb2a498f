package dev.shipgate.cli.containers;

import dev.shipgate.cli.images.DockerEngine;
import dev.shipgate.cli.images.ImageNames;
import dev.shipgate.cli.images.LocalImages;
import java.nio.file.Path;

/** Builds the local images once per test JVM (each only when its content changed). */
public final class TestImages {
  private static ImageNames names;

  private TestImages() {}

  public static synchronized ImageNames ensureBuilt() {
    if (names == null) {
      Path home = Path.of(System.getProperty("shipgate.home", "..")).toAbsolutePath().normalize();
      ImageNames n = ImageNames.current();
      new LocalImages(home, home.resolve(".shipgate").resolve("images"), new DockerEngine(), n,
          System.out).build();
      names = n;
    }
    return names;
  }
}
