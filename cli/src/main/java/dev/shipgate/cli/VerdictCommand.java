package dev.shipgate.cli;

import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.CampaignIds;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code shipgate verdict ID}: the gate a release job runs. */
@Command(name = "verdict", mixinStandardHelpOptions = true,
    description = "Prints a campaign's verdict table from shipgate.campaign-verdicts and"
        + " shipgate.fault-bounds. Exits 0 only when the verdict is PASS (3 otherwise, 2 when"
        + " there is no verdict for the campaign).")
public final class VerdictCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "CAMPAIGN_ID") String campaignId;

  @Mixin ConnectionOptions connection;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (!CampaignIds.isValid(campaignId)) {
      throw new ParameterException(spec.commandLine(), CampaignIds.problem(campaignId));
    }
    try (SchemaRegistry registry = connection.registry()) {
      return print(connection.clientProperties(), registry, campaignId);
    }
  }

  /** Prints the table and returns the exit code; shared with the demo. */
  static int print(Properties client, SchemaRegistry registry, String campaignId) {
    CampaignVerdict verdict = TopicSnapshot.latest(client, registry, Topics.CAMPAIGN_VERDICTS,
        campaignId::equals).get(campaignId);
    if (verdict == null) {
      throw new ShipgateException("no verdict for campaign " + campaignId
          + " on " + Topics.CAMPAIGN_VERDICTS.name() + " (is `shipgate streams` running?)");
    }
    var bounds = TopicSnapshot.latest(client, registry, Topics.FAULT_BOUNDS,
        k -> k.startsWith(campaignId + "/")).values();
    System.out.print(VerdictTable.render(verdict, bounds));
    return verdict.getVerdict() == Verdict.PASS ? ExitCodes.OK : ExitCodes.NOT_PASS;
  }
}
