package dev.shipgate.cli.harness;

import dev.shipgate.producer.remote.Node;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@link LocalCluster} runs on each of its nodes, and everything about it that differs from
 * one target to the next. LocalCluster does the rest the same way for every target: users, sshds,
 * data dirs, detaching the process as its node's user, PID files, stopping.
 *
 * <p>Implementations are stateless (apart from clients they reuse) and safe to share; {@link
 * Target#clusterTarget()} hands out the one for each target.
 */
public interface ClusterTarget {

  /** The absolute path of the binary every node runs; {@link LocalCluster} checks it is there. */
  String binary();

  /** The client port when none is given (etcd's JSON gateway, Redis's port). */
  int defaultClientPort();

  /** The peer port when none is given (the port partitions cut; Redis: its client port). */
  int defaultPeerPort();

  /**
   * Rejects ports this target cannot run on (Redis replicates over its client port; etcd needs
   * two), before anything is started.
   *
   * @throws IllegalArgumentException naming both ports
   */
  void checkPorts(int clientPort, int peerPort);

  /**
   * The argv that runs node {@code i} in the foreground (not yet detached nor run as the node's
   * user: {@link LocalCluster} wraps it).
   *
   * @param names every node's name, in node order
   * @param addresses every node's address, in node order; each node listens on its own
   * @param i the node's index; 0 is the configured primary
   * @param dataDir the node's data dir, owned by the node's user
   */
  List<String> startArgv(List<String> names, List<String> addresses, int i, Path dataDir,
      int clientPort, int peerPort);

  /**
   * Whether {@code node}'s process answers as a healthy member of the cluster, within about a
   * second; false (never an exception) when it does not answer.
   */
  boolean healthy(Node node);

  /** Where the version is in the output of {@code <binary> --version}: its first group. */
  java.util.regex.Pattern versionPattern();

  /** The version in the output of {@code <binary> --version}; empty when it holds none. */
  default Optional<String> parseVersion(String versionOutput) {
    java.util.regex.Matcher m = versionPattern().matcher(versionOutput);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * Whether {@link LocalCluster#close()} stops the nodes one after the other instead of all at
   * once (etcd: a leader hands over leadership on SIGTERM and waits for a live follower).
   */
  boolean stopsOneAtATime();
}
