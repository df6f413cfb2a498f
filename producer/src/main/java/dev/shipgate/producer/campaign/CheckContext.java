package dev.shipgate.producer.campaign;

import dev.shipgate.producer.remote.CommandRunner;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.target.TargetAdapter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What a phase 1 / phase 3 check profile works with.
 *
 * @param campaignId the campaign (set it on every CheckResult)
 * @param profile the campaign's check_profile
 * @param settings the campaign's check_settings
 * @param nodes the cluster, index order
 * @param primary the current primary
 * @param runner how commands reach the nodes
 * @param adapter the target adapter
 * @param commandTimeout timeout of each remote command
 * @param aborted true once the campaign is being aborted: stop early
 */
public record CheckContext(String campaignId, String profile, Map<String, String> settings,
    List<Node> nodes, Node primary, CommandRunner runner, TargetAdapter adapter,
    Duration commandTimeout, BooleanSupplier aborted) {}
