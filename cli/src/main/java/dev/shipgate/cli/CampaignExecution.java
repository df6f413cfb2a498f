package dev.shipgate.cli;

import dev.shipgate.producer.campaign.CampaignOutcome;
import dev.shipgate.producer.campaign.CampaignRunner;
import dev.shipgate.producer.campaign.CampaignSpec;
import dev.shipgate.producer.campaign.DriverFactory;
import dev.shipgate.producer.campaign.LeaseKeeper;
import dev.shipgate.producer.lease.DriverIdentity;
import dev.shipgate.producer.campaign.Ticker;
import dev.shipgate.producer.fault.FaultSpec;
import dev.shipgate.producer.progress.ConsoleProgress;
import dev.shipgate.producer.publish.KafkaEventPublisher;
import dev.shipgate.producer.remote.CommandRunner;
import dev.shipgate.producer.target.TargetAdapter;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one validated campaign with the concrete runner, adapter, faults and checks
 * {@link DriverFactory} chooses, under a lease on the nodes ({@link LeaseKeeper}: a live driver
 * there refuses the run, a dead one's leftovers are healed first), publishing to Kafka; shared by
 * {@code run}, {@code demo} and the end-to-end tests.
 */
final class CampaignExecution {
  private CampaignExecution() {}

  /**
   * @param onStart called with the driver before it runs (to hook Ctrl-C to {@code abort})
   * @param liveBound fault class → the live bound text, or null (shown in the progress line)
   */
  static CampaignOutcome run(CampaignSpec campaign, List<FaultSpec> faultSpecs,
      Map<String, Object> producerConfig, SchemaRegistry registry, PrintStream out,
      boolean terminal, Function<String, String> liveBound, Consumer<CampaignRunner> onStart) {
    try (TargetAdapter adapter = DriverFactory.targetAdapter(campaign);
        CommandRunner runner = DriverFactory.commandRunner(campaign);
        KafkaEventPublisher publisher = KafkaEventPublisher.create(producerConfig, registry)) {
      ConsoleProgress progress = new ConsoleProgress(out, terminal, liveBound);
      LeaseKeeper leases = new LeaseKeeper(runner, campaign, publisher, Clock.systemUTC(),
          DriverIdentity.current(), line -> {
            out.println(line);
            out.flush();
          });
      CampaignRunner driver = new CampaignRunner(campaign, adapter, runner, faultSpecs,
          DriverFactory.phaseChecks(campaign), publisher, Ticker.system(), progress, leases);
      onStart.accept(driver);
      return driver.run();
    }
  }
}
