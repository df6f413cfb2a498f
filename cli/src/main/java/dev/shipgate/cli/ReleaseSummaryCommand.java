package dev.shipgate.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipgate.results.SoakVerdict;
import dev.shipgate.schemas.JsonRecords;
import dev.shipgate.schemas.Topics;
import dev.shipgate.sink.ReleasePage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shipgate release-summary TARGET VERSION}: the release gate across runs. */
@Command(name = "release-summary", mixinStandardHelpOptions = true,
    description = {"Writes releases/<version>/summary.json (the original ship-gate's release"
        + " summary schema) and runs/releases/<target>-<version>.html from the soak verdict of"
        + " TARGET@VERSION on shipgate.soak-verdicts (only the partition holding it is read).",
        "Exits 0 only when the soak gate is final and PASS; 3 when it is final and not PASS; 4"
            + " when runs are still missing; 2 when there is no soak verdict for it, the broker"
            + " cannot be read, or the version does not fit the schema."})
public final class ReleaseSummaryCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "TARGET", description = "target name, e.g. etcd")
  String target;

  @Parameters(index = "1", paramLabel = "VERSION",
      description = "target version as the campaigns report it (target_version, else"
          + " target_ref), e.g. v3.5.17")
  String version;

  @Option(names = "--releases-dir", paramLabel = "DIR", defaultValue = "releases",
      description = "where <version>/summary.json goes (default: ${DEFAULT-VALUE})")
  Path releasesDir;

  @Option(names = "--runs-dir", paramLabel = "DIR", defaultValue = "runs",
      description = "where releases/<target>-<version>.html goes (default: ${DEFAULT-VALUE})")
  Path runsDir;

  @Option(names = "--json", description = "print the summary instead of a one-line verdict")
  boolean json;

  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() throws IOException {
    String key = target + "@" + version;
    SoakVerdict v;
    try {
      String partitionKey = key.contains("/") ? key.substring(0, key.indexOf('/')) : key;
      Map<String, SoakVerdict> found = TopicSnapshot.ofCampaign(connection.clientProperties(),
          connection.registry(), Topics.SOAK_VERDICTS, partitionKey, key::equals);
      v = found.get(key);
    } catch (KafkaException e) {
      throw new ShipgateException("cannot read " + Topics.SOAK_VERDICTS.name() + " at "
          + connection.bootstrapServers() + ": " + Main.oneLine(e.getMessage()), e);
    }
    if (v == null) {
      System.err.println("shipgate: no soak verdict for " + key + " on "
          + Topics.SOAK_VERDICTS.name() + " (no final campaign verdict names target_name "
          + target + " and target_version or target_ref " + version + ")");
      return ExitCodes.FAILURE;
    }
    ObjectNode summary = ReleaseSummaryJson.of(v, version);
    String schemaVersion = summary.get("version").asText();
    Path summaryFile = releasesDir.resolve(schemaVersion).resolve("summary.json");
    write(summaryFile, JsonRecords.text(summary) + "\n");
    Path page = runsDir.resolve("releases").resolve(ReleasePage.fileName(key));
    write(page, ReleasePage.render(v));
    if (json) {
      System.out.println(JsonRecords.text(summary));
    } else {
      System.out.println("SOAK " + key + ": " + v.getVerdict() + (v.getFinal$() ? "" :
          " (not final)") + ", " + v.getRunsPassed() + "/" + v.getRunsCounted() + " runs PASS, "
          + v.getRunsExpected() + " expected" + (v.getReasons().isEmpty() ? ""
              : " — " + String.join("; ", v.getReasons())));
      System.out.println("wrote " + summaryFile + " (verdict " + summary.get("verdict").asText()
          + ") and " + page);
    }
    if (ReleaseSummaryJson.passes(v)) {
      return ExitCodes.OK;
    }
    return v.getFinal$() ? ExitCodes.NOT_PASS : ExitCodes.NOT_FINAL;
  }

  private static void write(Path target, String content) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
