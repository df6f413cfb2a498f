package dev.shipgate.producer.lease;

/**
 * Where a running campaign records the faults it applies, so that nothing it leaves behind when
 * it dies goes unnoticed: {@link CampaignLease} writes them into the lease on every node.
 * Implementations never throw: a ledger that cannot be written is reported, the campaign goes on.
 */
public interface FaultLedger {

  /** A ledger that records nothing (a campaign run without a lease: unit tests, embedding). */
  FaultLedger NONE = new FaultLedger() {};

  /** Called before a fault is injected. */
  default void applying(LeasedFault fault) {}

  /** Called once the fault is healed (or was never applied). */
  default void healed(LeasedFault fault) {}

  /** Called when the campaign ends, before its final event: the lease is given up. */
  default void release() {}
}
