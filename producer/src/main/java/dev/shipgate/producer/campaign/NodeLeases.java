package dev.shipgate.producer.campaign;

import dev.shipgate.producer.lease.FaultLedger;

/** Grants a campaign the nodes before its first event ({@link LeaseKeeper}). */
@FunctionalInterface
public interface NodeLeases {

  /**
   * The lease of {@code campaignId}, where the run records the faults it applies.
   *
   * @throws LeaseRefused when the nodes cannot be granted (another driver runs on them, a lease
   *     cannot be read, a node cannot be reached)
   */
  FaultLedger take(String campaignId);

  /** Refused: another driver holds the nodes, or a node's lease cannot be read. */
  final class LeaseRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LeaseRefused(String message) {
      super(message, null, false, false);
    }
  }
}
