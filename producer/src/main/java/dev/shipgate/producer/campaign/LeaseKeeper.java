package dev.shipgate.producer.campaign;

import dev.shipgate.producer.lease.CampaignLease;
import dev.shipgate.producer.lease.DriverIdentity;
import dev.shipgate.producer.lease.Lease;
import dev.shipgate.producer.lease.LeaseStore;
import dev.shipgate.producer.lease.LeaseStore.Found;
import dev.shipgate.producer.publish.EventPublisher;
import dev.shipgate.producer.remote.CommandRunner;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.remote.RemoteException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Who may drive the nodes. Before a campaign touches them, every node's lease is read: a lease of
 * another driver that still runs refuses the campaign (two drivers at once would count each
 * other's faults); a lease whose driver is gone is healed first ({@link Recovery}) and its campaign
 * marked ABORTED; then the campaign takes its own lease ({@link CampaignLease}). {@code shipgate
 * cluster heal} does the same without a campaign to follow.
 */
public final class LeaseKeeper implements NodeLeases {
  private final CommandRunner runner;
  private final List<Node> nodes;
  private final LeaseStore store;
  private final CampaignSpec.LeaseSpec spec;
  private final Duration timeout;
  private final EventPublisher publisher;
  private final Clock clock;
  private final DriverIdentity me;
  private final Consumer<String> out;

  public LeaseKeeper(CommandRunner runner, CampaignSpec campaign, EventPublisher publisher,
      Clock clock, DriverIdentity me, Consumer<String> out) {
    this.runner = runner;
    this.nodes = campaign.clusterNodes();
    this.spec = campaign.lease();
    this.timeout = campaign.ssh().commandTimeout();
    this.store = new LeaseStore(runner, spec.dir(), timeout);
    this.publisher = publisher;
    this.clock = clock;
    this.me = me;
    this.out = out;
  }

  /**
   * Heals what dead drivers left, then takes the lease for {@code campaignId}.
   *
   * @throws LeaseRefused when another driver still runs, a lease cannot be read, or a node
   *     cannot be reached
   */
  @Override
  public CampaignLease take(String campaignId) {
    Map<String, Lease> dead = readAndRefuseLive();
    for (Lease lease : dead.values()) {
      new Recovery(runner, nodes, timeout, publisher, clock, out).heal(lease, "campaign "
          + campaignId + " taking over");
      deleteLeases(lease.campaignId());
    }
    try {
      return CampaignLease.take(store, nodes, campaignId, me, clock,
          Duration.ofMillis(spec.renewMs()), out);
    } catch (RemoteException e) {
      throw new LeaseRefused("the lease could not be written: " + e.getMessage());
    }
  }

  /**
   * {@code shipgate cluster heal}: heals what dead drivers left (or, with no lease at all,
   * restores every node defensively) and deletes their leases.
   *
   * @throws LeaseRefused when a driver still runs on the nodes
   */
  public List<Recovery.Action> healAll() {
    Map<String, Lease> dead = readAndRefuseLive();
    Recovery recovery = new Recovery(runner, nodes, timeout, publisher, clock, out);
    List<Recovery.Action> actions = new ArrayList<>();
    if (dead.isEmpty()) {
      out.accept("recovery: no lease on the nodes; restoring them defensively");
      actions.addAll(recovery.healUnclaimed());
    }
    for (Lease lease : dead.values()) {
      actions.addAll(recovery.heal(lease, "shipgate cluster heal"));
      deleteLeases(lease.campaignId());
    }
    return actions;
  }

  /** The leases of dead drivers, by campaign; refuses a live one or an unreadable one. */
  private Map<String, Lease> readAndRefuseLive() {
    Instant now = clock.instant();
    Duration ttl = Duration.ofMillis(spec.ttlMs());
    Map<String, Lease> dead = new LinkedHashMap<>();
    for (Node n : nodes) {
      Found found;
      try {
        found = store.read(n);
      } catch (RemoteException e) {
        throw new LeaseRefused("node " + n.name() + " (" + n.sshTarget() + ") cannot be reached:"
            + " " + e.getMessage());
      }
      if (found instanceof Found.Unreadable u) {
        throw new LeaseRefused("node " + n.name() + ": " + store.path(n) + " is not a lease ("
            + u.problem() + "); look at it, then remove it and run `shipgate cluster heal`");
      }
      if (found instanceof Found.Held held) {
        Lease lease = held.lease();
        if (lease.fresh(me, now, ttl)) {
          throw new LeaseRefused("the nodes are held by " + lease.describe(now) + ", which still"
              + " runs; two drivers at once on the same nodes are refused (its lease on node "
              + n.name() + ": " + store.path(n) + ")");
        }
        dead.putIfAbsent(lease.campaignId(), lease);
      }
    }
    return dead;
  }

  private void deleteLeases(String campaignId) {
    for (Node n : nodes) {
      try {
        if (store.read(n) instanceof Found.Held held
            && held.lease().campaignId().equals(campaignId)) {
          store.delete(n);
        }
      } catch (RemoteException e) {
        out.accept("recovery: lease of " + campaignId + " not deleted on node " + n.name() + ": "
            + e.getMessage());
      }
    }
  }
}
