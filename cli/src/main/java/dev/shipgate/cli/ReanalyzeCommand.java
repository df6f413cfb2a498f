package dev.shipgate.cli;

import dev.shipgate.cli.stack.TopicCreator;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.FaultBound;
import dev.shipgate.schemas.CampaignIds;
import dev.shipgate.schemas.ConvergenceMath;
import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.SchemaRegistry;
import dev.shipgate.streams.Reanalysis;
import dev.shipgate.streams.ShipgateStreams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shipgate reanalyze ID}: a retained campaign judged again, beside its live verdict. */
@Command(name = "reanalyze", mixinStandardHelpOptions = true,
    description = {"Judges a campaign again from the retained input topics, with thresholds of"
        + " your choosing, in a Streams application of its own whose outputs go under a prefix"
        + " of their own (reanalysis.<run>.shipgate.*): the live verdicts are never touched.",
        "Prints the live and the re-analysed verdict side by side and the thresholds each used."
            + " Exits as `shipgate verdict` does for the re-analysed verdict (0 PASS, 3 not PASS,"
            + " 4 not final within --timeout)."})
public final class ReanalyzeCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "CAMPAIGN_ID") String campaignId;

  @Option(names = "--threshold", paramLabel = "DECIMAL",
      description = "convergence_min to judge phase 4 against (default: the campaign's own)")
  String threshold;

  @Option(names = "--wilson-z", paramLabel = "Z",
      description = "z of the Wilson lower bound (default: the campaign's own)")
  Double wilsonZ;

  @Option(names = "--as", paramLabel = "NEW_ID",
      description = "the campaign id the re-analysis's outputs carry (default: the same id)")
  String renameTo;

  @Option(names = "--keep", description = "keep the re-analysis's output topics (default:"
      + " deleted with the application's internal topics when it is done)")
  boolean keep;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
      description = "how long to wait for the final verdict (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Mixin ConnectionOptions connection;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!CampaignIds.isValid(campaignId)) {
      throw new ParameterException(spec.commandLine(), CampaignIds.problem(campaignId));
    }
    if (renameTo != null && !CampaignIds.isValid(renameTo)) {
      throw new ParameterException(spec.commandLine(), "--as: " + CampaignIds.problem(renameTo));
    }
    if (threshold != null && ConvergenceMath.recordedBoundProblem(threshold) != null
        || threshold != null && new java.math.BigDecimal(threshold).compareTo(
            java.math.BigDecimal.ONE) > 0) {
      throw new ParameterException(spec.commandLine(), "--threshold: expected a decimal between 0"
          + " and 1 with at most 3 places, got " + threshold);
    }
    if (wilsonZ != null && !(wilsonZ > 0 && wilsonZ < 10)) {
      throw new ParameterException(spec.commandLine(), "--wilson-z: expected a number between 0"
          + " and 10, got " + wilsonZ);
    }
    String run = HexFormat.of().formatHex(new byte[] {
        (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt(),
        (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt()});
    String prefix = "reanalysis." + run + ".";
    String applicationId = "shipgate-reanalysis-" + run;
    String judgedAs = renameTo != null ? renameTo : campaignId;
    Reanalysis reanalysis = new Reanalysis(campaignId, renameTo, normalized(threshold), wilsonZ);
    Path stateDir = Files.createTempDirectory("shipgate-reanalysis-");
    Properties client = connection.clientProperties();
    try (SchemaRegistry registry = connection.registry(); Admin admin = Admin.create(client)) {
      CampaignVerdict live = VerdictCommand.find(client, registry, campaignId);
      TopicCreator.createOutputs(admin, (short) 1, prefix);
      Properties props = StreamsCommand.props(connection, applicationId, stateDir, 1);
      CampaignVerdict again;
      long t0 = System.nanoTime();
      try (ShipgateStreams streams = new ShipgateStreams(props, registry, prefix, reanalysis)) {
        streams.start();
        if (!streams.awaitRunning(Duration.ofSeconds(60))) {
          throw new ShipgateException("the re-analysis did not reach RUNNING: "
              + (streams.failure() == null ? "state " + streams.state()
                  : Main.describe(streams.failure())));
        }
        again = awaitFinal(client, registry, Topics.CAMPAIGN_VERDICTS.prefixed(prefix), judgedAs,
            Duration.ofSeconds(timeoutSeconds));
      }
      Collection<FaultBound> liveBounds = live == null ? List.of()
          : TopicSnapshot.ofCampaign(client, registry, Topics.FAULT_BOUNDS, campaignId,
              k -> k.startsWith(campaignId + "/")).values();
      Collection<FaultBound> bounds = TopicSnapshot.ofCampaign(client, registry,
          Topics.FAULT_BOUNDS.prefixed(prefix), judgedAs, k -> k.startsWith(judgedAs + "/"))
          .values();
      System.out.print(sideBySide(campaignId, judgedAs, live, liveBounds, again, bounds,
          reanalysis, (System.nanoTime() - t0) / 1_000_000));
      if (again != null) {
        System.out.println();
        System.out.print(VerdictTable.render(again, bounds));
      }
      if (keep) {
        System.out.println("re-analysis outputs kept under " + prefix + "shipgate.*");
      } else {
        deleteTopics(admin, prefix, applicationId);
      }
      if (again == null || !VerdictCommand.isFinal(again)) {
        return ExitCodes.NOT_FINAL;
      }
      return again.getVerdict() == dev.shipgate.results.Verdict.PASS ? ExitCodes.OK
          : ExitCodes.NOT_PASS;
    } finally {
      deleteRecursively(stateDir);
    }
  }

  private static String normalized(String threshold) {
    return threshold == null ? null
        : ConvergenceMath.plain(new java.math.BigDecimal(threshold.trim())).toPlainString();
  }

  private static CampaignVerdict awaitFinal(Properties client, SchemaRegistry registry,
      Topic<String, CampaignVerdict> topic, String campaign, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    CampaignVerdict last = null;
    while (System.nanoTime() < deadline) {
      last = TopicSnapshot.ofCampaign(client, registry, topic, campaign, campaign::equals)
          .get(campaign);
      if (last != null && VerdictCommand.isFinal(last)) {
        return last;
      }
      Thread.sleep(500);
    }
    return last;
  }

  /** The two verdicts, the thresholds they used and each fault class's bound and verdict. */
  static String sideBySide(String campaign, String judgedAs, CampaignVerdict live,
      Collection<FaultBound> liveBounds, CampaignVerdict again, Collection<FaultBound> bounds,
      Reanalysis reanalysis, long millis) {
    StringBuilder b = new StringBuilder();
    b.append("re-analysis of ").append(campaign)
        .append(judgedAs.equals(campaign) ? "" : " as " + judgedAs)
        .append(" (").append(millis).append(" ms): convergence_min ")
        .append(reanalysis.convergenceMin() == null ? "as run" : reanalysis.convergenceMin())
        .append(", wilson z ")
        .append(reanalysis.wilsonZ() == null ? "as run" : reanalysis.wilsonZ()).append('\n');
    String row = "%-24s %-34s %-34s%n";
    b.append(String.format(Locale.ROOT, row, "", "LIVE", "RE-ANALYSIS"));
    b.append(String.format(Locale.ROOT, row, "state",
        live == null ? "(no verdict)" : live.getState(),
        again == null ? "(no verdict in time)" : again.getState()));
    b.append(String.format(Locale.ROOT, row, "verdict",
        live == null ? "-" : live.getVerdict(), again == null ? "-" : again.getVerdict()));
    Map<String, FaultBound> l = liveBounds.stream()
        .collect(Collectors.toMap(FaultBound::getFault, x -> x, (x, y) -> y));
    Map<String, FaultBound> r = bounds.stream()
        .collect(Collectors.toMap(FaultBound::getFault, x -> x, (x, y) -> y));
    List<String> faults = new ArrayList<>(new java.util.TreeSet<>(l.keySet()));
    r.keySet().stream().filter(f -> !faults.contains(f)).sorted().forEach(faults::add);
    for (String f : faults) {
      b.append(String.format(Locale.ROOT, row, f, describe(l.get(f)), describe(r.get(f))));
    }
    return b.toString();
  }

  private static String describe(FaultBound fb) {
    return fb == null ? "-" : fb.getBound() + " vs " + fb.getThreshold() + " " + fb.getVerdict();
  }

  private static void deleteTopics(Admin admin, String prefix, String applicationId)
      throws Exception {
    Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
    List<String> mine = names.stream().filter(n -> n.startsWith(prefix)
        || n.startsWith(applicationId + "-")).sorted().toList();
    if (!mine.isEmpty()) {
      admin.deleteTopics(mine).all().get(60, TimeUnit.SECONDS);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
