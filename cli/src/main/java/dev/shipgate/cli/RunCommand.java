package dev.shipgate.cli;

import dev.shipgate.producer.campaign.CampaignLoader;
import dev.shipgate.producer.campaign.CampaignOutcome;
import dev.shipgate.producer.campaign.CampaignOverrides;
import dev.shipgate.producer.campaign.CampaignPlan;
import dev.shipgate.producer.campaign.CampaignSpec;
import dev.shipgate.producer.campaign.CampaignValidationException;
import dev.shipgate.producer.campaign.DriverFactory;
import dev.shipgate.producer.campaign.Preflight;
import dev.shipgate.producer.fault.FaultSpec;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shipgate run CAMPAIGN.yaml [overrides] [--dry-run]}. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Runs a campaign against a 3-node cluster: phases 1-4 as the campaign file"
        + " enables them, faults injected over SSH, every write, fault and observation published"
        + " as events. Streams judges; `shipgate verdict <id>` shows the verdict.",
        "The file is validated first, with the key and known_hosts files it names (and each"
            + " node's host key in them): every problem is printed, one line each, and the"
            + " command exits 1. Ctrl-C stops the writes, heals every fault, restores the nodes,"
            + " publishes ABORTED and exits 2.",
        "The driver holds a lease on the nodes while it runs: another driver's live lease"
            + " refuses the run (exit 2); a dead driver's leftovers (iptables rules, stopped or"
            + " killed members) are healed first and its campaign marked ABORTED. A run in which"
            + " a node could not be reached, a namespace was not empty or a fault was not"
            + " applied exits 2, the reason on the last line.",
        "Relative key and known_hosts paths in the file are resolved against the shipgate home"
            + " (-Dshipgate.home, $SHIPGATE_HOME, else the working directory)."})
public final class RunCommand implements Callable<Integer> {

  @Parameters(paramLabel = "CAMPAIGN.yaml", description = "campaign file (samples/campaigns/)")
  Path file;

  @Option(names = "--dry-run",
      description = "print the plan and every command it would send; touch nothing")
  boolean dryRun;

  @Option(names = "--campaign-id", paramLabel = "ID", description = "override campaign_id")
  String campaignId;

  @Option(names = "--phases", split = ",", paramLabel = "N[,N...]",
      description = "override phases, e.g. 2,4")
  List<Integer> phases;

  @Option(names = "--faults", split = ",", paramLabel = "CLASS[,CLASS...]",
      description = "override phase4.faults, e.g. partition_minority,drop_random_acks")
  List<String> faults;

  @Option(names = "--cycles", paramLabel = "N", description = "override phase4.cycles")
  Integer cycles;

  @Option(names = "--writes", paramLabel = "N", description = "override phase4.writes_per_cycle")
  Integer writes;

  @Option(names = "--concurrency", paramLabel = "N",
      description = "override phase4.concurrency (writes in flight)")
  Integer concurrency;

  @Option(names = "--nodes", split = ",", paramLabel = "NAME@ADDRESS[:SSH_PORT]",
      description = "override the nodes' names, addresses and SSH ports, in index order"
          + " (e.g. a@127.0.0.11:2222,b@127.0.0.12:2222,c@127.0.0.13:2222)")
  List<String> nodes;

  @Mixin ConnectionOptions connection;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isRegularFile(file)) {
      throw new ParameterException(spec.commandLine(), "CAMPAIGN.yaml " + file
          + " is not a readable file");
    }
    CampaignOverrides overrides = new CampaignOverrides(campaignId, cycles, writes, concurrency,
        faults, phases, nodes);
    CampaignSpec campaign;
    List<FaultSpec> faultSpecs;
    try {
      campaign = new CampaignLoader(Home.dir(), DriverFactory.knownFaultClasses(),
          Clock.systemUTC()).load(file, overrides);
      List<String> problems = new ArrayList<>(DriverFactory.problems(campaign));
      problems.addAll(Preflight.problems(campaign));
      if (!problems.isEmpty()) {
        throw new CampaignValidationException(problems);
      }
      faultSpecs = DriverFactory.faultSpecs(campaign);
    } catch (CampaignValidationException e) {
      // problems about the file as a whole already name it
      e.problems().forEach(p -> err.println("shipgate: "
          + (p.startsWith(file + ": ") ? "" : file + ": ") + p));
      err.flush();
      return ExitCodes.USAGE;
    }
    CampaignLoader.warnings(campaign).forEach(w -> err.println("shipgate: warning: " + w));
    err.flush();

    if (dryRun) {
      int commands = CampaignPlan.write(campaign, faultSpecs, out::println);
      out.println("dry run: " + commands + " commands listed, none sent");
      out.flush();
      return ExitCodes.OK;
    }
    return run(campaign, faultSpecs, out, err);
  }

  private int run(CampaignSpec campaign, List<FaultSpec> faultSpecs, PrintWriter out,
      PrintWriter err) {
    try {
      DriverFactory.targetAdapter(campaign).close();
    } catch (IllegalArgumentException e) {
      err.println("shipgate: " + file + ": target.settings: " + Main.oneLine(e.getMessage()));
      return ExitCodes.USAGE;
    }
    SignalAbort abort = new SignalAbort();
    try {
      CampaignOutcome outcome;
      try (SchemaRegistry registry = connection.registry();
          LiveBounds live = new LiveBounds(connection.clientProperties(), registry,
              campaign.campaignId())) {
        out.println("campaign " + campaign.campaignId() + ": running phases " + campaign.phases()
            + " against " + campaign.target().name() + " (Ctrl-C aborts cleanly)");
        out.flush();
        outcome = CampaignExecution.run(campaign, faultSpecs, producerConfig(), registry,
            System.out, System.console() != null, live, abort.onDriver());
        abort.campaignEnded();
      }
      out.flush();
      if (!outcome.completed()) {
        outcome.problems().forEach(p -> err.println("shipgate: problem: " + Main.oneLine(p)));
        err.println("shipgate: the events published so far are kept; `shipgate verdict "
            + outcome.campaignId() + "` shows the enabled phases as INCOMPLETE");
        err.println("shipgate: campaign " + outcome.campaignId() + " aborted: "
            + Main.oneLine(outcome.abortReason()));
        err.flush();
        return ExitCodes.FAILURE;
      }
      out.println("campaign " + outcome.campaignId() + " finished: " + outcome.cycles().size()
          + " phase 4 cycles" + (outcome.probes().isEmpty() ? "" : ", probes "
          + outcome.probes()));
      out.println("next: shipgate verdict " + outcome.campaignId());
      out.flush();
      if (!outcome.problems().isEmpty()) {
        outcome.problems().forEach(p -> err.println("shipgate: problem: " + Main.oneLine(p)));
        err.println("shipgate: campaign " + outcome.campaignId() + " ran with "
            + outcome.problems().size() + " problem(s), its evidence is incomplete: "
            + Main.oneLine(outcome.problems().get(0)));
        err.flush();
        return ExitCodes.FAILURE;
      }
      return ExitCodes.OK;
    } finally {
      // after the report: on Ctrl-C the shutdown hook ends the JVM (exit 2) from here on
      abort.close();
    }
  }

  private Map<String, Object> producerConfig() {
    Map<String, Object> config = new HashMap<>();
    connection.clientProperties().forEach((k, v) -> config.put(k.toString(), v));
    return config;
  }
}
