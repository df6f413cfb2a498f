package dev.shipgate.cli;

import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.CampaignIds;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.time.Duration;
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
    description = {"Prints a campaign's verdict table from shipgate.campaign-verdicts and"
        + " shipgate.fault-bounds (only the partition holding the campaign is read).",
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

  @Override
  public Integer call() throws InterruptedException {
    if (!CampaignIds.isValid(campaignId)) {
      throw new ParameterException(spec.commandLine(), CampaignIds.problem(campaignId));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    try (SchemaRegistry registry = connection.registry()) {
      while (true) {
        CampaignVerdict verdict = find(connection.clientProperties(), registry, campaignId);
        boolean done = verdict != null && isFinal(verdict);
        if (!await || done || System.nanoTime() > deadline) {
          return print(connection.clientProperties(), registry, campaignId, verdict);
        }
        Thread.sleep(500);
      }
    } catch (KafkaException e) {
      throw new ShipgateException("cannot read " + Topics.CAMPAIGN_VERDICTS.name() + " at "
          + connection.bootstrapServers() + ": " + Main.oneLine(e.getMessage()), e);
    }
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
    return print(client, registry, campaignId, find(client, registry, campaignId));
  }

  private static int print(Properties client, SchemaRegistry registry, String campaignId,
      CampaignVerdict verdict) {
    if (verdict == null) {
      throw new ShipgateException("no verdict for campaign " + campaignId
          + " on " + Topics.CAMPAIGN_VERDICTS.name() + " (is `shipgate streams` running?)");
    }
    var bounds = TopicSnapshot.ofCampaign(client, registry, Topics.FAULT_BOUNDS, campaignId,
        k -> k.startsWith(campaignId + "/")).values();
    System.out.print(VerdictTable.render(verdict, bounds));
    if (!isFinal(verdict)) {
      System.out.println("not final yet: the campaign is " + verdict.getState()
          + "; `shipgate verdict --wait " + campaignId + "` waits for the end");
      return ExitCodes.NOT_FINAL;
    }
    return verdict.getVerdict() == Verdict.PASS ? ExitCodes.OK : ExitCodes.NOT_PASS;
  }
}
