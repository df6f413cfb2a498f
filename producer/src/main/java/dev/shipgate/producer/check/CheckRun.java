package dev.shipgate.producer.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.EventSource;
import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.CommandRunner;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.remote.RemoteException;
import dev.shipgate.schemas.SeedJson;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Running declared commands and reading their output; shared by the profiles. */
final class CheckRun {
  private CheckRun() {}

  /** Runs {@code check} on {@code node}; its stdout, or a {@link CheckFailure} with why not. */
  static String run(CommandRunner runner, Node node, CommandCheck check, Map<String, String> vars,
      Duration timeout) {
    return run(runner, node, check.name(), check.render(vars), timeout);
  }

  static String run(CommandRunner runner, Node node, String name, String command,
      Duration timeout) {
    CommandResult r;
    try {
      r = runner.run(node, command, timeout);
    } catch (RemoteException e) {
      throw new CheckFailure("check " + name + " on node " + node.name() + " could not run: "
          + e.getMessage());
    }
    if (!r.ok()) {
      throw new CheckFailure("check " + name + " on node " + node.name() + " failed: "
          + r.summary());
    }
    return r.stdout();
  }

  /** The output parsed as JSON (the first JSON value in it). */
  static JsonNode json(String name, Node node, String out) {
    try {
      return SeedJson.parse(out.strip());
    } catch (IllegalArgumentException e) {
      throw new CheckFailure("check " + name + " on node " + node.name()
          + " printed no JSON: " + e.getMessage());
    }
  }

  static long integer(String name, Node node, JsonNode value, String field) {
    if (value == null || !value.isIntegralNumber() || value.asLong() < 0) {
      throw new CheckFailure("check " + name + " on node " + node.name() + ": " + field
          + " missing or not a count");
    }
    return value.asLong();
  }

  static CheckResult.Builder result(Clock clock, String campaignId, int phase, String kind,
      String node) {
    return CheckResult.newBuilder()
        .setCampaignId(campaignId)
        .setEventId(UUID.randomUUID().toString())
        .setEventTime(clock.instant())
        .setSource(EventSource.LIVE)
        .setPhase(phase)
        .setCheck(kind)
        .setNode(node)
        .setMetrics(new LinkedHashMap<>())
        .setValues(new LinkedHashMap<>());
  }

  static String compact(JsonNode node) {
    return SeedJson.compact(node);
  }

  static void pause(Duration d) {
    if (d.isZero() || d.isNegative()) {
      return;
    }
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CheckFailure("interrupted");
    }
  }
}
