package dev.shipgate.cli;

import dev.shipgate.cli.images.DockerEngine;
import dev.shipgate.cli.images.ImageNames;
import dev.shipgate.cli.images.LocalImages;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code shipgate images}: shipgate's container images, built here (nothing is ever pulled). */
@Command(name = "images", mixinStandardHelpOptions = true,
    description = "Container images for docker-compose.yml and the container tests, built on the"
        + " local Docker engine from Debian packages and this checkout's own jars; no image is"
        + " ever pulled.",
    subcommands = {ImagesCommand.Build.class, ImagesCommand.ListImages.class})
public final class ImagesCommand implements Runnable {

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
        "images needs a subcommand: build or list");
  }

  static LocalImages images() {
    Path home = Home.dir();
    return new LocalImages(home, home.resolve(".shipgate").resolve("images"), engine(),
        ImageNames.current(), System.out);
  }

  static DockerEngine engine() {
    DockerEngine docker = new DockerEngine();
    DockerEngine.Reachability r = docker.reachability();
    if (!r.up()) {
      throw new ShipgateException("no Docker engine answers (" + r.detail() + "); start one as"
          + " root, e.g. `dockerd >/var/log/dockerd.log 2>&1 &`, then retry");
    }
    return docker;
  }

  @Command(name = "build", mixinStandardHelpOptions = true,
      description = {"Builds the base image (debootstrap of Debian bookworm with a Java 17"
          + " runtime; needs root), the chaos target (etcd, sshd, iptables), the Kafka broker, the"
          + " schema registry and shipgate (commands streams, sink, run, import, demo), each only"
          + " when what it is made from changed. Prints name, size and time per image.",
          "Needs a built checkout (the launcher builds it)."})
  static final class Build implements Callable<Integer> {
    @Override
    public Integer call() {
      long t0 = System.nanoTime();
      var outcomes = images().build();
      long built = outcomes.stream().filter(o -> !o.cached()).count();
      System.out.printf("images: %d built, %d cached, in %.1f s%n", built,
          outcomes.size() - built, (System.nanoTime() - t0) / 1e9);
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "The image tags shipgate builds, in build order.")
  static final class ListImages implements Callable<Integer> {
    @Override
    public Integer call() {
      java.util.List<String> tags = new java.util.ArrayList<>();
      tags.add(ImageNames.BASE);
      tags.addAll(new LocalImages(Home.dir(), Home.dir().resolve(".shipgate/images"),
          new DockerEngine(), ImageNames.current(), System.out).tags());
      tags.forEach(System.out::println);
      return ExitCodes.OK;
    }
  }
}
