package dev.shipgate.producer.check;

import dev.shipgate.events.CheckResult;
import dev.shipgate.producer.remote.CommandRunner;
import dev.shipgate.producer.remote.Node;
import java.util.List;

/**
 * The declared command checks of phases 1 and 3 for one kind of target: which commands run where,
 * and how their output becomes the {@code CheckResult} metrics Streams judges (see
 * {@code CheckResult.avsc}: {@code phase1.node} and {@code phase3.migration}).
 *
 * <p>A check measures, it never judges: it reports what the commands returned. A command that
 * fails, or whose output cannot be read, makes the result carry {@code error} (the phase is then
 * INCOMPLETE), never a made-up value. A metric that means nothing for the target is left out, not
 * filled in.
 */
public interface CheckProfile {

  /** The profile's name, e.g. {@code ai-memory}, {@code etcd}. */
  String name();

  /** Every declared command, phase 1 first, in the order they run (after the user's overrides). */
  List<CommandCheck> checks();

  /**
   * Runs phase 1 on every node, in order.
   *
   * @return one {@code phase1.node} result per node (source LIVE), with {@code error} when a
   *     command failed on that node
   */
  List<CheckResult> runPhase1(CommandRunner runner, List<Node> nodes, String campaignId);

  /**
   * Runs phase 3 on the first node.
   *
   * @return the {@code phase3.migration} result (source LIVE), with {@code error} when a command
   *     failed
   */
  CheckResult runPhase3(CommandRunner runner, List<Node> nodes, String campaignId);
}
