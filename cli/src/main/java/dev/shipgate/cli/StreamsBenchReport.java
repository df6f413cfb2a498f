package dev.shipgate.cli;

import dev.shipgate.cli.bench.StreamsBench;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Runs {@link StreamsBench} several times and prints each figure's min/median/max and ratio. */
final class StreamsBenchReport {
  private StreamsBenchReport() {}

  static int run(long events, int runs, String heap, int threads, int campaigns, int samples)
      throws Exception {
    if (events < 1000 || runs < 1 || samples < 1) {
      throw new ShipgateException("bench streams: expected --events >= 1000, --runs >= 1 and"
          + " --latency-samples >= 1");
    }
    if (campaigns < 1 || campaigns > dev.shipgate.schemas.Topics.PARTITIONS) {
      throw new ShipgateException("bench streams: --campaigns " + campaigns + ": expected 1-"
          + dev.shipgate.schemas.Topics.PARTITIONS + " (one per input partition)");
    }
    List<StreamsBench.Result> results = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      System.out.printf(Locale.ROOT, "run %d/%d: %d events in %d campaign(s), Streams -Xmx%s,"
          + " %d thread(s)%n", r, runs, events, campaigns, heap, threads);
      results.add(new StreamsBench(events, heap, threads, campaigns, samples,
          Home.dir().resolve(".shipgate").resolve("bench-streams")).run());
    }
    StreamsBench.Result first = results.get(0);
    System.out.printf(Locale.ROOT, "%nstreams benchmark: %d events (%.1f MB of input), %d run(s),"
        + " min / median / max%n", first.events(), first.inputBytes() / 1e6, runs);
    BenchRows.header();
    BenchRows.line(results, "streams events/s (RUNNING to lag 0)",
        StreamsBench.Result::streamsPerSec);
    BenchRows.line(results, "streams events/s, the second half of the backlog",
        StreamsBench.Result::streamsSecondHalfPerSec);
    BenchRows.line(results, "ratio second half / ConsumerPerformance",
        r -> r.streamsSecondHalfPerSec() / r.rawPerSec());
    BenchRows.line(results, "streams JVM CPU ms per 1000 events (same span)",
        StreamsBench.Result::streamsCpuMsPerThousand);
    BenchRows.line(results, "streams JVM cores used (CPU / wall, same span)",
        r -> r.streamsCpuMs() / r.runningToCaughtUpMs());
    for (String group : dev.shipgate.cli.bench.ThreadCpu.GROUPS) {
      if (results.stream().allMatch(r -> r.threadCpuMs().containsKey(group))) {
        BenchRows.line(results, "  of which " + group + ", cores",
            r -> r.threadCpuMs().get(group) / r.runningToCaughtUpMs());
      }
    }
    BenchRows.line(results, "busiest cycle task's share of the backlog",
        StreamsBench.Result::busiestTaskShare);
    BenchRows.line(results, "ConsumerPerformance records/s", StreamsBench.Result::rawPerSec);
    BenchRows.line(results, "ConsumerPerformance fetch-only records/s",
        StreamsBench.Result::rawFetchPerSec);
    BenchRows.line(results, "ratio streams / ConsumerPerformance",
        r -> r.streamsPerSec() / r.rawPerSec());
    BenchRows.line(results, "Kafka Streams decoding only events/s",
        StreamsBench.Result::decodeOnlyPerSec);
    BenchRows.line(results, "ratio decoding only / ConsumerPerformance",
        r -> r.decodeOnlyPerSec() / r.rawPerSec());
    BenchRows.line(results, "ratio streams / decoding only",
        r -> r.streamsPerSec() / r.decodeOnlyPerSec());
    BenchRows.line(results, "start to RUNNING ms", r -> r.startToRunningMs());
    BenchRows.line(results, "peak RSS MB", r -> r.peakRssKb() / 1024.0);
    BenchRows.line(results, "state dir MB at the end", r -> r.stateBytes() / 1e6);
    BenchRows.line(results, "changelog MB", r -> r.changelogBytes() / 1e6);
    BenchRows.line(results, "ratio changelog / input", r -> (double) r.changelogBytes()
        / r.inputBytes());
    BenchRows.line(results, "last cycle event to fault bound p50 ms",
        r -> pct(r.boundLatencyMs(), 50));
    BenchRows.line(results, "last cycle event to fault bound p99 ms",
        r -> pct(r.boundLatencyMs(), 99));
    BenchRows.line(results, "FINISHED to final verdict p50 ms", r -> pct(r.verdictLatencyMs(), 50));
    BenchRows.line(results, "FINISHED to final verdict p99 ms", r -> pct(r.verdictLatencyMs(), 99));
    BenchRows.line(results, "publish events/s (KafkaEventPublisher)",
        StreamsBench.Result::publishPerSec);
    BenchRows.line(results, "sink: index.html rewrites until final",
        r -> r.sink().pageWrites());
    BenchRows.line(results, "sink: index.html kB", r -> r.sink().pageBytes() / 1000.0);
    BenchRows.line(results, "sink: shipgate-verdict.json kB",
        r -> r.sink().verdictJsonBytes() / 1000.0);
    StreamsBench.Queries q = first.queries();
    System.out.printf(Locale.ROOT, "%nqueries for the big campaign, the broker holding %d"
        + " campaigns:%n", q.campaigns());
    BenchRows.header();
    BenchRows.line(results, "HTTP GET /campaigns/{id} p50 ms (warm)",
        r -> pct(r.queries().httpMicros(), 50) / 1000.0);
    BenchRows.line(results, "HTTP GET /campaigns/{id} p99 ms (warm)",
        r -> pct(r.queries().httpMicros(), 99) / 1000.0);
    BenchRows.line(results, "shipgate verdict via HTTP: wall ms (new JVM)",
        r -> pct(r.queries().cliHttpWallMs(), 50));
    BenchRows.line(results, "  of which the HTTP lookup ms",
        r -> pct(r.queries().cliHttpLookupMs(), 50));
    BenchRows.line(results, "shipgate verdict from topics: wall ms",
        r -> pct(r.queries().cliTopicsWallMs(), 50));
    BenchRows.line(results, "  of which the topic read ms",
        r -> pct(r.queries().cliTopicsLookupMs(), 50));
    BenchRows.line(results, "topic read in a warm JVM ms",
        r -> pct(r.queries().warmTopicsMs(), 50));
    System.out.println("(the shipgate verdict rows are medians of " + StreamsBench.CLI_SAMPLES
        + " processes per run; HTTP of " + StreamsBench.HTTP_SAMPLES + " requests)");
    System.out.println("verdicts of the big campaign: " + results.stream()
        .map(r -> r.verdict().name()).toList());
    return ExitCodes.OK;
  }

  static double pct(List<Long> samples, int p) {
    List<Long> s = new ArrayList<>(samples);
    Collections.sort(s);
    int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
    return s.get(Math.max(0, Math.min(s.size() - 1, i)));
  }
}
