package dev.shipgate.cli;

import dev.shipgate.cli.harness.LocalCluster;
import dev.shipgate.cli.harness.Target;
import dev.shipgate.producer.remote.Node;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes a campaign file for a {@link LocalCluster}: the node-side paths (pid files, start
 * commands) and the SSH key and known_hosts are the harness's own, so the file runs as it is.
 *
 * <p>The settle is adaptive with a 10 s ceiling: measured here, a member cut off by an iptables
 * DROP can need several seconds after the heal before its peer connections recover (TCP
 * retransmission backoff), so a 3 s ceiling reports "slow" as "missing". Adaptive polling stops
 * as soon as every node holds every acknowledged write, so the ceiling costs nothing when
 * replication is prompt.
 */
final class ClusterCampaign {
  private ClusterCampaign() {}

  static String yaml(LocalCluster cluster, String campaignId, List<Integer> phases,
      List<String> faults, int cycles, int writesPerCycle) {
    String adapter = cluster.target() == Target.ETCD ? "etcd" : "redis";
    StringBuilder y = new StringBuilder();
    y.append("# Written by `shipgate cluster up` for the local cluster under ").append(cluster.dir())
        .append("\n# Run it with: ./shipgate run ").append(cluster.dir().resolve("campaign.yaml"))
        .append('\n');
    y.append("campaign_id: ").append(campaignId).append('\n');
    // the version the node binary reports (the harness runs the machine's own etcd/redis-server)
    y.append("target:\n  name: ").append(adapter).append('\n');
    cluster.targetVersion().ifPresent(v -> y.append("  version: ").append(quote(v)).append('\n'));
    y.append("  adapter: ").append(adapter).append("\n  settings: {}\n");
    y.append("nodes:\n");
    for (Node n : cluster.nodes()) {
      y.append("  - name: ").append(n.name()).append('\n')
          .append("    address: ").append(n.address()).append('\n')
          .append("    ssh_port: ").append(n.sshPort()).append('\n')
          .append("    user: ").append(n.user()).append('\n')
          .append("    private_key: ").append(quote(n.privateKey().toString())).append('\n')
          .append("    known_hosts: ").append(quote(n.knownHosts().toString())).append('\n')
          .append("    client_port: ").append(n.clientPort()).append('\n')
          .append("    peer_port: ").append(n.peerPort()).append('\n')
          .append("    pid_file: ").append(quote(n.pidFile())).append('\n')
          .append("    start_command: ").append(quote(n.startCommand())).append('\n')
          .append("    process_user: ").append(n.processUser()).append('\n');
    }
    y.append("ssh:\n  strict_host_key_checking: true\n  connect_timeout_ms: 5000\n"
        + "  command_timeout_ms: 15000\n  retries: 2\n");
    y.append("phases: [").append(phases.stream().map(String::valueOf)
        .collect(Collectors.joining(", "))).append("]\n");
    if (phases.contains(1) || phases.contains(3)) {
      y.append("check_profile: ").append(adapter).append('\n');
    }
    y.append("phase2:\n  agents: 4\n  writes_per_agent: 25\n");
    y.append("phase4:\n  faults: [").append(String.join(", ", faults)).append("]\n")
        .append("  cycles: ").append(cycles).append('\n')
        .append("  writes_per_cycle: ").append(writesPerCycle).append('\n')
        .append("  concurrency: 4\n  fault_after_write: 2\n  heal_delay_ms: 500\n")
        .append("  settle: {poll_interval_ms: 100, max_settle_ms: 10000, mode: adaptive}\n")
        .append("  recovery: {restart_killed: true, flush_partitions: true, resume_paused: true}\n");
    y.append("thresholds:\n  convergence_min: \"0.995\"\n");
    return y.toString();
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
