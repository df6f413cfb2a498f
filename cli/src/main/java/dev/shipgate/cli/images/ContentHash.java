package dev.shipgate.cli.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** SHA-256 of a directory tree: every regular file's relative path, mode bit x and bytes, in order. */
public final class ContentHash {
  private ContentHash() {}

  public static String of(Path dir, String... extra) {
    MessageDigest md = sha256();
    for (String e : extra) {
      md.update(e.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] buf = new byte[1 << 16];
    for (Path f : files) {
      md.update(dir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
      md.update((byte) (Files.isExecutable(f) ? 1 : 0));
      try (InputStream in = Files.newInputStream(f)) {
        for (int n; (n = in.read(buf)) > 0; ) {
          md.update(buf, 0, n);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      md.update((byte) 0);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** SHA-256 of a string, hex. */
  public static String sha256Hex(String s) {
    return HexFormat.of().formatHex(sha256().digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
