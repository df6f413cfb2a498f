package dev.shipgate.cli;

import dev.shipgate.schemas.serde.TrustedAvroClasses;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/** The {@code shipgate} entry point. */
@Command(name = "shipgate", mixinStandardHelpOptions = true, version = "shipgate 0.1.0",
    description = "Measures how replicated stores behave under faults: events on Kafka, verdicts"
        + " from Kafka Streams, artifacts from the sink.",
    subcommands = {StackCommand.class, TopicsCommand.class, SchemasCommand.class, ImportCommand.class, ClusterCommand.class, RunCommand.class, BenchCommand.class,
        StreamsCommand.class, SinkCommand.class, VerdictCommand.class, ReanalyzeCommand.class, DemoCommand.class, ReleaseSummaryCommand.class,
        dev.shipgate.cli.alerts.AlertsCommand.class,
        ImagesCommand.class, ClassArchiveTraining.class},
    footer = {"", "Exit codes: 0 success (verdict PASS), 1 usage error, 2 failure,"
        + " 3 verdict not PASS, 4 verdict not final yet."})
public final class Main implements Runnable {

  @Override
  public void run() {
    throw new ParameterException(new CommandLine(this), "a command is required (see --help)");
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
  public static int run(String... args) {
    TrustedAvroClasses.install();
    CommandLine cmd = new CommandLine(new Main());
    cmd.setParameterExceptionHandler((ex, a) -> {
      PrintWriter err = ex.getCommandLine().getErr();
      err.println("shipgate: " + oneLine(ex.getMessage()) + " (try --help)");
      return ExitCodes.USAGE;
    });
    cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      err.println("shipgate: " + describe(ex));
      if (Boolean.getBoolean("shipgate.verbose")) {
        ex.printStackTrace(err);
      }
      return ExitCodes.FAILURE;
    });
    return cmd.execute(args);
  }

  static String describe(Throwable ex) {
    Throwable t = ex;
    String msg = t.getMessage();
    while ((msg == null || msg.isBlank()) && t.getCause() != null) {
      t = t.getCause();
      msg = t.getMessage();
    }
    return oneLine(msg == null ? t.getClass().getSimpleName() : msg);
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
