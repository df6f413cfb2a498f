package dev.shipgate.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SeedJsonTest {
  static final Path REFERENCE = Path.of(System.getProperty("shipgate.reference",
      "../testdata/reference-runs"));

  static Stream<Path> jqFormattedReferenceFiles() throws IOException {
    // r20's files were transcribed by hand (inline arrays); every other file is jq output
    return Stream.of("v0.6.0.0-final-r24", "ship-gate-v0.6.3-rc1-r2", "v0.6.0.0-final-r14",
            "soak-v0.6.0-r84")
        .flatMap(run -> {
          try {
            return Files.list(REFERENCE.resolve(run)).sorted();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @ParameterizedTest
  @MethodSource("jqFormattedReferenceFiles")
  void shouldPrintTheSeedsFilesByteForByte(Path file) throws IOException {
    String original = Files.readString(file);
    assertEquals(original, SeedJson.pretty(SeedJson.parse(original)));
  }

  @Test
  void shouldPrintBoundsAsTheSeedDoes() {
    assertEquals("1", SeedJson.compact(SeedJson.decimal(new BigDecimal("1.000"))));
    assertEquals("0.2", SeedJson.compact(SeedJson.decimal(BigDecimal.valueOf(200, 3))));
    assertEquals("0.995", SeedJson.compact(SeedJson.decimal(BigDecimal.valueOf(995, 3))));
    assertEquals("0", SeedJson.compact(SeedJson.decimal(BigDecimal.valueOf(0, 3))));
    assertEquals("10", SeedJson.compact(SeedJson.decimal(BigDecimal.valueOf(10000, 3))));
  }

  @Test
  void shouldWriteJsonlLinesCompactlyKeepingStringCounts() {
    String line = "{\"cycle\":1,\"fault\":\"partition_minority\",\"writes\":100,\"ok\":97,"
        + "\"quorum_not_met\":0,\"fail\":3,\"count_node0\":\"97\",\"count_node1\":\"ERR\","
        + "\"count_node2\":\"20\"}";
    assertEquals(line, SeedJson.compact(SeedJson.parse(line)));
  }
}
