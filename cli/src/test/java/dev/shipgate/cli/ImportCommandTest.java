package dev.shipgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shipgate import} on more evidence than its heap holds: one line and exit 2. */
class ImportCommandTest {
  @TempDir
  Path dir;

  @Test
  void shouldSayInOneLineThatTheHeapIsTooSmallInsteadOfAStackTrace() throws Exception {
    Path file = dir.resolve("phase4-partition_minority.jsonl");
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int c = 1; c <= 300_000; c++) {
        w.write("{\"cycle\":" + c + ",\"fault\":\"partition_minority\",\"writes\":100,\"ok\":97,"
            + "\"quorum_not_met\":0,\"fail\":3,\"count_node0\":\"97\",\"count_node1\":\"20\","
            + "\"count_node2\":\"20\"}\n");
      }
    }
    // 300,000 cycles do not fit in 48 MB; nothing is reachable at port 1, and nothing is tried:
    // the file is read before anything is published
    Child child = Child.run(dir, List.of("-Xmx48m"), "import", file.toString(),
        "--campaign-id", "too-big", "--bootstrap-servers", "127.0.0.1:1",
        "--schema-registry-url", "http://127.0.0.1:1");
    assertTrue(child.process().waitFor(120, TimeUnit.SECONDS), "import ended");
    String out = child.output().strip();

    assertEquals(2, child.process().exitValue(), out);
    assertEquals(1, out.lines().count(), out);
    assertTrue(out.startsWith("shipgate: import of " + file + " stopped: it holds more evidence"
        + " than the "), out);
    assertTrue(out.endsWith("run it again with a larger heap, e.g. SHIPGATE_JAVA_OPTS=-Xmx4g"),
        out);
  }
}
