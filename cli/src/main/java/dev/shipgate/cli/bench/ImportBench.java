package dev.shipgate.cli.bench;

import dev.shipgate.cli.Home;
import dev.shipgate.cli.ShipgateException;
import dev.shipgate.cli.stack.LocalStack;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code shipgate bench import}: one run of the import benchmark on a broker of its own. A
 * per-cycle JSONL file of N cycles (the seed's {@code phase4-<fault>.jsonl} lines) is imported by
 * {@code ./shipgate import} as a user runs it; then the broker's own {@code ProducerPerformance}
 * sends as many records of the same mean size with the same guarantees (acks=all, idempotence),
 * the reference.
 */
public final class ImportBench {
  static final int KAFKA_PORT = 28092;
  static final int CONTROLLER_PORT = 28093;
  static final int REGISTRY_PORT = 28081;

  /**
   * One run's figures: the import's wall time (a new process, JVM start included) and the time it
   * reports for reading and publishing, the records it published and their bytes, and
   * ProducerPerformance's records/s on as many records of the same mean size.
   */
  public record Result(int cycles, long fileBytes, long records, long recordBytes,
      long importWallMs, double importPerSec, double producerPerSec) {}

  private final int cycles;
  private final Path work;

  public ImportBench(int cycles, Path work) {
    this.cycles = cycles;
    this.work = work;
  }

  public Result run() throws Exception {
    BenchBroker.deleteRecursively(work);
    Files.createDirectories(work);
    List<Process> children = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    try (LocalStack.Running stack = LocalStack.startForTests(work.resolve("stack"), KAFKA_PORT,
        CONTROLLER_PORT, REGISTRY_PORT);
        SignalCleanup onSignal = new SignalCleanup(children, stack)) {
      String bootstrap = stack.bootstrapServers();
      Path file = work.resolve("phase4-partition_minority.jsonl");
      writeJsonl(file, cycles);
      long fileBytes = Files.size(file);
      Map<TopicPartition, Long> before;
      try (Admin admin = Admin.create(BenchBroker.props(bootstrap))) {
        before = BenchBroker.endOffsets(admin, BenchBroker.INPUTS);
      }
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(Home.dir().resolve("shipgate").toString(), "import",
          file.toString(), "--campaign-id", "bench-import", "--bootstrap-servers", bootstrap,
          "--schema-registry-url", stack.registryUrl()).redirectErrorStream(true).start();
      children.add(p);
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new ShipgateException("shipgate import failed: " + out.strip());
      }
      long wallMs = (System.nanoTime() - t0) / 1_000_000;
      long records;
      long bytes;
      try (Admin admin = Admin.create(BenchBroker.props(bootstrap))) {
        Map<TopicPartition, Long> after = BenchBroker.endOffsets(admin, BenchBroker.INPUTS);
        // end offsets count the transaction markers too: take the records from the report
        records = publishedRecords(out);
        bytes = BenchBroker.logBytes(admin, t -> t.matches(BenchBroker.INPUTS));
        if (after.values().stream().mapToLong(Long::longValue).sum()
            - before.values().stream().mapToLong(Long::longValue).sum() < records) {
          throw new ShipgateException("the import reported " + records + " records, the topics"
              + " grew by fewer");
        }
      }
      double importPerSec = records / (wallMs / 1000.0);
      System.out.printf(Locale.ROOT, "  shipgate import: %d cycles (%.1f MB of JSONL) -> %d"
          + " records in %d ms wall: %.0f records/s%n", cycles, fileBytes / 1e6, records, wallMs,
          importPerSec);
      int size = (int) Math.max(1, bytes / Math.max(1, records));
      double reference = producerPerformance(bootstrap, records, size, children);
      System.out.printf(Locale.ROOT, "  ProducerPerformance: %d records of %d bytes: %.0f"
          + " records/s%n", records, size, reference);
      return new Result(cycles, fileBytes, records, bytes, wallMs, importPerSec, reference);
    } finally {
      BenchBroker.deleteRecursively(work);
    }
  }

  /** N cycles of 100 writes, all acknowledged and held by every node (the seed's fields). */
  static void writeJsonl(Path file, int cycles) throws Exception {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int c = 1; c <= cycles; c++) {
        w.write("{\"cycle\":" + c + ",\"fault\":\"partition_minority\",\"writes\":100,\"ok\":100,"
            + "\"quorum_not_met\":0,\"fail\":0,\"count_node0\":\"100\",\"count_node1\":\"100\","
            + "\"count_node2\":\"100\"}\n");
      }
    }
  }

  private static final Pattern PUBLISHED = Pattern.compile("(\\d+) events");

  /** The number of events the import's report says it published. */
  static long publishedRecords(String report) {
    Matcher m = PUBLISHED.matcher(report);
    long last = -1;
    while (m.find()) {
      last = Long.parseLong(m.group(1));
    }
    if (last < 0) {
      throw new ShipgateException("no event count in the import's report: " + report.strip());
    }
    return last;
  }

  private static double producerPerformance(String bootstrap, long records, int size,
      List<Process> children) throws Exception {
    Process p = new ProcessBuilder(BenchBroker.tool("org.apache.kafka.tools.ProducerPerformance",
        "--topic", "bench.producer-performance",
        "--num-records", String.valueOf(records), "--record-size", String.valueOf(size),
        "--throughput", "-1", "--producer-props", "bootstrap.servers=" + bootstrap, "acks=all",
        "enable.idempotence=true")).redirectErrorStream(true).start();
    children.add(p);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new ShipgateException("ProducerPerformance failed: " + out.strip());
    }
    // the summary: "N records sent, X records/sec (Y MB/sec), ..."
    Matcher m = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec").matcher(out);
    String last = null;
    while (m.find()) {
      last = m.group(2);
    }
    if (last == null) {
      throw new ShipgateException("no summary from ProducerPerformance: " + out.strip());
    }
    return Double.parseDouble(last);
  }
}
