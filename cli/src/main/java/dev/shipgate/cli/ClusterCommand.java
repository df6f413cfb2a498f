package dev.shipgate.cli;

import dev.shipgate.producer.campaign.CampaignLoader;
import dev.shipgate.producer.campaign.CampaignOverrides;
import dev.shipgate.producer.campaign.CampaignSpec;
import dev.shipgate.producer.campaign.CampaignValidationException;
import dev.shipgate.producer.campaign.DriverFactory;
import dev.shipgate.producer.campaign.LeaseKeeper;
import dev.shipgate.producer.campaign.NodeLeases;
import dev.shipgate.producer.campaign.Recovery;
import dev.shipgate.producer.lease.DriverIdentity;
import dev.shipgate.producer.publish.KafkaEventPublisher;
import dev.shipgate.producer.remote.CommandRunner;
import java.time.Clock;
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
        + " (host keys checked), under .shipgate/cluster/ (under /var/tmp/shipgate-cluster-*"
        + " when a directory above the checkout is closed to other users, as /root is). Needs root.",
        "up also writes .shipgate/cluster/campaign.yaml, ready for `shipgate run`.",
        "heal undoes what a dead driver left on the nodes (its lease says which campaign):"
            + " iptables rules tagged with it removed, stopped members SIGCONTed, killed members"
            + " restarted, each action printed and published for that campaign with its ABORTED"
            + " event; with no lease, the nodes are restored defensively. A live driver's lease"
            + " refuses it (exit 2)."})
public final class ClusterCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "ACTION", description = "up, down, status or heal")
  Action action;

  enum Action { up, down, status, heal }

  @Option(names = "--campaign", paramLabel = "CAMPAIGN.yaml",
      description = "heal: the nodes of this campaign file (default: the local cluster's"
          + " .shipgate/cluster/campaign.yaml)")
  Path campaignFile;

  @picocli.CommandLine.Mixin ConnectionOptions connection;

  @Option(names = "--target", defaultValue = "etcd", description = "etcd or redis (default: ${DEFAULT-VALUE})")
  String target;

  @Option(names = "--ssh-port", defaultValue = "2222", description = "sshd port on every node address (default: ${DEFAULT-VALUE})")
  int sshPort;

  @Override
  public Integer call() throws Exception {
    Path dir = Home.clusterDir();
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
        Path shown = campaign.startsWith(Home.dir()) ? Home.dir().relativize(campaign) : campaign;
        System.out.println("campaign file: " + shown + "  (./shipgate run " + shown + ")");
        return ExitCodes.OK;
      }
      case heal -> {
        return heal(campaignFile != null ? campaignFile : dir.resolve("campaign.yaml"));
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

  /** {@code shipgate cluster heal}: recovery on demand. */
  private int heal(Path file) {
    if (!Files.isRegularFile(file)) {
      System.err.println("shipgate: " + file + " is not a campaign file (start the cluster with"
          + " `shipgate cluster up`, or give --campaign FILE)");
      return ExitCodes.FAILURE;
    }
    CampaignSpec campaign;
    try {
      campaign = new CampaignLoader(Home.dir(), DriverFactory.knownFaultClasses(),
          Clock.systemUTC()).load(file, CampaignOverrides.none());
    } catch (CampaignValidationException e) {
      e.problems().forEach(p -> System.err.println("shipgate: " + file + ": " + p));
      return ExitCodes.USAGE;
    }
    KafkaEventPublisher publisher = null;
    try (CommandRunner runner = DriverFactory.commandRunner(campaign)) {
      if (reachable(connection.bootstrapServers())) {
        publisher = KafkaEventPublisher.create(producerConfig(), connection.registry());
      } else {
        System.out.println("recovery: no broker at " + connection.bootstrapServers()
            + "; healing without publishing");
      }
      List<Recovery.Action> actions = new LeaseKeeper(runner, campaign, publisher,
          Clock.systemUTC(), DriverIdentity.current(), System.out::println).healAll();
      System.out.println("heal: " + actions.size() + " action(s)");
      return ExitCodes.OK;
    } catch (NodeLeases.LeaseRefused e) {
      System.err.println("shipgate: " + Main.oneLine(e.getMessage()));
      return ExitCodes.FAILURE;
    } finally {
      if (publisher != null) {
        publisher.close();
      }
    }
  }

  /** Whether the first bootstrap server accepts a TCP connection within a second. */
  static boolean reachable(String bootstrapServers) {
    String first = bootstrapServers.split(",")[0].trim();
    int colon = first.lastIndexOf(':');
    if (colon < 0) {
      return false;
    }
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(first.substring(0, colon),
          Integer.parseInt(first.substring(colon + 1))), 1000);
      return true;
    } catch (java.io.IOException | IllegalArgumentException e) {
      return false;
    }
  }

  private java.util.Map<String, Object> producerConfig() {
    java.util.Map<String, Object> config = new java.util.HashMap<>();
    connection.clientProperties().forEach((k, v) -> config.put(k.toString(), v));
    return config;
  }
}
