package dev.shipgate.cli.images;

import dev.shipgate.cli.io.FileTrees;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Builds shipgate's images on the local engine, each only when what it is made from changed: the
 * base (debootstrap), the chaos target (etcd, sshd, iptables), the Kafka broker and the schema
 * registry from the project's own jars, and shipgate itself. An image is cached by the SHA-256 of
 * its build context plus its parent's hash, kept in the image's {@value ImageNames#CONTENT_LABEL}
 * label.
 */
public final class LocalImages {

  /** One image: its tag, the image it is built {@code FROM}, and how its context is filled. */
  private record Recipe(String key, String tag, String from, ContextFiller filler) {}

  @FunctionalInterface
  private interface ContextFiller {
    void fill(Path context) throws IOException;
  }

  /** What became of one image. */
  public record Outcome(String tag, boolean cached, Duration took, long sizeBytes, String hash) {}

  private final Path home;
  private final Path work;
  private final DockerEngine docker;
  private final ImageNames names;
  private final PrintStream out;

  /**
   * @param home a built checkout (broker/target, registry/target, cli/target, images/, samples/)
   * @param work where contexts and build logs go
   */
  public LocalImages(Path home, Path work, DockerEngine docker, ImageNames names, PrintStream out) {
    this.home = home;
    this.work = work;
    this.docker = docker;
    this.names = names;
    this.out = out;
  }

  /** The tags, in build order. */
  public List<String> tags() {
    return recipes().stream().map(Recipe::tag).toList();
  }

  /** Builds every image that is missing or stale, in order; prints a line per image. */
  public List<Outcome> build() {
    List<Outcome> outcomes = new ArrayList<>();
    Map<String, String> hashes = new LinkedHashMap<>();
    String baseHash = ContentHash.sha256Hex(BaseImage.recipe());
    hashes.put(ImageNames.BASE, baseHash);
    outcomes.add(ensure(ImageNames.BASE, baseHash, () -> BaseImage.build(ImageNames.BASE,
        labels(baseHash), work, docker, work.resolve("logs").resolve("base.log"))));
    for (Recipe r : recipes()) {
      Path context = work.resolve(r.key()).resolve("context");
      try {
        BaseImage.deleteTree(context);
        Files.createDirectories(context);
        copyTree(home.resolve("images").resolve(r.key()), context);
        r.filler().fill(context);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      String hash = ContentHash.of(context, "from " + r.from() + " " + hashes.get(r.from()));
      hashes.put(r.tag(), hash);
      outcomes.add(ensure(r.tag(), hash, () -> docker.build(context, r.tag(), r.from(),
          labels(hash), work.resolve("logs").resolve(r.key() + ".log"), Duration.ofMinutes(20))));
    }
    return outcomes;
  }

  private Outcome ensure(String tag, String hash, Runnable make) {
    long t0 = System.nanoTime();
    boolean cached = docker.imageLabel(tag, ImageNames.CONTENT_LABEL).map(hash::equals)
        .orElse(false);
    if (!cached) {
      out.printf("images: building %s ...%n", tag);
      java.util.Optional<String> before = docker.imageId(tag);
      make.run();
      // the image the tag named before is dangling now: each would keep its own top layer
      before.filter(id -> !id.equals(docker.imageId(tag).orElse(id)))
          .ifPresent(docker::removeIfUnused);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    long size = docker.imageSize(tag);
    out.printf("images: %-32s %s %6.1f s %5d MB  sha256 %s%n", tag, cached ? "cached " : "built  ",
        took.toMillis() / 1000.0, size / 1_000_000, hash.substring(0, 12));
    return new Outcome(tag, cached, took, size, hash);
  }

  private static Map<String, String> labels(String hash) {
    return Map.of(ImageNames.LABEL, "true", ImageNames.CONTENT_LABEL, hash);
  }

  private List<Recipe> recipes() {
    return List.of(
        new Recipe("chaos-target", ImageNames.TARGET, ImageNames.BASE, ctx -> { }),
        new Recipe("kafka", names.kafka(), ImageNames.BASE,
            ctx -> linkAll(brokerJars(), ctx.resolve("libs"))),
        new Recipe("registry", names.registry(), ImageNames.BASE,
            ctx -> copyTree(registryApp(), ctx.resolve("quarkus-app"))),
        new Recipe("shipgate", names.shipgate(), ImageNames.TARGET, this::fillShipgate));
  }

  /** /opt/shipgate laid out as a built checkout, so Home-relative paths hold inside the image. */
  private void fillShipgate(Path ctx) throws IOException {
    Path opt = ctx.resolve("opt");
    List<Path> cli = new ArrayList<>();
    cli.add(cliJar());
    cli.addAll(classpath(home.resolve("cli/target/runtime.classpath")));
    linkAll(cli, opt.resolve("lib"));
    Files.createDirectories(opt.resolve("conf"));
    Files.copy(home.resolve("cli/target/classes/log4j2-cli.properties"),
        opt.resolve("conf/log4j2-cli.properties"));
    copyTree(home.resolve("samples"), opt.resolve("samples"));
    List<Path> broker = brokerJars();
    linkAll(broker, opt.resolve("broker/lib"));
    Path bt = Files.createDirectories(opt.resolve("broker/target"));
    Files.writeString(bt.resolve("broker.classpath"), String.join(":", broker.stream()
        .map(p -> "/opt/shipgate/broker/lib/" + p.getFileName()).toList()));
    Files.copy(home.resolve("broker/target/broker-log4j2.properties"),
        bt.resolve("broker-log4j2.properties"));
    copyTree(registryApp(), opt.resolve("registry/target/quarkus-app"));
  }

  private Path cliJar() throws IOException {
    try (Stream<Path> s = Files.list(home.resolve("cli/target"))) {
      return s.filter(p -> {
        String n = p.getFileName().toString();
        return n.startsWith("shipgate-cli-") && n.endsWith(".jar") && !n.endsWith("-sources.jar")
            && !n.endsWith("-tests.jar");
      }).findFirst().orElseThrow(() -> new ImageException("no cli/target/shipgate-cli-*.jar under "
          + home + ": build first (mvn -DskipTests install)"));
    }
  }

  private List<Path> brokerJars() throws IOException {
    return classpath(home.resolve("broker/target/broker.classpath"));
  }

  private Path registryApp() {
    Path app = home.resolve("registry/target/quarkus-app");
    if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
      throw new ImageException("no " + app.resolve("quarkus-run.jar") + ": build first (mvn"
          + " -DskipTests install)");
    }
    return app;
  }

  private static List<Path> classpath(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ImageException("no " + file + ": build first (mvn -DskipTests install)");
    }
    return Arrays.stream(Files.readString(file).strip().split(":")).filter(s -> !s.isBlank())
        .map(Path::of).toList();
  }

  /** Puts each file into {@code dir} under its own name: a hard link where possible, else a copy. */
  private static void linkAll(List<Path> files, Path dir) throws IOException {
    Files.createDirectories(dir);
    for (Path f : files) {
      Path to = dir.resolve(f.getFileName());
      try {
        Files.createLink(to, f);
      } catch (FileAlreadyExistsException e) {
        throw new ImageException("two jars named " + f.getFileName() + " on one classpath");
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from)) {
      throw new ImageException("no directory " + from);
    }
    FileTrees.copy(from, to);
  }
}
