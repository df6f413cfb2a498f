package dev.shipgate.producer.fault;

import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.CommandRunner;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.remote.Shell;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The iptables OUTPUT rules shipgate tagged ({@code -m comment --comment shipgate:<campaign>}) on
 * one node: found by listing {@code iptables -S OUTPUT}, removed one by one, then listed again.
 * The one place that deletes rules it did not insert itself: the partition worker's defensive
 * clean-up and the recovery from a dead driver.
 */
public final class TaggedRules {
  private static final Logger log = LoggerFactory.getLogger(TaggedRules.class);

  private TaggedRules() {}

  /** What a removal did on one node. */
  public record Removal(Node node, List<String> removed, List<String> left, String command,
      String error) {
    /** For evidence: "removed 2 rules (...); none listed after". */
    public String evidence() {
      if (error != null) {
        return "could not list or delete rules: " + error;
      }
      return "removed " + removed.size() + " rule(s)" + (removed.isEmpty() ? ""
          : " (" + String.join("; ", removed) + ")") + "; " + (left.isEmpty()
          ? "none listed by '" + PartitionMinorityFaultWorker.LIST + "' after"
          : "still listed: " + String.join("; ", left));
    }
  }

  /** Rules of exactly one campaign. */
  public static Predicate<List<String>> ofCampaign(String campaignId) {
    String comment = OwnerDropRule.comment(campaignId);
    return words -> comment.equals(OwnerDropRule.valueAfter(words, "--comment"));
  }

  /** Rules of any campaign whose packet owner is one of {@code uids} (numeric, as listed). */
  public static Predicate<List<String>> anyCampaignOwnedBy(List<String> uids) {
    return words -> {
      String comment = OwnerDropRule.valueAfter(words, "--comment");
      return comment != null && comment.startsWith("shipgate:")
          && uids.contains(OwnerDropRule.valueAfter(words, "--uid-owner"));
    };
  }

  /** Removes the OUTPUT rules on {@code node} that {@code matches}; never throws. */
  public static Removal remove(CommandRunner runner, Node node, Duration timeout,
      Predicate<List<String>> matches) {
    List<String> removed = new ArrayList<>();
    List<String> deletes = new ArrayList<>();
    try {
      for (List<String> words : list(runner, node, timeout)) {
        if (!matches.test(words)) {
          continue;
        }
        String delete = "iptables -D OUTPUT " + words.subList(2, words.size()).stream()
            .map(Shell::quote).collect(Collectors.joining(" "));
        deletes.add(delete);
        CommandResult d = runner.run(node, delete, timeout);
        if (d.ok()) {
          removed.add(String.join(" ", words));
        } else {
          log.warn("removing a tagged rule on node {}: '{}' failed: {}", node.name(), delete,
              d.summary());
        }
      }
      List<String> left = new ArrayList<>();
      if (!deletes.isEmpty()) {
        for (List<String> words : list(runner, node, timeout)) {
          if (matches.test(words)) {
            left.add(String.join(" ", words));
          }
        }
      }
      return new Removal(node, removed, left, String.join("; ", deletes), null);
    } catch (RuntimeException e) {
      log.warn("removing tagged rules on node {} failed: {}", node.name(), e.getMessage());
      return new Removal(node, removed, List.of(), String.join("; ", deletes), e.getMessage());
    }
  }

  /** The OUTPUT rules of the node as words ({@code -A OUTPUT ...}). */
  private static List<List<String>> list(CommandRunner runner, Node node, Duration timeout) {
    CommandResult r = runner.run(node, PartitionMinorityFaultWorker.LIST, timeout);
    if (!r.ok()) {
      throw new IllegalStateException("'" + PartitionMinorityFaultWorker.LIST + "' failed: "
          + r.summary());
    }
    List<List<String>> rules = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      List<String> words = Shell.split(line.strip());
      if (words.size() > 2 && "-A".equals(words.get(0)) && "OUTPUT".equals(words.get(1))) {
        rules.add(words);
      }
    }
    return rules;
  }
}
