package dev.shipgate.cli.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The local Docker engine, through the {@code docker} command (the engine here is 20.10 without
 * BuildKit: builds use the legacy builder). Never pulls: a build whose {@code FROM} image is
 * missing is refused before the engine could try to fetch it.
 */
public final class DockerEngine {
  private final String docker;

  public DockerEngine() {
    this("docker");
  }

  DockerEngine(String docker) {
    this.docker = docker;
  }

  /** The engine's version, or why it cannot be reached (in one line). */
  public Reachability reachability() {
    try {
      Result r = run(List.of(docker, "version", "--format", "{{.Server.Version}}"), Map.of(),
          null, Duration.ofSeconds(20));
      if (r.code() == 0 && !r.output().isBlank()) {
        return new Reachability(true, r.output().strip());
      }
      String why = r.output().strip();
      int nl = why.lastIndexOf('\n');
      return new Reachability(false, nl >= 0 ? why.substring(nl + 1) : why);
    } catch (UncheckedIOException e) {
      return new Reachability(false, "no `" + docker + "` command: " + e.getCause().getMessage());
    }
  }

  /** Whether the engine answers, and its version or the reason it does not. */
  public record Reachability(boolean up, String detail) {}

  /** The value of {@code label} on the local image {@code tag}; empty when the image is absent. */
  public Optional<String> imageLabel(String tag, String label) {
    Result r = run(List.of(docker, "image", "inspect", "--format",
        "{{index .Config.Labels \"" + label + "\"}}", tag), Map.of(), null, Duration.ofSeconds(30));
    return r.code() == 0 ? Optional.of(r.output().strip()) : Optional.empty();
  }

  /** The local image id of {@code tag}; empty when the image is absent. */
  public Optional<String> imageId(String tag) {
    Result r = run(List.of(docker, "image", "inspect", "--format", "{{.Id}}", tag), Map.of(), null,
        Duration.ofSeconds(30));
    return r.code() == 0 ? Optional.of(r.output().strip()) : Optional.empty();
  }

  /**
   * Removes the image {@code id} if no tag and no container uses it any more (what a rebuild
   * under the same tag leaves behind); an image still in use stays.
   */
  public void removeIfUnused(String id) {
    run(List.of(docker, "image", "rm", id), Map.of(), null, Duration.ofSeconds(60));
  }

  public boolean hasImage(String tag) {
    return run(List.of(docker, "image", "inspect", "--format", "{{.Id}}", tag), Map.of(), null,
        Duration.ofSeconds(30)).code() == 0;
  }

  /** The image's size in bytes as the engine reports it. */
  public long imageSize(String tag) {
    Result r = run(List.of(docker, "image", "inspect", "--format", "{{.Size}}", tag), Map.of(),
        null, Duration.ofSeconds(30));
    if (r.code() != 0) {
      throw new ImageException("no local image " + tag + ": " + r.output().strip());
    }
    return Long.parseLong(r.output().strip());
  }

  /**
   * {@code docker build} of {@code context} as {@code tag} with the given labels, the engine's
   * output going to {@code log}. The image named by the Dockerfile's {@code FROM} must be local.
   */
  public void build(Path context, String tag, String from, Map<String, String> labels, Path log,
      Duration timeout) {
    if (!hasImage(from)) {
      throw new ImageException("cannot build " + tag + ": its base image " + from
          + " is not local (build it first; shipgate never pulls)");
    }
    List<String> cmd = new ArrayList<>(List.of(docker, "build", "--pull=false", "--rm",
        "--force-rm", "-t", tag));
    labels.forEach((k, v) -> cmd.addAll(List.of("--label", k + "=" + v)));
    cmd.add(context.toString());
    Result r = run(cmd, Map.of("DOCKER_BUILDKIT", "0"), log, timeout);
    if (r.code() != 0) {
      throw new ImageException("docker build of " + tag + " failed (exit " + r.code() + "); see "
          + log + ": " + lastLine(r.output()));
    }
  }

  /** {@code tar -C rootfs -c . | docker import} as {@code tag}, with the given labels. */
  public void importRootfs(Path rootfs, String tag, Map<String, String> labels, Path log,
      Duration timeout) {
    StringBuilder changes = new StringBuilder();
    labels.forEach((k, v) -> changes.append(" --change ").append(quote("LABEL " + k + "=" + v)));
    String script = "set -o pipefail; tar -C " + quote(rootfs.toString()) + " -c . | " + docker
        + " import" + changes + " --change 'CMD [\"/bin/bash\"]' - " + quote(tag);
    Result r = run(List.of("/bin/bash", "-c", script), Map.of(), log, timeout);
    if (r.code() != 0) {
      throw new ImageException("docker import of " + tag + " failed (exit " + r.code() + "); see "
          + log + ": " + lastLine(r.output()));
    }
  }

  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  static String lastLine(String s) {
    String t = s.strip();
    int nl = t.lastIndexOf('\n');
    return nl >= 0 ? t.substring(nl + 1) : t;
  }

  /** The exit code and the combined output of one command. */
  public record Result(int code, String output) {}

  /** Runs {@code cmd}; output to {@code log} (appended) when given, and returned either way. */
  public static Result run(List<String> cmd, Map<String, String> env, Path log, Duration timeout) {
    try {
      Path out = Files.createTempFile("shipgate-docker", ".out");
      try {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(out.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
          throw new ImageException(String.join(" ", cmd.subList(0, Math.min(3, cmd.size())))
              + " did not finish within " + timeout.toSeconds() + " s");
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        if (log != null) {
          Files.createDirectories(log.getParent());
          Files.writeString(log, "$ " + String.join(" ", cmd) + "\n" + output,
              StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
              java.nio.file.StandardOpenOption.APPEND);
        }
        return new Result(p.exitValue(), output);
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageException("interrupted while running " + cmd.get(0));
    }
  }
}
