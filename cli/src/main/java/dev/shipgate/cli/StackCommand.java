package dev.shipgate.cli;

import dev.shipgate.cli.stack.LocalStack;
import dev.shipgate.cli.stack.StackConfig;
import dev.shipgate.cli.stack.StackReport;
import dev.shipgate.cli.stack.StackStatus;
import dev.shipgate.schemas.SchemaBootstrap;
import dev.shipgate.schemas.registry.RestSchemaRegistry;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code shipgate stack up|down|status|reset}. */
@Command(name = "stack", mixinStandardHelpOptions = true,
    description = {"The local stack: a real KRaft Kafka broker (127.0.0.1:19092) and a schema"
        + " registry (127.0.0.1:8081), each its own process, data under .shipgate/stack/"
        + " (or $SHIPGATE_STACK_DIR).",
        "up: start what is not running, create the topics, register the schemas (idempotent).",
        "down: stop both by PID. status: what runs (exit 0 only when all is up)."
            + " reset: down, then delete the data."})
public final class StackCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "ACTION", description = "up, down, status or reset")
  Action action;

  enum Action { up, down, status, reset }

  @Override
  public Integer call() {
    LocalStack stack = new LocalStack(StackConfig.defaults());
    switch (action) {
      case up -> {
        up(stack);
        return ExitCodes.OK;
      }
      case down -> {
        stack.down().forEach(System.out::println);
        return ExitCodes.OK;
      }
      case reset -> {
        stack.reset().forEach(System.out::println);
        return ExitCodes.OK;
      }
      default -> {
        StackStatus status = stack.status();
        System.out.print(status);
        return status.allUp() ? ExitCodes.OK : ExitCodes.FAILURE;
      }
    }
  }

  /** Brings the stack up, registers every schema and prints what it did; shared with the demo. */
  static StackReport up(LocalStack stack) {
    StackReport report = stack.up();
    System.out.print(report);
    try (RestSchemaRegistry registry = new RestSchemaRegistry(stack.config().registryCcompatUrl())) {
      Map<String, Integer> ids = SchemaBootstrap.registerAll(registry);
      System.out.println("  schemas registered (" + SchemaBootstrap.COMPATIBILITY + "): "
          + ids.size() + " subjects");
    }
    return report;
  }
}
