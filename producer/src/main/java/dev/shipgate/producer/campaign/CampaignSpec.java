package dev.shipgate.producer.campaign;

import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.GateConfig;
import dev.shipgate.events.Thresholds;
import dev.shipgate.producer.remote.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A campaign file, validated: everything {@code shipgate run} needs to drive a campaign. Built
 * only by {@link CampaignLoader}, which reports every problem of a file at once.
 *
 * @param campaignId the campaign id (valid per {@link dev.shipgate.schemas.CampaignIds})
 * @param target the system under test and its adapter
 * @param nodes exactly three nodes, index 0 is the configured primary
 * @param allowRemote true when nodes may have non-loopback addresses (explicit opt-in)
 * @param ssh how commands reach the nodes
 * @param phases enabled phases, ascending, a subset of 1-4
 * @param checkProfile check profile of phases 1 and 3 (null when neither is enabled)
 * @param checkSettings settings of that profile
 * @param phase2 phase 2 (concurrent agents and quorum probes)
 * @param phase4 phase 4 (fault cycles)
 * @param thresholds pass thresholds, published in the STARTED event
 * @param namespaceRoot first part of every namespace the campaign writes under (see
 *     {@link Namespaces})
 * @param lease where and how the driver keeps its lease on the nodes
 */
public record CampaignSpec(String campaignId, TargetSpec target, List<NodeSpec> nodes,
    boolean allowRemote, SshSpec ssh, List<Integer> phases, String checkProfile,
    Map<String, String> checkSettings, Phase2Spec phase2, Phase4Spec phase4,
    ThresholdSpec thresholds, String namespaceRoot, LeaseSpec lease, LivenessSpec liveness,
    GateConfig gate) {

  /** The namespace root when the file names none. */
  public static final String DEFAULT_NAMESPACE_ROOT = "shipgate";

  /** The fault classes of the seed, in the seed's order. */
  public static final List<String> KNOWN_FAULTS = List.of("kill_primary_mid_write",
      "partition_minority", "drop_random_acks", "clock_skew_peer");

  /** Adapters {@code target.adapter} may name. */
  public static final List<String> KNOWN_ADAPTERS = List.of("etcd", "redis", "ai-memory");

  public CampaignSpec {
    nodes = List.copyOf(nodes);
    phases = List.copyOf(phases);
    checkSettings = Map.copyOf(checkSettings);
  }

  /**
   * @param name system under test (events: target_name)
   * @param version its version, if known
   * @param ref its git ref, if known
   * @param commit its git commit, if known
   * @param adapter etcd, redis or ai-memory
   * @param settings adapter settings, as strings
   */
  public record TargetSpec(String name, String version, String ref, String commit, String adapter,
      Map<String, String> settings) {
    public TargetSpec {
      settings = Map.copyOf(settings);
    }
  }

  /** One node as configured; see {@link Node} for the meaning of each field. */
  public record NodeSpec(String name, String address, int sshPort, String user, Path privateKey,
      Path knownHosts, int clientPort, int peerPort, String pidFile, String startCommand,
      String processUser) {

    public Node toNode(int index) {
      return new Node(name, index, address, sshPort, user, privateKey, knownHosts, clientPort,
          peerPort, pidFile, startCommand, processUser);
    }
  }

  /**
   * @param strictHostKeyChecking verify host keys against known_hosts (default true; false must be
   *     written explicitly, warns, and is recorded in the STARTED event)
   * @param connectTimeoutMs SSH connect timeout
   * @param commandTimeoutMs timeout of each remote command
   * @param retries retries of a transient SSH failure (never of a permanent one)
   */
  public record SshSpec(boolean strictHostKeyChecking, int connectTimeoutMs, int commandTimeoutMs,
      int retries) {
    public Duration commandTimeout() {
      return Duration.ofMillis(commandTimeoutMs);
    }
  }

  /** How the driver waits for replication after a burst of writes. */
  public enum SettleMode {
    /** Poll every poll_interval until every live node holds every acked write, or max_settle. */
    ADAPTIVE,
    /** Wait max_settle, then observe once (the seed's fixed settle). */
    FIXED;

    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param pollIntervalMs time between polls while the writes run and after them
   * @param maxSettleMs how long after the last answer the driver polls at most
   * @param mode adaptive or fixed
   * @param seedSettleMs the seed's fixed settle after the last answer: the poll that starts then is
   *     the one the convergence bound counts (phase 4); later polls tell slow from lost
   * @param backoffAfterMs after this long settling, polls are {@code backoffIntervalMs} apart
   * @param backoffIntervalMs the poll interval after {@code backoffAfterMs}
   * @param duringWrites phase 4: poll while the writes run too, so a write's visibility is
   *     measured from its acknowledgement rather than from the end of the burst
   */
  public record SettleSpec(int pollIntervalMs, int maxSettleMs, SettleMode mode,
      int seedSettleMs, int backoffAfterMs, int backoffIntervalMs, boolean duringWrites) {

    /** The poll interval {@code elapsedMs} into the settle. */
    public int intervalAt(long elapsedMs) {
      return elapsedMs >= backoffAfterMs ? Math.max(pollIntervalMs, backoffIntervalMs)
          : pollIntervalMs;
    }
  }

  /**
   * Phase 2: {@code agents} concurrent agents each write {@code writesPerAgent} records
   * ({@code p2-a<agent>-w<seq>}) under {@link Namespaces#phase2()}, then two quorum probes.
   */
  public record Phase2Spec(int agents, int writesPerAgent, SettleSpec settle,
      int healthyTimeoutMs) {}

  /**
   * The driver's lease on the nodes ({@code dev.shipgate.producer.lease}): a file per node,
   * renewed every {@code renewMs}, taken as abandoned {@code ttlMs} after its last renewal (at
   * once when its driver ran on this machine and is gone).
   *
   * @param dir directory of the lease files on the nodes
   */
  /**
   * How long Streams waits on this campaign's silent driver: CAMPAIGN_STALLED after
   * {@code stallAfterMs}, judged ABORTED after {@code abandonAfterMs}.
   */
  public record LivenessSpec(long stallAfterMs, long abandonAfterMs) {
    /** 3 x the longest silence of a phase 4 cycle (heal + settle + healthy wait), >= 30 s. */
    public static long defaultStallMs(Phase4Spec phase4) {
      long cycle = phase4 == null ? 0 : (long) phase4.healDelayMs()
          + phase4.settle().maxSettleMs() + phase4.healthyTimeoutMs();
      return Math.max(30_000, 3 * cycle);
    }
  }

  public record LeaseSpec(String dir, int ttlMs, int renewMs) {
    public static final String DEFAULT_DIR = "/var/tmp/shipgate";

    public static LeaseSpec defaults() {
      return new LeaseSpec(DEFAULT_DIR, 60_000, 10_000);
    }
  }

  /**
   * Where a campaign's records live on the target: every namespace carries the campaign id, so a
   * rerun on the same nodes never finds an earlier campaign's records under its own names.
   * Phase 2 writes under {@code <root>/<campaign>/phase2}, its probes under
   * {@code <root>/<campaign>/phase2-probes}, phase 4 cycle N of a fault class under
   * {@code <root>/<campaign>/phase4/<fault>/c<N>}. The root and the campaign id contain no
   * {@code /}; etcd keys are {@code <namespace>/<write id>}, Redis keys
   * {@code <namespace>:<write id>}, ai-memory takes the namespace as it is.
   */
  public record Namespaces(String root, String campaignId) {
    public String phase2() {
      return root + "/" + campaignId + "/phase2";
    }

    public String probes() {
      return root + "/" + campaignId + "/phase2-probes";
    }

    public String cycle(String fault, int cycle) {
      return root + "/" + campaignId + "/phase4/" + fault + "/c" + cycle;
    }
  }

  public Namespaces namespaces() {
    return new Namespaces(namespaceRoot, campaignId);
  }

  /** What is restored after every cycle (and on abort). */
  public record RecoverySpec(boolean restartKilled, boolean flushPartitions,
      boolean resumePaused) {}

  /**
   * Phase 4.
   *
   * @param faults fault classes in run order
   * @param cycles cycles per fault class
   * @param writesPerCycle writes per cycle ({@code c<cycle>-w<seq>})
   * @param concurrency writes in flight at a time
   * @param faultAfterWrite the fault is injected once write k has been answered (seed: 2)
   * @param healDelayMs how long a non-kill fault stays before it is healed (seed: 500)
   * @param settle settle schedule after the writes
   * @param recovery what is restored after each cycle
   * @param healthyTimeoutMs how long to wait for every node to be healthy before a cycle
   * @param faultSettings per fault class, that class's own settings (strings; each fault spec
   *     documents and validates its keys)
   */
  public record Phase4Spec(List<String> faults, int cycles, int writesPerCycle, int concurrency,
      int faultAfterWrite, int healDelayMs, SettleSpec settle, RecoverySpec recovery,
      int healthyTimeoutMs, Map<String, Map<String, String>> faultSettings) {

    public Phase4Spec {
      faults = List.copyOf(faults);
      Map<String, Map<String, String>> copy = new LinkedHashMap<>();
      faultSettings.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
      faultSettings = java.util.Collections.unmodifiableMap(copy);
    }
  }

  /** Pass thresholds; defaults are the seed's (see Thresholds.avsc). */
  public record ThresholdSpec(String convergenceMin, int phase2CountPercent, long phase3Expected,
      int phase1MinMcpTools, int phase1MaxCuratorErrors, double wilsonConfidenceZ,
      Long visibilityP99Ms) {

    public static ThresholdSpec defaults() {
      Thresholds t = Thresholds.newBuilder().build();
      return new ThresholdSpec(t.getConvergenceMin(), t.getPhase2CountPercent(),
          t.getPhase3Expected(), t.getPhase1MinMcpTools(), t.getPhase1MaxCuratorErrors(),
          t.getWilsonConfidenceZ(), t.getVisibilityP99Ms());
    }

    public Thresholds toAvro() {
      return Thresholds.newBuilder().setConvergenceMin(convergenceMin)
          .setPhase2CountPercent(phase2CountPercent).setPhase3Expected(phase3Expected)
          .setPhase1MinMcpTools(phase1MinMcpTools)
          .setPhase1MaxCuratorErrors(phase1MaxCuratorErrors)
          .setWilsonConfidenceZ(wilsonConfidenceZ).setVisibilityP99Ms(visibilityP99Ms).build();
    }
  }

  /** The nodes as the remote layer sees them, index 0 first. */
  public List<Node> clusterNodes() {
    List<Node> out = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      out.add(nodes.get(i).toNode(i));
    }
    return out;
  }

  public boolean phaseEnabled(int phase) {
    return phases.contains(phase);
  }

  private static final Pattern SECRET = Pattern.compile("(?i).*(password|passwd|secret|token|auth).*");

  /**
   * The configuration published in the STARTED event: the named fields, and every other setting
   * as strings in {@code settings} (adapter settings whose key looks like a secret are masked).
   */
  public CampaignConfig toConfig() {
    List<String> nodeNames = nodes.stream().map(NodeSpec::name).toList();
    boolean runs4 = phaseEnabled(4);
    return CampaignConfig.newBuilder()
        .setTargetName(target.name())
        .setTargetVersion(target.version())
        .setTargetRef(target.ref())
        .setTargetCommit(target.commit())
        .setPhasesEnabled(phases)
        .setNodes(nodeNames)
        .setFaults(runs4 ? phase4.faults() : List.of())
        .setCyclesPerFault(runs4 ? phase4.cycles() : null)
        .setWritesPerCycle(runs4 ? phase4.writesPerCycle() : null)
        .setThresholds(thresholds.toAvro())
        .setHostKeyChecking(ssh.strictHostKeyChecking())
        .setSettings(settings())
        .setStallAfterMs(liveness == null ? null : liveness.stallAfterMs())
        .setAbandonAfterMs(liveness == null ? null : liveness.abandonAfterMs())
        .setGate(gate)
        .build();
  }

  /** Every setting not carried by a named field of CampaignConfig, flattened to strings. */
  public Map<String, String> settings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("target.adapter", target.adapter());
    target.settings().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
        s.put("target.settings." + e.getKey(),
            SECRET.matcher(e.getKey()).matches() ? "***" : e.getValue()));
    s.put("allow_remote", String.valueOf(allowRemote));
    s.put("namespace_root", namespaceRoot);
    s.put("lease.dir", lease.dir());
    s.put("lease.ttl_ms", String.valueOf(lease.ttlMs()));
    s.put("lease.renew_ms", String.valueOf(lease.renewMs()));
    for (int i = 0; i < nodes.size(); i++) {
      NodeSpec n = nodes.get(i);
      String p = "nodes[" + i + "].";
      s.put(p + "name", n.name());
      s.put(p + "address", n.address());
      s.put(p + "ssh_port", String.valueOf(n.sshPort()));
      s.put(p + "user", n.user());
      putIfSet(s, p + "private_key", n.privateKey());
      putIfSet(s, p + "known_hosts", n.knownHosts());
      s.put(p + "client_port", String.valueOf(n.clientPort()));
      s.put(p + "peer_port", String.valueOf(n.peerPort()));
      putIfSet(s, p + "pid_file", n.pidFile());
      putIfSet(s, p + "start_command", n.startCommand());
      putIfSet(s, p + "process_user", n.processUser());
    }
    s.put("ssh.strict_host_key_checking", String.valueOf(ssh.strictHostKeyChecking()));
    s.put("ssh.connect_timeout_ms", String.valueOf(ssh.connectTimeoutMs()));
    s.put("ssh.command_timeout_ms", String.valueOf(ssh.commandTimeoutMs()));
    s.put("ssh.retries", String.valueOf(ssh.retries()));
    putIfSet(s, "check_profile", checkProfile);
    checkSettings.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
        s.put("check_settings." + e.getKey(),
            SECRET.matcher(e.getKey()).matches() ? "***" : e.getValue()));
    if (phaseEnabled(2)) {
      s.put("phase2.agents", String.valueOf(phase2.agents()));
      s.put("phase2.writes_per_agent", String.valueOf(phase2.writesPerAgent()));
      putSettle(s, "phase2.settle.", phase2.settle());
      s.put("phase2.healthy_timeout_ms", String.valueOf(phase2.healthyTimeoutMs()));
    }
    if (phaseEnabled(4)) {
      s.put("phase4.concurrency", String.valueOf(phase4.concurrency()));
      s.put("phase4.fault_after_write", String.valueOf(phase4.faultAfterWrite()));
      s.put("phase4.heal_delay_ms", String.valueOf(phase4.healDelayMs()));
      putSettle(s, "phase4.settle.", phase4.settle());
      s.put("phase4.recovery.restart_killed", String.valueOf(phase4.recovery().restartKilled()));
      s.put("phase4.recovery.flush_partitions",
          String.valueOf(phase4.recovery().flushPartitions()));
      s.put("phase4.recovery.resume_paused", String.valueOf(phase4.recovery().resumePaused()));
      s.put("phase4.healthy_timeout_ms", String.valueOf(phase4.healthyTimeoutMs()));
      phase4.faultSettings().forEach((fault, settings) -> settings.entrySet().stream()
          .sorted(Map.Entry.comparingByKey()).forEach(e ->
              s.put("phase4.fault_settings." + fault + "." + e.getKey(), e.getValue())));
    }
    return s;
  }

  private static void putSettle(Map<String, String> s, String prefix, SettleSpec settle) {
    s.put(prefix + "poll_interval_ms", String.valueOf(settle.pollIntervalMs()));
    s.put(prefix + "max_settle_ms", String.valueOf(settle.maxSettleMs()));
    s.put(prefix + "mode", settle.mode().text());
    s.put(prefix + "seed_settle_ms", String.valueOf(settle.seedSettleMs()));
    s.put(prefix + "backoff_after_ms", String.valueOf(settle.backoffAfterMs()));
    s.put(prefix + "backoff_interval_ms", String.valueOf(settle.backoffIntervalMs()));
    s.put(prefix + "during_writes", String.valueOf(settle.duringWrites()));
  }

  private static void putIfSet(Map<String, String> s, String key, Object value) {
    if (value != null) {
      s.put(key, value.toString());
    }
  }
}
