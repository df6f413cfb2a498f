package dev.shipgate.producer.lease;

import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.remote.RemoteException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease of a running campaign: written on every node when taken, rewritten before each
 * injection and after each heal (so it always lists what is applied), renewed every
 * {@code renew} by a daemon thread, and deleted when the campaign ends. A write that fails is
 * reported (the node may be down for a moment); the campaign goes on.
 */
public final class CampaignLease implements FaultLedger {
  private static final Logger log = LoggerFactory.getLogger(CampaignLease.class);

  private final LeaseStore store;
  private final List<Node> nodes;
  private final Clock clock;
  private final Consumer<String> problems;
  private final Thread renewer;
  private Lease lease;
  private boolean released;

  private CampaignLease(LeaseStore store, List<Node> nodes, Lease lease, Clock clock,
      Duration renew, Consumer<String> problems) {
    this.store = store;
    this.nodes = List.copyOf(nodes);
    this.lease = lease;
    this.clock = clock;
    this.problems = problems;
    this.renewer = new Thread(() -> renewEvery(renew), "shipgate-lease-" + lease.campaignId());
    this.renewer.setDaemon(true);
  }

  /**
   * Writes a fresh lease of {@code campaignId} on every node and starts renewing it.
   *
   * @throws RemoteException when a node cannot take it (the lease is deleted again from the
   *     others)
   */
  public static CampaignLease take(LeaseStore store, List<Node> nodes, String campaignId,
      DriverIdentity me, Clock clock, Duration renew, Consumer<String> problems) {
    Lease lease = new Lease(campaignId, me, clock.instant(), clock.instant(), List.of());
    CampaignLease taken = new CampaignLease(store, nodes, lease, clock, renew, problems);
    List<Node> written = new ArrayList<>();
    try {
      for (Node n : nodes) {
        store.write(n, lease);
        written.add(n);
      }
    } catch (RemoteException e) {
      for (Node n : written) {
        try {
          store.delete(n);
        } catch (RemoteException ignored) {
          // reported by the caller's failure
        }
      }
      throw e;
    }
    taken.renewer.start();
    return taken;
  }

  /** The lease as last written. */
  public synchronized Lease current() {
    return lease;
  }

  @Override
  public synchronized void applying(LeasedFault fault) {
    List<LeasedFault> faults = new ArrayList<>(lease.faults());
    faults.add(fault);
    write(lease.withFaults(faults, clock.instant()));
  }

  @Override
  public synchronized void healed(LeasedFault fault) {
    List<LeasedFault> faults = new ArrayList<>(lease.faults());
    if (faults.remove(fault)) {
      write(lease.withFaults(faults, clock.instant()));
    }
  }

  @Override
  public void release() {
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
    }
    renewer.interrupt();
    for (Node n : nodes) {
      try {
        store.delete(n);
      } catch (RemoteException e) {
        problems.accept("lease not deleted on node " + n.name() + ": " + e.getMessage());
      }
    }
  }

  private void write(Lease next) {
    if (released) {
      return;
    }
    lease = next;
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (Node n : nodes) {
      writes.add(CompletableFuture.runAsync(() -> {
        try {
          store.write(n, next);
        } catch (RemoteException e) {
          log.warn("lease of {} not written on node {}: {}", next.campaignId(), n.name(),
              e.getMessage());
          problems.accept("lease not written on node " + n.name() + ": " + e.getMessage());
        }
      }));
    }
    writes.forEach(CompletableFuture::join);
  }

  private void renewEvery(Duration renew) {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.sleep(renew.toMillis());
        synchronized (this) {
          if (released) {
            return;
          }
          write(lease.withFaults(lease.faults(), clock.instant()));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
