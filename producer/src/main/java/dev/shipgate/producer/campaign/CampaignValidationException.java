package dev.shipgate.producer.campaign;

import java.util.List;

/**
 * A campaign file (with its command-line overrides) is invalid. {@link #problems()} has one line
 * per problem, each naming the key path and the value; they are reported together.
 */
public final class CampaignValidationException extends RuntimeException {
  private final List<String> problems;

  public CampaignValidationException(List<String> problems) {
    super(problems.size() == 1 ? problems.get(0)
        : problems.size() + " problems: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
