package dev.shipgate.producer.fault;

/**
 * Applies one fault (Trogdor's {@code TaskWorker}). {@link #inject} acts and reads the effect
 * back from the node; {@link #heal} undoes it and reads that back too. A worker that fails
 * reports it (NOT_APPLIED with the reason), never swallows it. Workers are used once per cycle.
 */
public interface FaultWorker {

  FaultResult inject(FaultContext context);

  /**
   * Undoes the fault. For a kill this restarts the process (the recovery between cycles); for a
   * fault that was NOT_APPLIED it does nothing and returns null.
   */
  FaultResult heal(FaultContext context);

  /**
   * Removes any trace this fault class can leave (iptables rules tagged with the campaign, stopped
   * processes) — run defensively at the start of each cycle and on abort. Never throws.
   */
  default void cleanUp(FaultContext context) {}
}
