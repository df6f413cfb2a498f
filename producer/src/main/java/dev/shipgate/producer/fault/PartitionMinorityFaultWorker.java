package dev.shipgate.producer.fault;

import dev.shipgate.events.FaultAction;
import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.remote.Shell;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Partitions the primary P from every peer Q. On loopback every connection leaves from
 * 127.0.0.1, so rules match the owner of the packets and their destination: for each Q, in order,
 * {@code iptables -I OUTPUT -m owner --uid-owner <P.user> -d <Q.address> ... -j DROP} on P and the
 * same with {@code <Q.user> -d <P.address>} on Q, each tagged
 * {@code -m comment --comment shipgate:<campaign>}. The driver runs as root, so it still reaches
 * every node.
 *
 * <p>Inject reads each user's uid ({@code id -u <user>}: iptables lists owners by uid), inserts
 * the rules, then lists {@code iptables -S OUTPUT} on each node: every rule must be listed, else
 * the inserted rules are deleted again and the fault is NOT_APPLIED. Heal deletes exactly those
 * rules and lists again: evidence is their absence. Clean-up deletes every rule tagged with this
 * campaign, whoever inserted it.
 */
public final class PartitionMinorityFaultWorker implements FaultWorker {
  private static final Logger log = LoggerFactory.getLogger(PartitionMinorityFaultWorker.class);
  static final String MECHANISM = "iptables";
  static final String LIST = "iptables -S OUTPUT";
  public static final String NO_USERS =
      "nodes do not run as distinct users; a loopback partition cannot be applied";

  private List<OwnerDropRule> applied = List.of();
  private Map<OwnerDropRule, String> uids = Map.of();

  PartitionMinorityFaultWorker() {}

  /** The rules of a partition of {@code primary} from {@code peers}, in insertion order. */
  static List<OwnerDropRule> rules(Node primary, List<Node> peers, String campaignId) {
    List<OwnerDropRule> rules = new ArrayList<>();
    for (Node q : peers) {
      rules.add(new OwnerDropRule(primary, primary.processUser(), q.address(), campaignId));
      rules.add(new OwnerDropRule(q, q.processUser(), primary.address(), campaignId));
    }
    return rules;
  }

  @Override
  public FaultResult inject(FaultContext ctx) {
    Node p = ctx.primary();
    if (ctx.peers().isEmpty()) {
      return FaultResult.notApplied(p.name(), MECHANISM, null, null, "no peers to partition from");
    }
    Set<String> users = new LinkedHashSet<>();
    users.add(p.processUser());
    for (Node q : ctx.peers()) {
      users.add(q.processUser());
    }
    if (users.contains(null) || users.size() != ctx.peers().size() + 1) {
      return FaultResult.notApplied(p.name(), MECHANISM, null, null, NO_USERS);
    }
    List<OwnerDropRule> rules = rules(p, ctx.peers(), ctx.campaignId());
    List<OwnerDropRule> inserted = new ArrayList<>();
    try {
      Map<OwnerDropRule, String> uidOf = resolveUids(ctx, rules);
      for (OwnerDropRule rule : rules) {
        String insert = rule.insertCommand();
        CommandResult r = NodeProcess.run(ctx, rule.node(), insert);
        if (!r.ok()) {
          String rolledBack = rollBack(ctx, inserted);
          return FaultResult.notApplied(p.name(), MECHANISM, insert, r.exitStatus(),
              "iptables insert failed on node " + rule.node().name() + ": " + r.summary()
                  + "; " + rolledBack);
        }
        inserted.add(rule);
      }
      List<String> listed = new ArrayList<>();
      List<OwnerDropRule> missing = new ArrayList<>();
      Map<Node, List<String>> listings = list(ctx, nodesOf(rules));
      for (OwnerDropRule rule : rules) {
        String line = listings.get(rule.node()).stream()
            .filter(l -> rule.matches(l, uidOf.get(rule))).findFirst().orElse(null);
        if (line == null) {
          missing.add(rule);
        } else {
          listed.add(rule.node().name() + ": " + line);
        }
      }
      String commands = rules.stream().map(OwnerDropRule::insertCommand)
          .collect(Collectors.joining("; "));
      if (!missing.isEmpty()) {
        String rolledBack = rollBack(ctx, inserted);
        return FaultResult.notApplied(p.name(), MECHANISM, commands, 0,
            "rule(s) not listed by '" + LIST + "' after insert: "
                + missing.stream().map(OwnerDropRule::describe).collect(Collectors.joining(", "))
                + "; " + rolledBack);
      }
      applied = List.copyOf(rules);
      uids = uidOf;
      String evidence = String.join("; ", listed);
      log.info("Fault {} on node {}: {} rules listed: {}", PartitionMinorityFaultSpec.FAULT_CLASS,
          p.name(), listed.size(), evidence);
      return new FaultResult(FaultAction.INJECTED, p.name(), MECHANISM, commands, 0, evidence,
          null);
    } catch (StepFailure e) {
      String rolledBack = rollBack(ctx, inserted);
      return FaultResult.notApplied(p.name(), MECHANISM, e.command(), e.exitStatus(),
          e.getMessage() + (inserted.isEmpty() ? "" : "; " + rolledBack));
    }
  }

  @Override
  public FaultResult heal(FaultContext ctx) {
    if (applied.isEmpty()) {
      return null;
    }
    Node p = ctx.primary();
    List<String> deleteProblems = new ArrayList<>();
    for (OwnerDropRule rule : applied) {
      try {
        CommandResult r = NodeProcess.run(ctx, rule.node(), rule.deleteCommand());
        if (!r.ok()) {
          deleteProblems.add(rule.describe() + " (" + r.summary() + ")");
        }
      } catch (StepFailure e) {
        deleteProblems.add(rule.describe() + " (" + e.getMessage() + ")");
      }
    }
    String commands = applied.stream().map(OwnerDropRule::deleteCommand)
        .collect(Collectors.joining("; "));
    try {
      Map<Node, List<String>> listings = list(ctx, nodesOf(applied));
      List<String> left = new ArrayList<>();
      for (OwnerDropRule rule : applied) {
        listings.get(rule.node()).stream().filter(l -> rule.matches(l, uids.get(rule)))
            .findFirst().ifPresent(l -> left.add(rule.node().name() + ": " + l));
      }
      if (!left.isEmpty()) {
        return FaultResult.notApplied(p.name(), MECHANISM, commands,
            deleteProblems.isEmpty() ? 0 : 1, "rule(s) still listed after delete: "
                + String.join("; ", left));
      }
      int n = applied.size();
      applied = List.of();
      String evidence = "none of the " + n + " rules commented "
          + OwnerDropRule.comment(ctx.campaignId()) + " listed by '" + LIST + "' on nodes "
          + listings.keySet().stream().map(Node::name).collect(Collectors.joining(", "))
          + (deleteProblems.isEmpty() ? "" : " (delete reported: "
              + String.join("; ", deleteProblems) + ")");
      log.info("Healed {} on node {}: {}", PartitionMinorityFaultSpec.FAULT_CLASS, p.name(),
          evidence);
      return new FaultResult(FaultAction.HEALED, p.name(), MECHANISM, commands,
          deleteProblems.isEmpty() ? 0 : 1, evidence, null);
    } catch (StepFailure e) {
      return FaultResult.notApplied(p.name(), MECHANISM, e.command(), e.exitStatus(),
          e.getMessage());
    }
  }

  /**
   * Lists OUTPUT on every node and deletes each rule whose comment is exactly
   * {@code shipgate:<campaign>} (rules of other campaigns are left alone). Never throws.
   */
  @Override
  public void cleanUp(FaultContext ctx) {
    List<Node> nodes = new ArrayList<>();
    nodes.add(ctx.primary());
    nodes.addAll(ctx.peers());
    for (Node node : nodes) {
      TaggedRules.remove(ctx.runner(), node, ctx.commandTimeout(),
          TaggedRules.ofCampaign(ctx.campaignId()));
    }
    applied = List.of();
  }

  private Map<OwnerDropRule, String> resolveUids(FaultContext ctx, List<OwnerDropRule> rules) {
    Map<String, String> byNodeAndUser = new LinkedHashMap<>();
    Map<OwnerDropRule, String> out = new LinkedHashMap<>();
    for (OwnerDropRule rule : rules) {
      String key = rule.node().name() + "\n" + rule.user();
      String uid = byNodeAndUser.get(key);
      if (uid == null) {
        String command = "id -u " + Shell.quote(rule.user());
        CommandResult r = NodeProcess.run(ctx, rule.node(), command);
        uid = r.stdout().strip();
        if (!r.ok() || !uid.matches("[0-9]+")) {
          throw new StepFailure("user " + rule.user() + " not found on node " + rule.node().name()
              + " (" + r.summary() + ")", command, r.exitStatus());
        }
        byNodeAndUser.put(key, uid);
      }
      out.put(rule, uid);
    }
    return out;
  }

  private static List<Node> nodesOf(List<OwnerDropRule> rules) {
    List<Node> nodes = new ArrayList<>();
    for (OwnerDropRule rule : rules) {
      if (!nodes.contains(rule.node())) {
        nodes.add(rule.node());
      }
    }
    return nodes;
  }

  private static Map<Node, List<String>> list(FaultContext ctx, List<Node> nodes) {
    Map<Node, List<String>> out = new LinkedHashMap<>();
    for (Node node : nodes) {
      CommandResult r = NodeProcess.run(ctx, node, LIST);
      if (!r.ok()) {
        throw new StepFailure("'" + LIST + "' failed on node " + node.name() + ": " + r.summary(),
            LIST, r.exitStatus());
      }
      out.put(node, r.stdout().lines().map(String::strip).toList());
    }
    return out;
  }

  /** Deletes {@code inserted} in reverse order; says what it did, for the NOT_APPLIED reason. */
  private static String rollBack(FaultContext ctx, List<OwnerDropRule> inserted) {
    List<String> failed = new ArrayList<>();
    for (int i = inserted.size() - 1; i >= 0; i--) {
      OwnerDropRule rule = inserted.get(i);
      try {
        CommandResult r = NodeProcess.run(ctx, rule.node(), rule.deleteCommand());
        if (!r.ok()) {
          failed.add(rule.describe() + " (" + r.summary() + ")");
        }
      } catch (StepFailure e) {
        failed.add(rule.describe() + " (" + e.getMessage() + ")");
      }
    }
    return "rolled back " + (inserted.size() - failed.size()) + " of " + inserted.size()
        + " inserted rule(s)" + (failed.isEmpty() ? ""
            : "; could not delete " + String.join(", ", failed));
  }
}
