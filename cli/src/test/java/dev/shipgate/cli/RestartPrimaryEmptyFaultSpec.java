package dev.shipgate.cli;

import dev.shipgate.cli.harness.EmptyPrimaryRestart;
import dev.shipgate.cli.harness.LocalCluster;
import dev.shipgate.cli.harness.RespClient;
import dev.shipgate.events.FaultAction;
import dev.shipgate.producer.fault.FaultContext;
import dev.shipgate.producer.fault.FaultResult;
import dev.shipgate.producer.fault.FaultSpec;
import dev.shipgate.producer.fault.FaultWorker;
import dev.shipgate.producer.remote.Node;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A test-only fault class for the Redis harness: {@code restart_primary_empty} SIGKILLs the Redis
 * primary, empties its data dir and starts it again ({@link EmptyPrimaryRestart#restart});
 * the replicas resynchronise from the empty primary and drop every key. It runs on this machine
 * through the harness (not over SSH), says so in its mechanism, and reads the effect back (the
 * new PID, the primary's DBSIZE, the replicas' link to the new replication id) as evidence.
 *
 * <p>The loss is permanent: {@link FaultWorker#heal} has nothing to undo and reports HEALED with
 * the primary's state as evidence, saying that the data is not restored.
 */
final class RestartPrimaryEmptyFaultSpec implements FaultSpec {
  static final String FAULT_CLASS = "restart_primary_empty";
  static final String MECHANISM = "SIGKILL+empty-data-dir+restart (local harness)";
  private static final Logger log = LoggerFactory.getLogger(RestartPrimaryEmptyFaultSpec.class);

  private final LocalCluster cluster;

  RestartPrimaryEmptyFaultSpec(LocalCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public String faultClass() {
    return FAULT_CLASS;
  }

  @Override
  public Duration healDelay() {
    return Duration.ZERO;
  }

  @Override
  public FaultWorker newWorker() {
    return new FaultWorker() {
      @Override
      public FaultResult inject(FaultContext context) {
        Node p = cluster.primary();
        String command = "EmptyPrimaryRestart.restart(" + p.name() + ")";
        if (!context.primary().name().equals(p.name())) {
          return FaultResult.notApplied(context.primary().name(), MECHANISM, null, null,
              "the driver's primary is " + context.primary().name() + ", the harness's Redis"
                  + " primary is " + p.name());
        }
        OptionalLong before = cluster.targetPid(p);
        long dbsizeBefore = dbsize(p);
        try {
          EmptyPrimaryRestart.restart(cluster, Duration.ofSeconds(20));
        } catch (RuntimeException e) {
          return FaultResult.notApplied(p.name(), MECHANISM, command, null,
              "restart with an empty data dir failed: " + e.getMessage());
        }
        OptionalLong after = cluster.targetPid(p);
        String evidence = "primary " + p.name() + " pid " + show(before) + " killed, data dir"
            + " emptied, restarted as pid " + show(after) + "; DBSIZE " + dbsizeBefore + " -> "
            + dbsize(p) + "; replicas follow its new replication id " + replid(p);
        log.info("{} cycle {}: {}", FAULT_CLASS, context.cycle(), evidence);
        return new FaultResult(FaultAction.INJECTED, p.name(), MECHANISM, command, 0, evidence,
            null);
      }

      @Override
      public FaultResult heal(FaultContext context) {
        Node p = cluster.primary();
        return new FaultResult(FaultAction.HEALED, p.name(), MECHANISM, null, null,
            "nothing to undo: primary " + p.name() + " has run as pid "
                + show(cluster.targetPid(p)) + " since the restart (DBSIZE " + dbsize(p)
                + "); the wiped data is not restored", null);
      }
    };
  }

  private static String show(OptionalLong pid) {
    return pid.isPresent() ? String.valueOf(pid.getAsLong()) : "-";
  }

  private static long dbsize(Node n) {
    try (RespClient c = new RespClient(n.address(), n.clientPort(), Duration.ofSeconds(1))) {
      return (Long) c.call("DBSIZE");
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static String replid(Node n) {
    try (RespClient c = new RespClient(n.address(), n.clientPort(), Duration.ofSeconds(1))) {
      return RespClient.infoField((String) c.call("INFO", "replication"), "master_replid");
    } catch (IOException | RuntimeException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }
}
