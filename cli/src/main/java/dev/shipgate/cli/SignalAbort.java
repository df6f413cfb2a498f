package dev.shipgate.cli;

import dev.shipgate.producer.campaign.CampaignRunner;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Ctrl-C or SIGTERM while a campaign runs: the JVM's shutdown hook aborts the campaign (faults
 * healed, nodes restored, ABORTED published), waits until the command has finished its own
 * clean-up and said so, then ends the JVM with exit code 2 (the signal would otherwise give
 * 130/143 and skip the clean-up). Shared by {@code run} and {@code demo}.
 *
 * <pre>{@code
 * SignalAbort abort = new SignalAbort();
 * try {
 *   outcome = CampaignExecution.run(..., abort.onDriver());
 *   abort.campaignEnded();
 *   ... report, including "aborted" ...
 * } finally {
 *   abort.close(); // after the report: a running hook may end the JVM now
 * }
 * }</pre>
 */
final class SignalAbort implements AutoCloseable {
  private final CountDownLatch commandDone = new CountDownLatch(1);
  private volatile Thread hook;

  /** For {@link CampaignExecution#run}: hooks the signal to this driver once it exists. */
  Consumer<CampaignRunner> onDriver() {
    return driver -> {
      Thread h = new Thread(() -> onSignal(driver), "shipgate-run-shutdown");
      Runtime.getRuntime().addShutdownHook(h);
      hook = h;
    };
  }

  /** The campaign is over: a later signal ends the JVM as usual. */
  void campaignEnded() {
    Thread h = hook;
    if (h == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(h);
    } catch (IllegalStateException shuttingDown) {
      // the signal came: the hook runs and waits for close()
    }
  }

  /** The command has finished (and printed what it had to say). */
  @Override
  public void close() {
    campaignEnded();
    commandDone.countDown();
  }

  private void onSignal(CampaignRunner driver) {
    driver.abort("interrupted (SIGINT/SIGTERM)");
    try {
      driver.awaitTermination(Duration.ofSeconds(90));
      commandDone.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(ExitCodes.FAILURE);
  }
}
