package dev.shipgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomeTest {

  @Test
  void shouldKeepTheClusterInTheCheckoutWhenEveryDirectoryAboveItIsOpen(@TempDir Path tmp)
      throws IOException {
    Path home = Files.createDirectories(tmp.resolve("open/shipgate"));
    Files.setPosixFilePermissions(tmp.resolve("open"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertEquals(home.resolve(".shipgate/cluster"), Home.clusterDir(home, tmp.resolve("spare")));
  }

  @Test
  void shouldMoveTheClusterOutOfACheckoutUnderAClosedDirectoryLikeRoot(@TempDir Path tmp)
      throws IOException {
    Path root = Files.createDirectories(tmp.resolve("root"));
    Path home = Files.createDirectories(root.resolve("shipgate"));
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
    Path dir = Home.clusterDir(home, tmp.resolve("spare"));
    assertTrue(dir.getFileName().toString().matches("shipgate-cluster-[0-9a-f]{8}"), dir.toString());
    assertEquals(tmp.resolve("spare"), dir.getParent());
    assertEquals(dir, Home.clusterDir(home, tmp.resolve("spare")), "the same place every time");
  }
}
