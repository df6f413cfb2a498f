package dev.shipgate.cli;

import dev.shipgate.schemas.SchemaBootstrap;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code shipgate schemas register}. */
@Command(name = "schemas", mixinStandardHelpOptions = true,
    description = "Registers every topic's value schema under <topic>-value with BACKWARD"
        + " compatibility, in any Confluent-API registry.")
public final class SchemasCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "ACTION", description = "register")
  Action action;

  enum Action { register }

  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() {
    try (SchemaRegistry registry = connection.registry()) {
      Map<String, Integer> ids = SchemaBootstrap.registerAll(registry);
      ids.forEach((subject, id) -> System.out.println(subject + " id " + id));
    }
    return ExitCodes.OK;
  }
}
