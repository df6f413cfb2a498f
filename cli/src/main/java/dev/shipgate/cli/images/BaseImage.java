package dev.shipgate.cli.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The root of every shipgate image, made without any image registry: {@code debootstrap
 * --variant=minbase} of Debian bookworm with a Java 17 runtime, from the Debian mirror this
 * machine's apt is configured with, its package caches removed, imported with {@code docker
 * import}. Needs root and debootstrap.
 */
final class BaseImage {
  static final String SUITE = "bookworm";
  static final List<String> PACKAGES = List.of("openjdk-17-jre-headless");
  private static final Pattern DEB822_URI = Pattern.compile("(?m)^URIs:\\s*(\\S+)");
  private static final Pattern ONE_LINE = Pattern.compile("(?m)^deb\\s+(?:\\[[^]]*]\\s+)?(\\S+)\\s+"
      + SUITE + "\\s");

  private BaseImage() {}

  /** What the image is made from: any change here makes a new image. */
  static String recipe() {
    return "debootstrap --variant=minbase --include=" + String.join(",", PACKAGES) + " " + SUITE
        + " (apt caches and lists removed) v1";
  }

  /**
   * The Debian mirror apt uses here, from {@code /etc/apt/sources.list.d/*.sources} (deb822) or
   * {@code /etc/apt/sources.list}; the first that serves the suite and is not a security mirror.
   */
  static Optional<String> mirror(Path etcApt) {
    List<Path> candidates = new java.util.ArrayList<>();
    Path d = etcApt.resolve("sources.list.d");
    if (Files.isDirectory(d)) {
      try (var s = Files.list(d)) {
        s.filter(p -> p.toString().endsWith(".sources") || p.toString().endsWith(".list"))
            .sorted().forEach(candidates::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    candidates.add(etcApt.resolve("sources.list"));
    for (Path p : candidates) {
      if (!Files.isRegularFile(p)) {
        continue;
      }
      String text;
      try {
        text = Files.readString(p);
      } catch (IOException e) {
        continue;
      }
      for (Pattern pat : List.of(DEB822_URI, ONE_LINE)) {
        Matcher m = pat.matcher(text);
        while (m.find()) {
          String uri = m.group(1);
          if (!uri.contains("security")) {
            return Optional.of(uri);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Makes the image {@code tag} under {@code work} (the root file system is deleted after). */
  static void build(String tag, Map<String, String> labels, Path work, DockerEngine docker,
      Path log) {
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new ImageException("the base image " + tag + " is made with debootstrap, which needs"
          + " root: run `./shipgate images build` as root");
    }
    if (!Files.isExecutable(Path.of("/usr/sbin/debootstrap"))) {
      throw new ImageException("the base image " + tag + " needs debootstrap: apt-get install -y"
          + " --no-install-recommends debootstrap");
    }
    String mirror = mirror(Path.of("/etc/apt")).orElseThrow(() -> new ImageException(
        "no Debian mirror for " + SUITE + " in /etc/apt/sources.list(.d): the base image is made"
            + " from the mirror apt uses"));
    Path rootfs = work.resolve("base-rootfs");
    try {
      deleteTree(rootfs);
      createDirectories(work);
      DockerEngine.Result r = DockerEngine.run(List.of("/usr/sbin/debootstrap",
              "--variant=minbase", "--include=" + String.join(",", PACKAGES), SUITE,
              rootfs.toString(), mirror), Map.of(), log, Duration.ofMinutes(20));
      if (r.code() != 0) {
        throw new ImageException("debootstrap " + SUITE + " from " + mirror + " failed (exit "
            + r.code() + "); see " + log + ": " + DockerEngine.lastLine(r.output()));
      }
      deleteChildren(rootfs.resolve("var/cache/apt/archives"), ".deb");
      deleteChildren(rootfs.resolve("var/lib/apt/lists"), "");
      docker.importRootfs(rootfs, tag, labels, log, Duration.ofMinutes(10));
    } finally {
      deleteTree(rootfs);
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteChildren(Path dir, String suffix) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var s = Files.list(dir)) {
      for (Path p : s.toList()) {
        if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(suffix)) {
          Files.delete(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    // a debootstrap tree holds device nodes and absolute symlinks: rm does not follow them
    DockerEngine.Result r = DockerEngine.run(List.of("rm", "-rf", "--one-file-system",
        dir.toString()), Map.of(), null, Duration.ofMinutes(5));
    if (r.code() != 0) {
      throw new ImageException("could not delete " + dir + ": " + DockerEngine.lastLine(r.output()));
    }
  }
}
