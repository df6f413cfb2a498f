package dev.shipgate.producer.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.results.DeadLetter;
import dev.shipgate.schemas.DeadLetters;
import dev.shipgate.schemas.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input written to fool or break the importer: every case is refused with one exact line naming
 * file, line, field and value, nothing outside the import root is read, and the report has errors
 * (so {@code shipgate import} exits 2) while the valid rest is still imported.
 */
class HostileImportTest {
  static final String SUMMARY = "{\"campaign_id\":\"hostile\",\"completed_at\":"
      + "\"2026-04-20T14:06:38Z\"}";

  @TempDir
  Path dir;

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file;
  }

  private static String cycle(int cycle, String ok, String writes, String quorum, String fail) {
    return "{\"cycle\":" + cycle + ",\"fault\":\"partition_minority\",\"writes\":" + writes
        + ",\"ok\":" + ok + ",\"quorum_not_met\":" + quorum + ",\"fail\":" + fail
        + ",\"count_node0\":\"100\",\"count_node1\":\"100\",\"count_node2\":\"100\"}";
  }

  @Test
  void shouldRefuseAnOkOfTwoToTheSixtyThreeThatWouldWrapTheSumIntoAPass() throws IOException {
    write("campaign-summary.json", SUMMARY);
    write("phase4-partition_minority.jsonl", cycle(1, "9223372036854775807", "100", "0", "0")
        + "\n" + cycle(2, "9223372036854775807", "100", "0", "0") + "\n"
        + cycle(3, "100", "100", "0", "0") + "\n");

    Imported imported = Imported.of(dir);

    assertEquals(List.of(
        "phase4-partition_minority.jsonl:1: field \"ok\": 9223372036854775807 exceeds the ceiling"
            + " of 1000000000",
        "phase4-partition_minority.jsonl:2: field \"ok\": 9223372036854775807 exceeds the ceiling"
            + " of 1000000000"), imported.report.errors());
    assertEquals(1, imported.checks("phase4.cycle").size(), "only the valid cycle is evidence");
    assertEquals(2, imported.deadLetters().size());
  }

  @Test
  void shouldRefuseATallyThatCannotHaveBeenMeasured() throws IOException {
    write("campaign-summary.json", SUMMARY);
    write("phase4-partition_minority.jsonl", cycle(1, "150", "100", "0", "0") + "\n"
        + cycle(2, "90", "100", "0", "5") + "\n"
        + cycle(3, "1", "100", "0", "-1") + "\n"
        + cycle(4, "100", "2000000000", "0", "0") + "\n");

    Imported imported = Imported.of(dir);

    assertEquals(List.of(
        "phase4-partition_minority.jsonl:1: field \"ok\": 150 exceeds writes 100",
        "phase4-partition_minority.jsonl:2: fields \"ok\" + \"quorum_not_met\" + \"fail\" = 90"
            + " + 0 + 5 = 95, expected \"writes\" 100",
        "phase4-partition_minority.jsonl:3: field \"fail\": expected a non-negative integer, got"
            + " -1",
        "phase4-partition_minority.jsonl:4: field \"writes\": 2000000000 exceeds the ceiling of"
            + " 1000000000"), imported.report.errors());
    assertTrue(imported.checks("phase4.cycle").isEmpty());
  }

  @Test
  void shouldRefuseAPhase2TallyWhosePartsDoNotAddUp() throws IOException {
    write("campaign-summary.json", SUMMARY);
    write("phase2.json", "{\"phase\":2,\"total_writes\":200,\"ok\":200,\"quorum_not_met\":0,"
        + "\"fail\":50,\"counts\":{\"a\":200}}");

    Imported imported = Imported.of(dir);

    assertEquals(List.of("phase2.json:1: field \"total_writes\": expected ok + quorum_not_met"
        + " + fail = 200 + 0 + 50 = 250, got 200"), imported.report.errors());
    assertTrue(imported.checks("phase2.writes").isEmpty(), "no tally is evidence");
    assertEquals(1, imported.checks("phase2.counts").size(), "the rest is imported");
  }

  @Test
  void shouldRefuseAHugeExponentInAnyNumberWithoutRunningOutOfMemory() throws IOException {
    write("campaign-summary.json", SUMMARY);
    write("phase2.json", "{\"phase\":2,\n\"ok\":1e999999999}");
    write("phase4.json", "{\"phase\":4,\"convergence_by_fault\":{\"partition_minority\":"
        + "1e-999999999}}");
    write("phase4-drop_random_acks.jsonl", "{\"cycle\":1,\"ok\":1e999999999,\"writes\":100}\n");

    Imported imported = Imported.of(dir);

    String outOfRange = "number 1E+999999999 is out of range (more than 64 digits written out)";
    assertEquals(List.of(
        "phase2.json:2: " + outOfRange,
        "phase4.json:1: number 1E-999999999 is out of range (more than 64 digits written out)",
        "phase4-drop_random_acks.jsonl:1: " + outOfRange), imported.report.errors());
    assertEquals(3, imported.deadLetters().size());
  }

  @Test
  void shouldRefuseARecordedBoundTheSeedCouldNotHavePrinted() throws IOException {
    write("campaign-summary.json", SUMMARY);
    write("phase4.json", "{\"phase\":4,\"convergence_by_fault\":{\"partition_minority\":"
        + "99999999999,\"drop_random_acks\":0.12345,\"kill_primary_mid_write\":0.995}}");

    Imported imported = Imported.of(dir);

    assertEquals(List.of(
        "phase4.json:1: field \"convergence_by_fault.partition_minority\": expected a bound"
            + " between 0 and 1000 with at most 3 decimals, got 99999999999",
        "phase4.json:1: field \"convergence_by_fault.drop_random_acks\": expected a bound"
            + " between 0 and 1000 with at most 3 decimals, got 0.12345"),
        imported.report.errors());
    assertEquals(1, imported.checks("phase4.bound").size());
    assertEquals("kill_primary_mid_write", imported.check("phase4.bound").getFault());
  }

  @Test
  void shouldRefuseAFiftyMegabyteLineAndDeadLetterOnlyItsFirstBytes() throws IOException {
    write("campaign-summary.json", SUMMARY);
    String huge = "{\"cycle\":1,\"fault\":\"" + "x".repeat(50 * 1024 * 1024) + "\"}";
    write("phase4-partition_minority.jsonl", huge + "\n" + cycle(2, "100", "100", "0", "0")
        + "\n");

    Imported imported = Imported.of(dir);

    assertEquals(List.of("phase4-partition_minority.jsonl:1: line is " + huge.length()
        + " bytes, longer than the 65536 bytes a cycle line may be"), imported.report.errors());
    DeadLetter letter = imported.deadLetters().get(0);
    assertEquals(DeadLetters.MAX_VALUE_BYTES, letter.getValue().remaining());
    assertEquals(huge.length(), letter.getValueSize());
    assertTrue(letter.getValueTruncated());
    assertEquals(1, imported.checks("phase4.cycle").size());
  }

  @Test
  void shouldNotFollowASymlinkOutOfTheRunNorCopyWhatItPointsAt() throws IOException {
    write("campaign-summary.json", SUMMARY);
    Path secret = Files.writeString(Files.createTempFile("secret", ".json"),
        "{\"phase\":3,\"secret\":\"do-not-copy\"}");
    try {
      Files.createSymbolicLink(dir.resolve("phase3.json"), secret);

      Imported plain = Imported.of(dir);
      assertEquals(List.of("phase3.json: a symbolic link (to " + secret + "); not followed"
          + " (--follow-symlinks follows links that stay inside " + dir.toRealPath() + ")"),
          plain.report.errors());
      assertTrue(plain.checks("phase3.migration").isEmpty());
      assertNoCopy(plain, "do-not-copy");

      Imported following = Imported.of(dir, ImportOptions.defaults().withFollowSymlinks(true));
      assertEquals(List.of("phase3.json: a symbolic link to " + secret.toRealPath()
          + ", outside the import root " + dir.toRealPath() + "; refused"),
          following.report.errors());
      assertNoCopy(following, "do-not-copy");
    } finally {
      Files.deleteIfExists(secret);
    }
  }

  @Test
  void shouldNeverReadProcOrDevThroughALink() throws IOException {
    write("campaign-summary.json", SUMMARY);
    Files.createSymbolicLink(dir.resolve("phase2.json"), Path.of("/proc/self/cmdline"));
    Files.createSymbolicLink(dir.resolve("phase4-x.jsonl"), Path.of("/dev/zero"));

    Imported imported = Imported.of(dir, ImportOptions.defaults().withFollowSymlinks(true));

    List<String> errors = imported.report.errors();
    assertEquals(2, errors.size(), errors.toString());
    assertTrue(errors.get(0).startsWith("phase2.json: a symbolic link to /proc/"), errors.get(0));
    assertTrue(errors.get(0).endsWith(", outside the import root " + dir.toRealPath()
        + "; refused"), errors.get(0));
    assertEquals("phase4-x.jsonl: a symbolic link to /dev/zero, outside the import root "
        + dir.toRealPath() + "; refused", errors.get(1));
    assertNoCopy(imported, "surefire");
  }

  @Test
  void shouldRefuseAPhaseFileLargerThanTheCeilingWithoutReadingIt() throws IOException {
    write("campaign-summary.json", SUMMARY);
    write("phase3.json", "{\"phase\":3,\"ok\":true}");
    // a sparse file one byte over the ceiling: its size, not its content, refuses it
    try (java.io.RandomAccessFile big = new java.io.RandomAccessFile(
        dir.resolve("phase2.json").toFile(), "rw")) {
      big.setLength(ImportTree.MAX_JSON_BYTES + 1);
    }

    Imported imported = Imported.of(dir);

    assertEquals(List.of("phase2.json: larger than the 16777216 bytes an import reads from one"
        + " file; not read"), imported.report.errors());
    assertEquals(List.of("hostile"), imported.report.campaignIds(), "the rest is imported");
  }

  @Test
  void shouldFollowALinkThatStaysInsideTheRootWhenAsked() throws IOException {
    write("campaign-summary.json", SUMMARY);
    write("saved/phase2.json", "{\"phase\":2,\"ok\":200}");
    Files.createSymbolicLink(dir.resolve("phase2.json"), Path.of("saved", "phase2.json"));

    Imported imported = Imported.of(dir, ImportOptions.defaults().withFollowSymlinks(true));

    assertEquals(List.of(), imported.report.errors());
    assertEquals(200L, imported.check("phase2.writes").getMetrics().get("ok"));
  }

  @Test
  void shouldNotCountADirectoryLoopAsARun() throws IOException {
    write("r1/campaign-summary.json", SUMMARY);
    Files.createSymbolicLink(dir.resolve("loop"), Path.of(".."));

    Imported plain = Imported.of(dir);
    assertEquals(List.of("loop: a symbolic link (to ..); not followed (--follow-symlinks"
        + " follows links that stay inside " + dir.toRealPath() + ")"), plain.report.errors());
    assertEquals(List.of("hostile"), plain.report.campaignIds());

    Imported following = Imported.of(dir, ImportOptions.defaults().withFollowSymlinks(true));
    assertEquals(List.of("loop: a symbolic link to " + dir.toRealPath().getParent()
        + ", outside the import root " + dir.toRealPath() + "; refused"),
        following.report.errors());
    assertEquals(List.of("hostile"), following.report.campaignIds(), "one run, imported once");
  }

  @Test
  void shouldReportAFifoAndADanglingLinkInsteadOfSkippingThemInSilence() throws Exception {
    write("campaign-summary.json", SUMMARY);
    Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("phase4-x.jsonl").toString())
        .start();
    assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
    Files.createSymbolicLink(dir.resolve("phase2.json"), Path.of("gone.json"));

    Imported imported = Imported.of(dir, ImportOptions.defaults().withFollowSymlinks(true));

    assertEquals(List.of(
        "phase2.json: a dangling symbolic link (to gone.json); not read",
        "phase4-x.jsonl: a FIFO, not a regular file; not read"), imported.report.errors());
    assertEquals(List.of("hostile"), imported.report.campaignIds(), "the rest is imported");
  }

  @Test
  void shouldFailAnEmptyJsonlFileInsteadOfImportingNothingSuccessfully() throws IOException {
    Path empty = write("phase4-partition_minority.jsonl", "");
    Path blank = write("blank/phase4-partition_minority.jsonl", "\n  \n");

    Imported first = Imported.of(empty, ImportOptions.defaults().withCampaignId("e1"));
    assertEquals(List.of("phase4-partition_minority.jsonl: empty: no cycle line to import"),
        first.report.errors());
    assertEquals(0, first.report.totalEvents());

    Imported second = Imported.of(blank, ImportOptions.defaults().withCampaignId("e2"));
    assertEquals(List.of("phase4-partition_minority.jsonl: blank: no cycle line to import"),
        second.report.errors());
  }

  @Test
  void shouldFailADirectoryWithNothingToImport() throws IOException {
    Files.createDirectories(dir.resolve("empty-run"));

    Imported imported = Imported.of(dir);

    assertEquals(List.of(dir + ": no run found: expected campaign-summary.json, phase*.json or"
        + " *.jsonl in it or in its subdirectories"), imported.report.errors());
    assertEquals(0, imported.report.totalEvents());
  }

  @Test
  void shouldKeepACountAboveWritesAsWrittenWithANote() throws IOException {
    write("campaign-summary.json", SUMMARY);
    write("phase4-partition_minority.jsonl", "{\"cycle\":1,\"writes\":100,\"ok\":100,"
        + "\"quorum_not_met\":0,\"fail\":0,\"count_node0\":\"100\",\"count_node1\":\"262\","
        + "\"count_node2\":\"262\"}\n");

    Imported imported = Imported.of(dir);

    assertEquals(List.of(), imported.report.errors());
    assertTrue(imported.report.notes().contains("phase4-partition_minority.jsonl:1: field"
        + " \"count_node1\": 262 exceeds writes 100: the node held records the cycle did not"
        + " write (a rerun's?); the bound counts at most 100 of them"), imported.report.notes()
        .toString());
    assertEquals(262L, imported.observations().get(0).getNodes().get(1).getCount());
    assertEquals(java.util.Map.of("partition_minority", "1"), imported.measuredBounds());
  }

  private static void assertNoCopy(Imported imported, String marker) {
    for (DeadLetter d : imported.deadLetters()) {
      String value = d.getValue() == null ? ""
          : StandardCharsets.UTF_8.decode(d.getValue().duplicate()).toString();
      assertFalse(value.contains(marker), "a dead letter carries " + marker + ": " + value);
    }
    assertEquals(imported.deadLetters().size(), imported.report.events(Topics.DEAD_LETTERS));
  }
}
