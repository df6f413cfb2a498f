package dev.shipgate.cli;

import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.CampaignIds;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.time.Duration;
import dev.shipgate.results.FaultBound;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shipgate verdict ID}: the gate a release job runs. */
@Command(name = "verdict", mixinStandardHelpOptions = true,
    description = {"Prints a campaign's verdict table: from a Streams instance's query server when"
        + " one answers for the same cluster (--query-url), else from shipgate.campaign-verdicts"
        + " and shipgate.fault-bounds (only the partition holding the campaign is read).",
        "Exits 0 only when the verdict is final and PASS; 3 when it is final and not PASS; 4 when"
            + " it is not final yet (the campaign is still running); 2 when there is no verdict"
            + " for the campaign or the broker cannot be read."})
public final class VerdictCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "CAMPAIGN_ID") String campaignId;

  @Option(names = "--wait", description = "wait until the verdict is final (see --timeout)")
  boolean await;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
      description = "with --wait: give up after this long, exit 4 (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Mixin ConnectionOptions connection;

  @Spec CommandSpec spec;

  @Option(names = "--query-url", paramLabel = "URL",
      defaultValue = "${env:SHIPGATE_QUERY_URL:-http://127.0.0.1:8090}",
      description = "a Streams instance's query server (shipgate streams --http), asked first when"
          + " it answers and judges the same bootstrap servers; otherwise the topics are read"
          + " (env SHIPGATE_QUERY_URL; default: ${DEFAULT-VALUE}; off: topics only)")
  String queryUrl;

  @Override
  public Integer call() throws InterruptedException {
    if (!CampaignIds.isValid(campaignId)) {
      throw new ParameterException(spec.commandLine(), CampaignIds.problem(campaignId));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    StringBuilder why = new StringBuilder();
    QueryClient query = queryUrl.equals("off") ? null
        : QueryClient.reach(queryUrl, connection.bootstrapServers(), why).orElse(null);
    SchemaRegistry registry = null;
    try {
      while (true) {
        long t0 = System.nanoTime();
        String source = null;
        QueryClient.Found found = null;
        if (query != null) {
          try {
            found = query.find(campaignId).orElse(null);
            source = query.base();
          } catch (QueryClient.Unavailable e) {
            why.setLength(0);
            why.append(e.getMessage());
          }
        }
        if (source == null) {
          if (registry == null) {
            registry = connection.registry();
          }
          found = fromTopics(connection.clientProperties(), registry, campaignId);
          source = Topics.CAMPAIGN_VERDICTS.name() + (why.length() == 0 ? "" : " (" + why + ")");
        }
        boolean done = found != null && isFinal(found.verdict());
        if (!await || done || System.nanoTime() > deadline) {
          System.err.printf(java.util.Locale.ROOT, "verdict from %s in %d ms%n", source,
              (System.nanoTime() - t0) / 1_000_000);
          if (found == null) {
            throw new ShipgateException("no verdict for campaign " + campaignId + " on "
                + (query != null && source.equals(query.base()) ? query.base()
                    : Topics.CAMPAIGN_VERDICTS.name())
                + " (is `shipgate streams` running? is the id right?)");
          }
          return print(found);
        }
        Thread.sleep(500);
      }
    } catch (KafkaException e) {
      throw new ShipgateException("cannot read " + Topics.CAMPAIGN_VERDICTS.name() + " at "
          + connection.bootstrapServers() + ": " + Main.oneLine(e.getMessage()), e);
    } finally {
      if (registry != null) {
        try {
          registry.close();
        } catch (Exception e) {
          // closing a REST client loses nothing
        }
      }
    }
  }

  /**
   * The campaign's verdict as {@code shipgate verdict} reads it from the topics when no query
   * server answers (for benchmarks), or empty.
   */
  public static java.util.Optional<String> verdictFromTopics(Properties client,
      SchemaRegistry registry, String campaignId) {
    QueryClient.Found found = fromTopics(client, registry, campaignId);
    return java.util.Optional.ofNullable(found).map(f -> f.verdict().getVerdict().name());
  }

  /** The campaign's verdict and bounds from the compacted topics (one read), or null. */
  static QueryClient.Found fromTopics(Properties client, SchemaRegistry registry,
      String campaignId) {
    Map<String, Map<String, SpecificRecord>> read = TopicSnapshot.readAll(client, registry,
        List.of(new TopicSnapshot.Wanted<>(Topics.CAMPAIGN_VERDICTS, campaignId::equals),
            new TopicSnapshot.Wanted<>(Topics.FAULT_BOUNDS, k -> k.startsWith(campaignId + "/"))),
        campaignId);
    CampaignVerdict verdict =
        (CampaignVerdict) read.get(Topics.CAMPAIGN_VERDICTS.name()).get(campaignId);
    if (verdict == null) {
      return null;
    }
    List<FaultBound> bounds = read.get(Topics.FAULT_BOUNDS.name()).values().stream()
        .map(FaultBound.class::cast).toList();
    return new QueryClient.Found(verdict, bounds);
  }

  /** Whether nothing announced is still to come: the verdict will not change by itself. */
  static boolean isFinal(CampaignVerdict v) {
    return v.getState() == CampaignState.FINISHED || v.getState() == CampaignState.ABORTED;
  }

  static CampaignVerdict find(Properties client, SchemaRegistry registry, String campaignId) {
    return TopicSnapshot.ofCampaign(client, registry, Topics.CAMPAIGN_VERDICTS, campaignId,
        campaignId::equals).get(campaignId);
  }

  /** Prints the table and returns the exit code; shared with the demo. */
  static int print(Properties client, SchemaRegistry registry, String campaignId) {
    QueryClient.Found found = fromTopics(client, registry, campaignId);
    if (found == null) {
      throw new ShipgateException("no verdict for campaign " + campaignId
          + " on " + Topics.CAMPAIGN_VERDICTS.name() + " (is `shipgate streams` running?)");
    }
    return print(found);
  }

  private static int print(QueryClient.Found found) {
    CampaignVerdict verdict = found.verdict();
    System.out.print(VerdictTable.render(verdict, found.bounds()));
    if (!isFinal(verdict)) {
      System.out.println("not final yet: the campaign is " + verdict.getState()
          + "; `shipgate verdict --wait " + verdict.getCampaignId() + "` waits for the end");
      return ExitCodes.NOT_FINAL;
    }
    return verdict.getVerdict() == Verdict.PASS ? ExitCodes.OK : ExitCodes.NOT_PASS;
  }
}
