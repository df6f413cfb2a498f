package dev.shipgate.cli;

import dev.shipgate.cli.harness.LocalCluster;
import dev.shipgate.cli.harness.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shipgate cluster up|down|status}: a real 3-node cluster on 127.0.0.11-13. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = {"A real 3-node cluster on this machine to run campaigns against: etcd (or"
        + " Redis) members on 127.0.0.11-13, each running as its own OS user behind its own sshd"
        + " (host keys checked), under .shipgate/cluster/. Needs root.",
        "up also writes .shipgate/cluster/campaign.yaml, ready for `shipgate run`."})
public final class ClusterCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "ACTION", description = "up, down or status")
  Action action;

  enum Action { up, down, status }

  @Option(names = "--target", defaultValue = "etcd", description = "etcd or redis (default: ${DEFAULT-VALUE})")
  String target;

  @Option(names = "--ssh-port", defaultValue = "2222", description = "sshd port on every node address (default: ${DEFAULT-VALUE})")
  int sshPort;

  @Override
  public Integer call() throws Exception {
    Path dir = Home.dir().resolve(".shipgate").resolve("cluster");
    switch (action) {
      case up -> {
        Optional<LocalCluster> running = LocalCluster.attach(dir);
        LocalCluster cluster = running.isPresent() && running.get().nodes().stream()
            .allMatch(n -> running.get().healthy(n)) ? running.get()
            : LocalCluster.start(dir, Target.parse(target), sshPort);
        System.out.println(cluster.describe());
        Path campaign = dir.resolve("campaign.yaml");
        Files.writeString(campaign, ClusterCampaign.yaml(cluster, "local-" + target,
            List.of(2, 4), cluster.target() == Target.ETCD
                ? List.of("kill_primary_mid_write", "partition_minority", "drop_random_acks")
                : List.of("kill_primary_mid_write", "drop_random_acks"), 5, 50));
        System.out.println("campaign file: " + Home.dir().relativize(campaign)
            + "  (./shipgate run " + Home.dir().relativize(campaign) + ")");
        return ExitCodes.OK;
      }
      case down -> {
        System.out.println(LocalCluster.down(dir) ? "cluster stopped" : "no cluster under " + dir);
        return ExitCodes.OK;
      }
      default -> {
        Optional<LocalCluster> c = LocalCluster.attach(dir);
        if (c.isEmpty()) {
          System.out.println("no cluster under " + dir);
          return ExitCodes.FAILURE;
        }
        System.out.println(c.get().describe());
        boolean healthy = c.get().nodes().stream().allMatch(n -> c.get().healthy(n));
        System.out.println(healthy ? "all nodes healthy" : "NOT all nodes healthy");
        return healthy ? ExitCodes.OK : ExitCodes.FAILURE;
      }
    }
  }
}
