package dev.shipgate.producer.fault;

import dev.shipgate.producer.remote.CommandRunner;
import dev.shipgate.producer.remote.Node;
import java.time.Duration;
import java.util.List;

/**
 * What a worker acts on.
 *
 * @param runner how commands reach the nodes
 * @param primary the current primary (leader) — the target of kill and partition
 * @param peers the other nodes; pause and skew pick one of them
 * @param campaignId tags iptables rules (comment {@code shipgate:<campaignId>}) so that they can be
 *     found and flushed defensively
 * @param cycle the cycle number (for logs and events)
 * @param commandTimeout timeout of each command
 */
public record FaultContext(CommandRunner runner, Node primary, List<Node> peers, String campaignId,
    int cycle, Duration commandTimeout) {}
