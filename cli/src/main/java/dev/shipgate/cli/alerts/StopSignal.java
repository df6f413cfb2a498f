package dev.shipgate.cli.alerts;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SIGINT/SIGTERM (the JVM's shutdown) asks a running loop to stop and waits until it has
 * finished its clean-up (offsets committed, summary printed) and said so with {@link #close()}.
 * The loop polls {@link #stopping()}; tests call {@link #stop()} themselves.
 */
final class StopSignal implements AutoCloseable {
  private static final long GRACE_SECONDS = 20;

  private final AtomicBoolean stop = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread hook;

  private StopSignal(String name, boolean onShutdown) {
    if (onShutdown) {
      hook = new Thread(this::onShutdown, name);
      Runtime.getRuntime().addShutdownHook(hook);
    } else {
      hook = null;
    }
  }

  /** Stops on the JVM's shutdown (SIGINT, SIGTERM). */
  static StopSignal onShutdown(String name) {
    return new StopSignal(name, true);
  }

  /** Stops only when {@link #stop()} is called. */
  static StopSignal manual() {
    return new StopSignal("manual", false);
  }

  boolean stopping() {
    return stop.get();
  }

  void stop() {
    stop.set(true);
  }

  private void onShutdown() {
    stop.set(true);
    try {
      done.await(GRACE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    System.out.flush();
    System.err.flush();
  }

  /** The loop has finished: a later signal ends the JVM as usual. */
  @Override
  public void close() {
    done.countDown();
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the signal came: the hook is running and returns now
      }
    }
  }
}
