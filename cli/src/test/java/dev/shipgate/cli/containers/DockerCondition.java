package dev.shipgate.cli.containers;

import dev.shipgate.cli.images.DockerEngine;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Enables {@link RequiresDocker} tests when the Docker engine answers (see there). */
public final class DockerCondition implements ExecutionCondition {
  private static volatile DockerEngine.Reachability seen;

  static DockerEngine.Reachability engine() {
    DockerEngine.Reachability r = seen;
    if (r == null) {
      r = new DockerEngine().reachability();
      seen = r;
    }
    return r;
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    DockerEngine.Reachability r = engine();
    if (r.up()) {
      return ConditionEvaluationResult.enabled("Docker engine " + r.detail());
    }
    String why = "container tests (" + context.getDisplayName() + ") need a Docker engine, and"
        + " none answers: " + r.detail();
    if ("true".equals(System.getenv("SHIPGATE_REQUIRE_DOCKER"))) {
      throw new IllegalStateException(why + " (SHIPGATE_REQUIRE_DOCKER=true: not skipped)");
    }
    System.err.println("[shipgate] SKIPPED " + why + "; start one (README: Containers) to run them");
    return ConditionEvaluationResult.disabled(why);
  }
}
