package dev.shipgate.cli.bench;

import dev.shipgate.cli.stack.LocalStack;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C or SIGTERM while a benchmark runs: the JVM's shutdown hook stops the processes the
 * benchmark started and its broker and registry, which the benchmark's own {@code finally} blocks
 * never reach when the JVM is ending. Removed again by {@link #close()} when the benchmark ends
 * on its own.
 */
final class SignalCleanup implements AutoCloseable {
  private final Thread hook;

  /**
   * @param children the benchmark's child processes (read when the signal comes: add to it as
   *     they start; a synchronized list)
   * @param stack its broker and registry
   */
  SignalCleanup(List<Process> children, LocalStack.Running stack) {
    hook = new Thread(() -> {
      List<Process> now;
      synchronized (children) {
        now = List.copyOf(children);
      }
      for (Process p : now) {
        p.destroy();
      }
      for (Process p : now) {
        try {
          if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        } catch (InterruptedException e) {
          p.destroyForcibly();
        }
      }
      stack.close();
    }, "shipgate-bench-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the signal came: the hook is stopping everything
    }
  }
}
