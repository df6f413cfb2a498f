package dev.shipgate.producer.importer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an import may read: regular files and directories inside the import root, nothing a path
 * merely points at. A symbolic link is refused with a line naming it and its target unless the
 * import follows links ({@code --follow-symlinks}), and even then one that leads outside the root
 * (a link to {@code /proc/self/cmdline}, a directory link {@code loop -> ..}) is refused; FIFOs,
 * devices, sockets and dangling links are reported, never read and never skipped in silence.
 * Files are opened without following links and read up to a size limit, so an import never
 * blocks on a FIFO, never reads {@code /dev/zero} forever and never copies a file from elsewhere.
 *
 * <p>Each problem is reported once, however often its directory is listed.
 */
final class ImportTree {
  /** Largest JSON document (summary, phase file) an import reads: 16 MiB. */
  static final long MAX_JSON_BYTES = 16L << 20;
  /** Largest per-cycle JSONL file an import reads: 256 MiB (more than 10^6 cycles). */
  static final long MAX_JSONL_BYTES = 256L << 20;

  /**
   * A readable entry: a regular file or a directory, at {@code path} (under the root as the user
   * named it), read at {@code real} (its real path, inside the root's real path).
   */
  record Entry(Path path, Path real, boolean directory) {
    String name() {
      return path.getFileName().toString();
    }
  }

  private final Path given;
  private final Path root;
  private final boolean followSymlinks;
  private final ImportReport report;
  private final Map<Path, List<Entry>> listings = new HashMap<>();
  private final Set<Path> reported = new HashSet<>();

  /**
   * @param root the path the user named (followed once: it is the user's choice), a directory or
   *     a file
   */
  ImportTree(Path root, boolean followSymlinks, ImportReport report) throws IOException {
    this.given = root.toAbsolutePath().normalize();
    this.root = root.toRealPath();
    this.followSymlinks = followSymlinks;
    this.report = report;
  }

  Path root() {
    return root;
  }

  /** The root as an entry. */
  Entry rootEntry() {
    return new Entry(given, root, Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS));
  }

  /** How messages name {@code path}: relative to the root, or the root's own name. */
  String display(Path path) {
    if (path.equals(given)) {
      return path.getFileName() == null ? path.toString() : path.getFileName().toString();
    }
    return path.startsWith(given) ? given.relativize(path).toString() : path.toString();
  }

  /**
   * The regular files and directories of {@code dir}, sorted by name; every other entry is
   * reported once (an error naming it) and left out.
   */
  List<Entry> list(Entry dir) {
    List<Entry> cached = listings.get(dir.real());
    if (cached != null) {
      return cached;
    }
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir.real())) {
      stream.forEach(children::add);
    } catch (IOException e) {
      reportOnce(dir.path(), display(dir.path()) + ": cannot list: " + LocatedJson.oneLine(e.toString()));
      listings.put(dir.real(), List.of());
      return List.of();
    }
    children.sort(null);
    List<Entry> out = new ArrayList<>();
    for (Path child : children) {
      Path shown = dir.path().resolve(child.getFileName());
      Entry e = classify(child, shown);
      if (e != null) {
        out.add(e);
      }
    }
    listings.put(dir.real(), List.copyOf(out));
    return listings.get(dir.real());
  }

  private Entry classify(Path actual, Path shown) {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(actual, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      reportOnce(shown, display(shown) + ": cannot be read: " + LocatedJson.oneLine(e.toString()));
      return null;
    }
    if (attrs.isRegularFile()) {
      return new Entry(shown, actual, false);
    }
    if (attrs.isDirectory()) {
      return new Entry(shown, actual, true);
    }
    if (attrs.isSymbolicLink()) {
      return link(actual, shown);
    }
    reportOnce(shown, display(shown) + ": " + kind(actual) + ", not a regular file; not read");
    return null;
  }

  private Entry link(Path actual, Path shown) {
    String target;
    try {
      target = Files.readSymbolicLink(actual).toString();
    } catch (IOException e) {
      target = "?";
    }
    Path real;
    try {
      real = actual.toRealPath();
    } catch (IOException e) {
      reportOnce(shown, display(shown) + ": a dangling symbolic link (to " + target + "); not read");
      return null;
    }
    if (!followSymlinks) {
      reportOnce(shown, display(shown) + ": a symbolic link (to " + target + "); not followed"
          + " (--follow-symlinks follows links that stay inside " + root + ")");
      return null;
    }
    if (!real.startsWith(root)) {
      reportOnce(shown, display(shown) + ": a symbolic link to " + real + ", outside the import root "
          + root + "; refused");
      return null;
    }
    if (Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      return new Entry(shown, real, false);
    }
    if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      if (real.equals(root) || root.startsWith(real)) {
        reportOnce(shown, display(shown) + ": a symbolic link to " + real + ", a directory that holds"
            + " the import root (a loop); refused");
        return null;
      }
      return new Entry(shown, real, true);
    }
    reportOnce(shown, display(shown) + ": a symbolic link to " + real + ", " + kind(real)
        + ", not a regular file; not read");
    return null;
  }

  private static String kind(Path p) {
    try {
      Object type = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      int mode = type instanceof Integer i ? i : 0;
      switch (mode & 0170000) {
        case 0010000:
          return "a FIFO";
        case 0020000:
          return "a character device";
        case 0060000:
          return "a block device";
        case 0140000:
          return "a socket";
        default:
          return "a special file";
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "a special file";
    }
  }

  /**
   * The file's bytes, read without following links and at most {@code max} of them; null (after
   * reporting why) when it cannot be read or is larger.
   */
  byte[] read(Entry file, long max) {
    try (InputStream in = Files.newInputStream(file.real(), LinkOption.NOFOLLOW_LINKS)) {
      long size = Files.readAttributes(file.real(), BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS).size();
      if (size > max) {
        report.addError(tooLarge(file, max));
        return null;
      }
      // into an array of the file's size: a 250 MB file takes 250 MB, not the three times as
      // much of a growing buffer and its final copy
      byte[] content = new byte[(int) size];
      int n = in.readNBytes(content, 0, content.length);
      if (n < content.length) {
        return Arrays.copyOf(content, n); // it shrank while it was read
      }
      if (in.read() >= 0) {
        report.addError(display(file.path()) + ": grew while it was read; not read");
        return null;
      }
      return content;
    } catch (IOException e) {
      report.addError(display(file.path()) + ": cannot read: " + LocatedJson.oneLine(e.toString()));
      return null;
    }
  }

  private String tooLarge(Entry file, long max) {
    return display(file.path()) + ": larger than the " + max + " bytes an import reads from one"
        + " file; not read";
  }

  private void reportOnce(Path path, String message) {
    if (reported.add(path)) {
      report.addError(message);
    }
  }
}
