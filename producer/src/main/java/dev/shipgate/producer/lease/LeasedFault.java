package dev.shipgate.producer.lease;

import java.time.Instant;

/**
 * One fault a driver is applying or has applied, as its lease records it before the injection
 * (and drops after the heal): what a driver that takes over must undo if this one dies.
 *
 * @param phase 2 (the quorum probes) or 4
 * @param fault fault class (probe1_single_peer_down, partition_minority ...)
 * @param cycle phase 4 cycle, null for phase 2
 * @param node the node acted on
 * @param mechanism SIGKILL, iptables, SIGSTOP, libfaketime ...
 * @param since when the driver recorded it
 */
public record LeasedFault(int phase, String fault, Integer cycle, String node, String mechanism,
    Instant since) {}
