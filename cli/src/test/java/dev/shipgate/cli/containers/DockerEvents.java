package dev.shipgate.cli.containers;

import dev.shipgate.cli.images.DockerEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** What the Docker engine says happened: here, whether anything pulled an image. */
public final class DockerEvents {
  private DockerEvents() {}

  /** Every image pull the engine logged since {@code since} (one line each). */
  public static List<String> pullsSince(Instant since) {
    DockerEngine.Result r = DockerEngine.run(List.of("docker", "events", "--since",
        String.valueOf(since.getEpochSecond()), "--until", String.valueOf(
            Instant.now().getEpochSecond() + 1), "--filter", "type=image", "--filter",
        "event=pull", "--format", "{{.Action}} {{.Actor.ID}}"), Map.of(), null,
        Duration.ofSeconds(30));
    if (r.code() != 0) {
      throw new IllegalStateException("docker events failed: " + r.output().strip());
    }
    return Arrays.stream(r.output().split("\n")).map(String::strip).filter(s -> !s.isEmpty())
        .toList();
  }
}
