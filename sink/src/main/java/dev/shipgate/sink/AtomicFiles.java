package dev.shipgate.sink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.Arrays;

/**
 * Writes files the way a reader never sees half of one: a temporary file in the same directory,
 * then an atomic rename over the target. A file whose content is already current is not touched,
 * so its modification time says when it last changed.
 */
final class AtomicFiles {
  private AtomicFiles() {}

  private static final Set<PosixFilePermission> READABLE =
      PosixFilePermissions.fromString("rw-r--r--");

  /** Writes {@code content} to {@code target}; returns false when it already held exactly that. */
  static boolean write(Path target, byte[] content) throws IOException {
    if (Files.isRegularFile(target) && Files.size(target) == content.length
        && Arrays.equals(Files.readAllBytes(target), content)) {
      return false;
    }
    Path dir = target.getParent();
    Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      Files.write(temp, content);
      if (temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        // createTempFile makes owner-only files; artifacts are meant to be read (and served).
        Files.setPosixFilePermissions(temp, READABLE);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    return true;
  }
}
