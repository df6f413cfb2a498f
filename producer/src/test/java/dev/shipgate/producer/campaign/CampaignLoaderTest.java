package dev.shipgate.producer.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.CampaignConfig;
import dev.shipgate.producer.campaign.CampaignSpec.SettleMode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class CampaignLoaderTest {

  static final String VALID = """
      campaign_id: etcd-local-1
      target:
        name: etcd
        version: 3.4.23
        adapter: etcd
        settings:
          write_timeout_ms: 2000
          password: hunter2
      nodes:
        - {name: a, address: 127.0.0.11, ssh_port: 2222, private_key: keys/id_ed25519, known_hosts: keys/known_hosts, client_port: 2379, peer_port: 2380, pid_file: /run/a.pid, start_command: start-a, process_user: sg-node-a}
        - {name: b, address: 127.0.0.12, ssh_port: 2222, client_port: 2379, peer_port: 2380, pid_file: /run/b.pid, start_command: start-b, process_user: sg-node-b}
        - {name: c, address: 127.0.0.13, ssh_port: 2222, client_port: 2379, peer_port: 2380, pid_file: /run/c.pid, start_command: start-c, process_user: sg-node-c}
      ssh:
        command_timeout_ms: 7000
      phases: [2, 4]
      phase4:
        faults: [kill_primary_mid_write, partition_minority]
        cycles: 10
        writes_per_cycle: 100
      """;

  private final CampaignLoader loader = new CampaignLoader(Path.of("/home/sg"),
      CampaignSpec.KNOWN_FAULTS, Clock.fixed(Instant.parse("2026-04-20T14:06:38Z"),
          ZoneOffset.UTC));

  private CampaignSpec parse(String yaml) {
    return loader.parse(yaml, "test.yaml", "test", CampaignOverrides.none());
  }

  private List<String> problems(String yaml, CampaignOverrides overrides) {
    return assertThrows(CampaignValidationException.class,
        () -> loader.parse(yaml, "test.yaml", "test", overrides)).problems();
  }

  @Test
  void shouldLoadAValidFileWithTheSeedDefaults() {
    CampaignSpec spec = parse(VALID);
    assertEquals("etcd-local-1", spec.campaignId());
    assertEquals(List.of("a", "b", "c"), spec.nodes().stream().map(CampaignSpec.NodeSpec::name)
        .toList());
    assertEquals("127.0.0.12", spec.nodes().get(1).address());
    assertEquals(Path.of("/home/sg/keys/id_ed25519"), spec.nodes().get(0).privateKey());
    assertEquals(List.of(2, 4), spec.phases());
    assertEquals(2, spec.phase4().faultAfterWrite());
    assertEquals(500, spec.phase4().healDelayMs());
    assertEquals(100, spec.phase4().settle().pollIntervalMs());
    assertEquals(10000, spec.phase4().settle().maxSettleMs());
    assertEquals(3000, spec.phase4().settle().seedSettleMs());
    assertTrue(spec.phase4().settle().duringWrites());
    assertEquals(SettleMode.ADAPTIVE, spec.phase4().settle().mode());
    assertEquals(4, spec.phase2().agents());
    assertEquals(50, spec.phase2().writesPerAgent());
    assertTrue(spec.ssh().strictHostKeyChecking());
    assertEquals(7000, spec.ssh().commandTimeoutMs());
    assertEquals("0.995", spec.thresholds().convergenceMin());
    assertEquals("2000", spec.target().settings().get("write_timeout_ms"));
  }

  @Test
  void shouldPublishLivenessAndGateInTheStartedConfig() {
    CampaignSpec spec = parse(VALID);
    // 3 x (heal 500 + max settle 10000 + healthy timeout 30000)
    assertEquals(121_500L, spec.toConfig().getStallAfterMs());
    assertEquals(607_500L, spec.toConfig().getAbandonAfterMs());
    assertEquals(null, spec.toConfig().getGate(), "no gate: the built-in soak");

    CampaignSpec set = parse(VALID + """
        liveness: {stall_after_ms: 5000, abandon_after_ms: 20000}
        gate: {profile: release, expected_runs: 3, min_bound: 0.999}
        """);
    assertEquals(5000L, set.toConfig().getStallAfterMs());
    assertEquals(20000L, set.toConfig().getAbandonAfterMs());
    assertEquals("release", set.toConfig().getGate().getProfile());
    assertEquals(3, set.toConfig().getGate().getExpectedRuns());
    assertEquals(0.999, set.toConfig().getGate().getMinBound());
    assertEquals(null, set.toConfig().getGate().getDrift(), "the profile's");

    List<String> bad = problems(VALID + """
        liveness: {stall_after_ms: 5000, abandon_after_ms: 2000}
        gate: {profile: weekly}
        """, CampaignOverrides.none());
    assertTrue(bad.stream().anyMatch(p -> p.contains("abandon_after_ms")
        && p.contains("expected at least liveness.stall_after_ms (5000), got 2000")),
        bad.toString());
    assertTrue(bad.stream().anyMatch(p -> p.contains("gate.profile") && p.contains("weekly")),
        bad.toString());
  }

  @Test
  void shouldPutTheCampaignIdInEveryNamespaceSoReRunsNeverShareKeys() {
    CampaignSpec spec = parse(VALID);
    String id = spec.campaignId();
    assertEquals("shipgate/" + id + "/phase4/partition_minority/c7",
        spec.namespaces().cycle("partition_minority", 7));
    assertEquals("shipgate/" + id + "/phase2", spec.namespaces().phase2());
    CampaignSpec other = loader.parse(VALID, "t", "t",
        CampaignOverrides.none().withCampaignId("rerun-2"));
    assertEquals("shipgate/rerun-2/phase4/partition_minority/c7",
        other.namespaces().cycle("partition_minority", 7));
    CampaignSpec rooted = parse(VALID + "namespace_root: chaos\n");
    assertEquals(List.of("namespace_root: expected letters, digits, '.', '_' or '-' (no '/'),"
        + " got \"a/b\""), problems(VALID + "namespace_root: a/b\n", CampaignOverrides.none()));
    assertEquals("chaos/" + id + "/phase2", rooted.namespaces().phase2());
  }

  @Test
  void shouldRefusePartitionsWithoutADistinctProcessUserPerNode() {
    String same = VALID.replace("process_user: sg-node-b", "process_user: sg-node-a")
        .replace(", process_user: sg-node-c", "");
    assertEquals(List.of(
        "nodes[1].process_user: \"sg-node-a\" is also nodes[0].process_user: partition_minority"
            + " needs a distinct user per node (partitions match packets by owner)",
        "nodes[2].process_user: missing: partition_minority needs the OS user each node's target"
            + " runs as (partitions match packets by owner)"),
        problems(same, CampaignOverrides.none()));
  }

  @Test
  void shouldRefuseMoreWritesPerFaultClassThanTheEvidenceCeiling() {
    assertEquals(List.of("phase4.cycles (--cycles): expected an integer between 1 and 1000000, got"
        + " 20000000"),
        problems(VALID, CampaignOverrides.none().withCycles(20_000_000)));
    assertEquals(List.of("phase4.cycles (--cycles): cycles x writes_per_cycle = 1000000 x 100000 ="
        + " 100000000000 writes per fault class, more than the ceiling of 1000000000"),
        problems(VALID, CampaignOverrides.none().withCycles(1_000_000).withWrites(100_000)));
  }

  @Test
  void shouldRefuseABinaryFileInOneLine(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path bin = java.nio.file.Files.write(dir.resolve("c.yaml"), new byte[] {'a', ':', ' ',
        (byte) 0xc3, (byte) 0x28});
    assertEquals(List.of(bin + ": not UTF-8 text (byte 0xc3 at offset 3), not a YAML campaign"
        + " file"), assertThrows(CampaignValidationException.class,
            () -> loader.load(bin, CampaignOverrides.none())).problems());
    Path nul = java.nio.file.Files.write(dir.resolve("n.yaml"), new byte[] {0x7f, 'E', 'L', 'F',
        0, 1});
    assertEquals(List.of(nul + ": a binary file (a NUL byte at offset 4), not a YAML campaign"
        + " file"), assertThrows(CampaignValidationException.class,
            () -> loader.load(nul, CampaignOverrides.none())).problems());
  }

  @Test
  void shouldRefuseTheNamespaceKeysThatLetRunsShareKeys() {
    String old = VALID.replace("phase4:\n", "phase4:\n  namespace_prefix: chaos-c\n");
    List<String> problems = problems(old, CampaignOverrides.none());
    assertEquals(List.of("phase4.namespace_prefix: no longer a setting: every namespace carries"
        + " the campaign id now (namespace_root/<campaign>/...; namespace_root defaults to"
        + " shipgate)"), problems);
  }

  @Test
  void shouldPublishTheWholeConfigurationWithSecretsMasked() {
    CampaignConfig config = parse(VALID).toConfig();
    assertEquals("etcd", config.getTargetName());
    assertEquals("3.4.23", config.getTargetVersion());
    assertEquals(List.of(2, 4), config.getPhasesEnabled());
    assertEquals(List.of("a", "b", "c"), config.getNodes());
    assertEquals(List.of("kill_primary_mid_write", "partition_minority"), config.getFaults());
    assertEquals(10, config.getCyclesPerFault());
    assertEquals(100, config.getWritesPerCycle());
    assertTrue(config.getHostKeyChecking());
    assertEquals("500", config.getSettings().get("phase4.heal_delay_ms"));
    assertEquals("adaptive", config.getSettings().get("phase4.settle.mode"));
    assertEquals("127.0.0.13", config.getSettings().get("nodes[2].address"));
    assertEquals("***", config.getSettings().get("target.settings.password"));
    assertEquals("2000", config.getSettings().get("target.settings.write_timeout_ms"));
  }

  @Test
  void shouldReportEveryProblemTogetherOneLineEachNamingKeyAndValue() {
    String yaml = VALID
        .replace("address: 127.0.0.12", "address: 10.0.0.5")
        .replace("{name: c,", "{name: a,")
        .replace("cycles: 10", "cycles: 0\n  cyclez: 3")
        .replace("writes_per_cycle: 100", "writes_per_cycle: many")
        .replace("partition_minority]", "partition_majority]")
        .replace("  adapter: etcd\n", "");
    List<String> problems = problems(yaml, CampaignOverrides.none());
    assertEquals(List.of(
        "target.adapter: missing: expected one of etcd, redis, ai-memory",
        "phase4.faults[1]: unknown fault class \"partition_majority\" (known:"
            + " kill_primary_mid_write, partition_minority, drop_random_acks, clock_skew_peer)",
        "phase4.cycles: expected an integer between 1 and 1000000, got 0",
        "phase4.writes_per_cycle: expected an integer between 1 and 1000000000, got \"many\"",
        "phase4.cyclez: unknown key (expected one of: faults, cycles, writes_per_cycle,"
            + " concurrency, fault_after_write, heal_delay_ms, settle, recovery,"
            + " healthy_timeout_ms, fault_settings)",
        "nodes[1].address: 10.0.0.5 is not a loopback address (127.0.0.0/8); set allow_remote:"
            + " true to drive remote nodes",
        "nodes[2].name: duplicate node name \"a\" (also nodes[0].name)"), problems);
    problems.forEach(p -> assertFalse(p.contains("\n"), p));
  }

  @Test
  void shouldRefuseUnknownKeysWithTheirPathAtEveryLevel() {
    String yaml = VALID.replace("ssh:\n", "sshh: {}\nssh:\n  strict_hostkey_checking: false\n")
        .replace("peer_port: 2380, pid_file: /run/b.pid", "peer_port: 2380, pidfile: /run/b.pid");
    List<String> problems = problems(yaml, CampaignOverrides.none());
    assertTrue(problems.contains("nodes[1].pid_file: missing: required to stop, kill and restart"
        + " the node's process (phases 2 and 4)"), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("nodes[1].pidfile: unknown key")),
        problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith(
        "ssh.strict_hostkey_checking: unknown key")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("sshh: unknown key")),
        problems.toString());
  }

  @Test
  void shouldReportMissingRequiredKeysAndWrongNodeCount() {
    String yaml = """
        target: {adapter: etcd}
        nodes:
          - {name: a, address: 127.0.0.11, client_port: 2379, pid_file: /run/a.pid}
          - {name: b, address: 127.0.0.12, pid_file: /run/b.pid}
        phases: [1, 4]
        """;
    List<String> problems = problems(yaml, CampaignOverrides.none());
    assertEquals(List.of(
        "target.name: missing: expected a string",
        "phase4.faults: missing: expected a list of fault classes",
        "nodes: expected exactly 3 nodes, got 2",
        "nodes[1].client_port: missing: expected an integer between 1 and 65535",
        "check_profile: missing: required when phase 1 or 3 is enabled"), problems);
  }

  @Test
  void shouldAcceptRemoteAddressesOnlyWhenAllowedAndWarn() {
    String yaml = "allow_remote: true\n" + VALID.replace("address: 127.0.0.12",
        "address: 10.0.0.5");
    CampaignSpec spec = parse(yaml);
    assertEquals("10.0.0.5", spec.nodes().get(1).address());
    assertTrue(CampaignLoader.warnings(spec).stream().anyMatch(w -> w.startsWith("allow_remote")));
  }

  @Test
  void shouldRecordDisabledHostKeyCheckingAndWarn() {
    CampaignSpec spec = parse(VALID.replace("ssh:\n", "ssh:\n  strict_host_key_checking: false\n"));
    assertFalse(spec.toConfig().getHostKeyChecking());
    assertTrue(CampaignLoader.warnings(spec).get(0).startsWith(
        "ssh.strict_host_key_checking is false"));
  }

  @Test
  void shouldApplyOverridesAfterLoading() {
    CampaignOverrides o = CampaignOverrides.none().withCycles(3).withWrites(20)
        .withConcurrency(4).withFaults(List.of("drop_random_acks")).withPhases(List.of(4))
        .withCampaignId("override-1")
        .withNodes(List.of("x@127.0.0.21:2200", "y@127.0.0.22", "z@127.0.0.23"));
    CampaignSpec spec = loader.parse(VALID, "t", "t", o);
    assertEquals("override-1", spec.campaignId());
    assertEquals(3, spec.phase4().cycles());
    assertEquals(20, spec.phase4().writesPerCycle());
    assertEquals(4, spec.phase4().concurrency());
    assertEquals(List.of("drop_random_acks"), spec.phase4().faults());
    assertEquals(List.of(4), spec.phases());
    assertEquals("x", spec.nodes().get(0).name());
    assertEquals(2200, spec.nodes().get(0).sshPort());
    assertEquals(2222, spec.nodes().get(1).sshPort());
    assertEquals("127.0.0.23", spec.nodes().get(2).address());
    assertEquals("/run/c.pid", spec.nodes().get(2).pidFile());
  }

  @Test
  void shouldValidateOverridesLikeFileValuesAndNameTheOption() {
    CampaignOverrides o = CampaignOverrides.none().withCycles(0)
        .withFaults(List.of("nope")).withCampaignId("bad id")
        .withNodes(List.of("a@10.1.1.1", "b@127.0.0.12", "garbage"));
    List<String> problems = problems(VALID, o);
    assertTrue(problems.contains("phase4.cycles (--cycles): expected an integer between 1 and 1000000, got 0"),
        problems.toString());
    assertTrue(problems.contains("--nodes: expected NAME@ADDRESS[:SSH_PORT], got \"garbage\""),
        problems.toString());
    assertTrue(problems.contains("nodes[0].address (--nodes): 10.1.1.1 is not a loopback address"
        + " (127.0.0.0/8); set allow_remote: true to drive remote nodes"), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith(
        "phase4.faults[0] (--faults): unknown fault class \"nope\"")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith(
        "campaign_id (--campaign-id): expected ^[A-Za-z0-9]")), problems.toString());
  }

  @Test
  void shouldGenerateACampaignIdFromTheFileNameWhenAbsent() {
    CampaignSpec spec = loader.parse(VALID.replace("campaign_id: etcd-local-1\n", ""), "t",
        "etcd-local", CampaignOverrides.none());
    assertEquals("etcd-local-20260420-140638", spec.campaignId());
  }

  @Test
  void shouldReportInvalidYamlAsOneLineWithItsPosition() {
    List<String> problems = problems("target: [unclosed\nnodes: x", CampaignOverrides.none());
    assertEquals(1, problems.size());
    assertTrue(problems.get(0).startsWith("test.yaml: not valid YAML at line"), problems.get(0));
  }

  @Test
  void shouldRefuseDuplicateKeysAndBadThresholds() {
    List<String> dup = problems(VALID + "phases: [4]\n", CampaignOverrides.none());
    assertTrue(dup.get(0).contains("Duplicate field 'phases'"), dup.toString());
    List<String> t = problems(VALID + "thresholds: {convergence_min: 0.9995, bogus: 1}\n",
        CampaignOverrides.none());
    assertEquals("thresholds.convergence_min: expected a decimal between 0 and 1 with at most 3"
        + " places, got 0.9995", t.get(0));
    assertTrue(t.get(1).startsWith("thresholds.bogus: unknown key"), t.toString());
  }

  @Test
  void shouldRequireAStartCommandToRestartAKilledPrimary() {
    List<String> problems = problems(VALID.replace(", start_command: start-b", ""),
        CampaignOverrides.none());
    assertEquals(List.of("nodes[1].start_command: missing: required to restart a killed node"
        + " (kill_primary_mid_write with phase4.recovery.restart_killed: true)"), problems);
  }

  @Test
  void shouldLoadTheCommentedSampleFileAsItIs() {
    Path sample = null;
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (java.nio.file.Files.isRegularFile(p.resolve("samples/campaigns/your-cluster.yaml"))) {
        sample = p.resolve("samples/campaigns/your-cluster.yaml");
        break;
      }
    }
    assertTrue(sample != null, "samples/campaigns/your-cluster.yaml");
    CampaignSpec spec = loader.load(sample, CampaignOverrides.none());
    assertEquals("shipgate", spec.namespaceRoot());
    assertEquals("/var/tmp/shipgate", spec.lease().dir());
    assertEquals(List.of(), DriverFactory.problems(spec));
  }
}
