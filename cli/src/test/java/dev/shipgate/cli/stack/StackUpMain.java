package dev.shipgate.cli.stack;

import java.nio.file.Path;

/**
 * Runs {@code up()} in a JVM of its own and exits, so {@link LocalStackIT} can check that the
 * services outlive the JVM that started them. Args: dataDir kafkaPort controllerPort registryPort.
 */
public final class StackUpMain {
  private StackUpMain() {}

  public static void main(String[] args) {
    LocalStack stack = new LocalStack(StackConfig.forTests(Path.of(args[0]),
        Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3])));
    try {
      System.out.print(stack.up());
    } catch (StackException e) {
      System.out.println("FAILED: " + e.getMessage());
      System.exit(1);
    }
    System.exit(0);
  }
}
