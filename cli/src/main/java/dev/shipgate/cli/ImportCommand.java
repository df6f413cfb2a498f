package dev.shipgate.cli;

import dev.shipgate.producer.importer.ArtifactImporter;
import dev.shipgate.producer.importer.ImportOptions;
import dev.shipgate.producer.importer.ImportReport;
import dev.shipgate.producer.publish.KafkaEventPublisher;
import dev.shipgate.schemas.CampaignIds;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code shipgate import PATH...}. */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Publishes the original ship-gate's artifacts as events: a runs/<id>/ directory"
        + " (campaign-summary.json, phase1-node-*.json, phase2.json, phase3.json, phase4.json,"
        + " per-cycle *.jsonl), a directory of them, or one run-chaos.sh JSONL file"
        + " (with --campaign-id).",
        "Malformed input is reported one line per problem (file, line, field) and the command"
            + " exits 2; everything valid is still imported. Only regular files inside each PATH"
            + " are read: symbolic links, FIFOs and devices are reported, not followed; a PATH"
            + " with nothing to import exits 2."})
public final class ImportCommand implements Callable<Integer> {

  @Parameters(paramLabel = "PATH", arity = "1..*", description = "run directories or JSONL files")
  List<Path> paths;

  @Option(names = "--campaign-id", paramLabel = "ID",
      description = "import under this campaign id instead of the one in the files")
  String campaignId;

  @Option(names = "--phases", split = ",", paramLabel = "N[,N...]",
      description = "phases the campaign was meant to run (default: 1,2,3,4, the seed's protocol)")
  List<Integer> phases;

  @Option(names = "--target-name", paramLabel = "NAME",
      description = "name of the system under test (default: ai-memory)")
  String targetName;

  @Option(names = "--follow-symlinks",
      description = "follow symbolic links that stay inside each PATH (default: every link is"
          + " refused with a line naming it)")
  boolean followSymlinks;

  @Option(names = "--gate-profile", paramLabel = "soak|release",
      description = "the cross-run gate the imported runs count towards (default: soak, the"
          + " seed's 84-run soak)")
  String gateProfile;

  @Option(names = "--gate-expected-runs", paramLabel = "N",
      description = "runs the gate's window must hold (default: the profile's, 84 for soak)")
  Integer gateExpectedRuns;

  @Mixin ConnectionOptions connection;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ImportOptions options = options(spec, campaignId, phases, targetName)
        .withFollowSymlinks(followSymlinks);
    if (gateProfile != null || gateExpectedRuns != null) {
      if (gateProfile != null && !gateProfile.equals("soak") && !gateProfile.equals("release")) {
        throw new ParameterException(spec.commandLine(), "--gate-profile: expected soak or"
            + " release, got '" + gateProfile + "'");
      }
      if (gateExpectedRuns != null && gateExpectedRuns < 1) {
        throw new ParameterException(spec.commandLine(), "--gate-expected-runs: expected at"
            + " least 1, got " + gateExpectedRuns);
      }
      options = options.withGate(dev.shipgate.events.GateConfig.newBuilder()
          .setProfile(gateProfile == null ? "soak" : gateProfile)
          .setExpectedRuns(gateExpectedRuns).build());
    }
    for (Path p : paths) {
      if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new ParameterException(spec.commandLine(), "PATH " + p + " does not exist");
      }
    }
    boolean errors = false;
    try (SchemaRegistry registry = connection.registry();
        KafkaEventPublisher publisher = KafkaEventPublisher.create(producerConfig(), registry)) {
      ArtifactImporter importer = new ArtifactImporter(publisher);
      for (Path p : paths) {
        ImportReport report;
        try {
          report = importer.importPath(p, options);
        } catch (OutOfMemoryError e) {
          // what was read of p is garbage once unwound: there is room for the one line again
          System.err.println(outOfMemory(p, Runtime.getRuntime().maxMemory()));
          return ExitCodes.FAILURE;
        }
        errors |= print(p, report);
      }
    }
    return errors ? ExitCodes.FAILURE : ExitCodes.OK;
  }

  /** Why an import stopped when its heap was too small for {@code path}, and what to do. */
  static String outOfMemory(Path path, long maxHeapBytes) {
    return "shipgate: import of " + path + " stopped: it holds more evidence than the "
        + (maxHeapBytes >> 20) + " MB heap can (a run is read whole before it is published);"
        + " events published before it stopped stay in the topics; run it again with a larger"
        + " heap, e.g. SHIPGATE_JAVA_OPTS=-Xmx4g";
  }

  private Map<String, Object> producerConfig() {
    Map<String, Object> config = new HashMap<>();
    connection.clientProperties().forEach((k, v) -> config.put(k.toString(), v));
    return config;
  }

  static ImportOptions options(CommandSpec spec, String campaignId, List<Integer> phases,
      String targetName) {
    ImportOptions options = ImportOptions.defaults();
    try {
      if (campaignId != null) {
        options = options.withCampaignId(CampaignIds.require(campaignId));
      }
      if (phases != null) {
        options = options.withPhasesEnabled(phases);
      }
      if (targetName != null) {
        options = options.withTargetName(targetName);
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    return options;
  }

  /** Prints the report; returns true when it has errors. */
  static boolean print(Path path, ImportReport report) {
    System.out.println("imported " + path + ": campaigns " + report.campaignIds() + ", "
        + report.totalEvents() + " events " + report.eventsByTopic());
    report.notes().forEach(n -> System.out.println("  note: " + n));
    report.errors().forEach(e -> System.err.println("shipgate: import error: " + e));
    return report.hasErrors();
  }
}
