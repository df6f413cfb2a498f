package dev.shipgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.cli.stack.LocalStack;
import dev.shipgate.cli.stack.StackConfig;
import dev.shipgate.schemas.SeedJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The README's first command, on a stack of its own: a verdict table and a run page. */
class DemoIT {
  static final Path WORK = Path.of("target", "it-demo");
  static LocalStack stack;

  @AfterAll
  static void stopTheStack() {
    if (stack != null) {
      stack.down();
    }
  }

  @Test
  void shouldEndInTheSamplesVerdictAndARunPage() throws Exception {
    ReferenceRunsIT.deleteRecursively(WORK);
    StackConfig config = StackConfig.forTests(WORK.resolve("stack").toAbsolutePath(), 23092,
        23093, 23081);
    stack = new LocalStack(config);
    DemoCommand demo = new DemoCommand();
    demo.stackConfig = config;
    Path runs = WORK.resolve("runs").toAbsolutePath();
    Path sample = Path.of("..", "samples", "demo-campaign").toAbsolutePath().normalize();

    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int code;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      code = new CommandLine(demo).execute("--import-sample", "--sample", sample.toString(), "--runs-dir",
          runs.toString(), "--campaign-id", "demo-it", "--timeout", "90");
    } finally {
      System.setOut(stdout);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    System.out.print(out);

    assertEquals(ExitCodes.NOT_PASS, code, "the sample fails like r20 did: exit 3\n" + out);
    assertTrue(out.contains("VERDICT: FAIL (overall_pass=false)"), out);
    assertTrue(out.lines().anyMatch(l -> l.matches("4\\s+FAIL\\s+partition_minority: 0.2 < 0.995")),
        out);
    assertTrue(out.lines().anyMatch(l -> l.matches(
        "partition_minority\\s+0\\.2\\s+0\\.995\\s+985\\s+197\\s+.*MEASURED\\s+FAIL")), out);
    assertTrue(out.lines().anyMatch(l -> l.matches(
        "kill_primary_mid_write\\s+1\\s+0\\.995\\s+998\\s+998\\s+0\\.9962\\s+.*PASS")), out);

    Path run = runs.resolve("demo-it");
    assertTrue(Files.isRegularFile(run.resolve("index.html")));
    assertTrue(Files.isRegularFile(runs.resolve("index.html")));
    JsonNode phase4 = SeedJson.parse(Files.readString(run.resolve("phase4.json")));
    assertEquals("1", phase4.at("/convergence_by_fault/kill_primary_mid_write").asText());
    assertEquals("0.2", phase4.at("/convergence_by_fault/partition_minority").asText());
    assertFalse(phase4.get("pass").asBoolean());
    JsonNode summary = SeedJson.parse(Files.readString(run.resolve("campaign-summary.json")));
    assertEquals("demo-it", summary.get("campaign_id").asText());
    assertFalse(summary.get("overall_pass").asBoolean());
    List<String> jsonl = Files.readAllLines(run.resolve("phase4-partition_minority.jsonl"));
    assertEquals(10, jsonl.size());
    assertTrue(jsonl.get(0).startsWith("{\"cycle\":1,\"fault\":\"partition_minority\",\"writes\":"),
        jsonl.get(0));
  }
}
