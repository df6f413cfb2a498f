package dev.shipgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shipgate.cli.containers.DockerEvents;
import dev.shipgate.cli.containers.RequiresDocker;
import dev.shipgate.cli.containers.TestImages;
import dev.shipgate.cli.images.DockerEngine;
import dev.shipgate.cli.io.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The top-level docker-compose.yml as a user brings it up ({@code docker-compose up
 * --exit-code-from driver}, v1): three brokers, the registry, two Streams instances, the sink, the
 * etcd target and the driver's campaign end with a final verdict in the bind-mounted runs/.
 */
@RequiresDocker
class ComposeContainerIT {
  static final Path HOME = Path.of(System.getProperty("shipgate.home", "..")).toAbsolutePath()
      .normalize();

  @Test
  void shouldEndWithAPassingVerdictAndItsRunPageInTheBindMountedRunsDirectory() throws Exception {
    Instant since = Instant.now();
    TestImages.ensureBuilt();
    Path project = Path.of("target", "it-compose").toAbsolutePath();
    FileTrees.delete(project);
    Files.createDirectories(project.resolve("runs"));
    Files.copy(HOME.resolve("docker-compose.yml"), project.resolve("docker-compose.yml"));
    FileTrees.copy(HOME.resolve("compose"), project.resolve("compose"));
    String id = "compose-it-" + since.getEpochSecond();
    List<String> compose = List.of("docker-compose", "-p", "shipgate-it", "--project-directory",
        project.toString(), "-f", project.resolve("docker-compose.yml").toString());
    Map<String, String> env = Map.of("CAMPAIGN_ID", id);
    long t0 = System.nanoTime();
    DockerEngine.Result up;
    try {
      up = DockerEngine.run(concat(compose, "up", "--exit-code-from", "driver", "--no-color"),
          env, project.resolve("compose-up.log"), Duration.ofMinutes(12));
    } finally {
      DockerEngine.run(concat(compose, "down", "-v", "--remove-orphans"), env,
          project.resolve("compose-down.log"), Duration.ofMinutes(3));
    }
    System.out.printf("[compose] up to verdict in %.1f s (log %s)%n",
        (System.nanoTime() - t0) / 1e9, project.resolve("compose-up.log"));
    String log = up.output();
    assertEquals(0, up.code(), "docker-compose up --exit-code-from driver; tail: "
        + log.substring(Math.max(0, log.length() - 3000)));
    assertTrue(log.contains("VERDICT: PASS (overall_pass=true)"), "the driver printed the verdict");
    Path run = project.resolve("runs").resolve(id);
    assertTrue(Files.exists(run.resolve("index.html")), "run page " + run.resolve("index.html"));
    JsonNode verdict = new ObjectMapper().readTree(run.resolve("shipgate-verdict.json").toFile());
    assertEquals("PASS", verdict.get("verdict").asText());
    assertEquals("FINISHED", verdict.get("state").asText());
    assertTrue(Files.exists(run.resolve("phase4-partition_minority.jsonl")));
    assertTrue(Files.readString(project.resolve("runs").resolve("index.html")).contains(id));
    assertEquals(List.of(), DockerEvents.pullsSince(since), "image pulls during compose up");
  }

  private static List<String> concat(List<String> base, String... more) {
    List<String> all = new java.util.ArrayList<>(base);
    all.addAll(List.of(more));
    return all;
  }
}
