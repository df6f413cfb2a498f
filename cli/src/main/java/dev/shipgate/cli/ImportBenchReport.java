package dev.shipgate.cli;

import dev.shipgate.cli.bench.ImportBench;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Runs {@link ImportBench} several times and prints each figure's min/median/max and ratio. */
final class ImportBenchReport {
  private ImportBenchReport() {}

  static int run(int cycles, int runs) throws Exception {
    if (cycles < 1 || runs < 1) {
      throw new ShipgateException("bench import: expected --cycles >= 1 and --runs >= 1");
    }
    List<ImportBench.Result> results = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      System.out.printf(Locale.ROOT, "run %d/%d: %d cycles%n", r, runs, cycles);
      results.add(new ImportBench(cycles, Home.dir().resolve(".shipgate").resolve("bench-import"))
          .run());
    }
    ImportBench.Result first = results.get(0);
    System.out.printf(Locale.ROOT, "%nimport benchmark: %d cycles (%.1f MB of JSONL) -> %d records"
        + " (%.1f MB on the broker), %d run(s), min / median / max%n", first.cycles(),
        first.fileBytes() / 1e6, first.records(), first.recordBytes() / 1e6, runs);
    BenchRows.header();
    BenchRows.line(results, "shipgate import wall s (new JVM)", r -> r.importWallMs() / 1000.0);
    BenchRows.line(results, "shipgate import records/s", ImportBench.Result::importPerSec);
    BenchRows.line(results, "ProducerPerformance records/s (same size)",
        ImportBench.Result::producerPerSec);
    BenchRows.line(results, "ratio import / ProducerPerformance",
        r -> r.importPerSec() / r.producerPerSec());
    return ExitCodes.OK;
  }

}
