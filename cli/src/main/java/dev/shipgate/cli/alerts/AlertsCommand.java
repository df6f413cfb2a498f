package dev.shipgate.cli.alerts;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code shipgate alerts}: the alerts Streams publishes on shipgate.alerts, to people and webhooks. */
@Command(name = "alerts", mixinStandardHelpOptions = true,
    description = "Reads shipgate.alerts: `tail` prints them, `webhook` POSTs each one to a URL"
        + " (at least once, signed, with an idempotency key).",
    subcommands = {TailCommand.class, WebhookCommand.class})
public final class AlertsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "alerts: a subcommand is required (tail or"
        + " webhook)");
  }
}
