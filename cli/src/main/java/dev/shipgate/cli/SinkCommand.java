package dev.shipgate.cli;

import dev.shipgate.schemas.registry.SchemaRegistry;
import dev.shipgate.sink.ArtifactSink;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shipgate sink}: writes runs/ from the verdict topics until Ctrl-C. */
@Command(name = "sink", mixinStandardHelpOptions = true,
    description = "Consumes the verdict topics (read_committed) and writes runs/<campaign>/"
        + " (the seed's JSON files, per-cycle JSONL, shipgate-verdict.json, index.html) and"
        + " runs/index.html, atomically, rewriting a run when its records change (at most once per"
        + " --rewrite-interval). Runs until"
        + " Ctrl-C.")
public final class SinkCommand implements Callable<Integer> {

  @Option(names = "--runs-dir", paramLabel = "DIR", defaultValue = "runs",
      description = "where run directories go (default: ${DEFAULT-VALUE})")
  Path runsDir;

  @Option(names = "--group-id", paramLabel = "ID", defaultValue = ArtifactSink.DEFAULT_GROUP_ID,
      description = "consumer group (default: ${DEFAULT-VALUE})")
  String groupId;

  @Option(names = "--rewrite-interval", paramLabel = "MILLIS", defaultValue = "2000",
      description = "rewrite a run's files at most this often: a run changing on every record"
          + " is written when it first changes, then once per interval (default:"
          + " ${DEFAULT-VALUE})")
  long rewriteMillis;

  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() throws Exception {
    Properties props = connection.clientProperties();
    props.put("group.id", groupId);
    try (SchemaRegistry registry = connection.registry();
        ArtifactSink sink = new ArtifactSink(props, registry, runsDir,
            java.time.Duration.ofMillis(Math.max(0, rewriteMillis)))) {
      Thread hook = new Thread(sink::close, "shipgate-sink-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      System.out.println("sink writing " + runsDir.toAbsolutePath() + " (Ctrl-C to stop)");
      sink.run();
    }
    return ExitCodes.OK;
  }
}
