package dev.shipgate.producer.campaign;

import dev.shipgate.events.GateConfig;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.shipgate.producer.campaign.CampaignSpec.NodeSpec;
import dev.shipgate.producer.campaign.CampaignSpec.Phase2Spec;
import dev.shipgate.producer.campaign.CampaignSpec.Phase4Spec;
import dev.shipgate.producer.campaign.CampaignSpec.RecoverySpec;
import dev.shipgate.producer.campaign.CampaignSpec.SettleMode;
import dev.shipgate.producer.campaign.CampaignSpec.SettleSpec;
import dev.shipgate.producer.campaign.CampaignSpec.SshSpec;
import dev.shipgate.producer.campaign.CampaignSpec.TargetSpec;
import dev.shipgate.producer.campaign.CampaignSpec.ThresholdSpec;
import dev.shipgate.schemas.CampaignIds;
import dev.shipgate.schemas.EvidenceLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a campaign file (YAML), applies the command-line overrides and validates the result at
 * start: every problem is one line naming the key path and the value, all of them are reported
 * together ({@link CampaignValidationException}), and unknown keys are errors, so a typo never
 * silently falls back to a default.
 *
 * <p>Keys, defaults and rules (see samples/campaigns/your-cluster.yaml for a commented file):
 * <ul>
 *   <li>{@code campaign_id}: optional; default {@code <file name>-<UTC yyyyMMdd-HHmmss>}.
 *   <li>{@code target}: name (required), version, ref, commit, adapter (etcd | redis |
 *       ai-memory, required), settings (mapping of scalars, passed to the adapter as strings).
 *   <li>{@code nodes}: exactly 3; name, address, client_port required; ssh_port 22, user root;
 *       private_key and known_hosts paths relative to the base directory; pid_file required when
 *       phase 2 or 4 runs; start_command required to restart a killed node; process_user
 *       (required, and distinct per node, when partition_minority runs). Addresses must be
 *       loopback (127.0.0.0/8, ::1,
 *       localhost) unless {@code allow_remote: true}.
 *   <li>{@code ssh}: strict_host_key_checking (true; false must be explicit and warns),
 *       connect_timeout_ms 5000, command_timeout_ms 10000, retries 2.
 *   <li>{@code phases}: required, a subset of [1, 2, 3, 4]; {@code check_profile} (and
 *       {@code check_settings}) required when 1 or 3 is enabled.
 *   <li>{@code namespace_root}: shipgate; every namespace is
 *       {@code <namespace_root>/<campaign id>/...} ({@link CampaignSpec.Namespaces}).
 *   <li>{@code lease}: dir /var/tmp/shipgate, ttl_ms 60000, renew_ms 10000 (at most half the
 *       ttl): the driver's lease on the nodes.
 *   <li>{@code phase2}: agents 4, writes_per_agent 50, settle, healthy_timeout_ms.
 *   <li>{@code phase4}: faults (required when phase 4 runs), cycles 10 (at most 10^6),
 *       writes_per_cycle 100 (cycles x writes_per_cycle at most 10^9),
 *       concurrency 1, fault_after_write 2, heal_delay_ms 500, settle {poll_interval_ms 100,
 *       max_settle_ms 10000 (phase 2: 3000), seed_settle_ms 3000 (at most max_settle_ms: the poll
 *       the bound counts), backoff_after_ms 10000, backoff_interval_ms 1000, during_writes true,
 *       mode adaptive|fixed}, recovery
 *       {restart_killed, flush_partitions, resume_paused} all true, healthy_timeout_ms 30000,
 *       fault_settings {<fault class>: {<key>: <value>}} (each fault spec's own keys).
 *   <li>{@code thresholds}: the keys of Thresholds.avsc, defaults the seed's.
 *   <li>{@code liveness}: stall_after_ms (3 x (phase 4 heal_delay_ms + max_settle_ms +
 *       healthy_timeout_ms), at least 30000), abandon_after_ms (5 x stall_after_ms): how long
 *       Streams waits on a silent driver before the CAMPAIGN_STALLED alert, and before judging
 *       the campaign ABORTED.
 *   <li>{@code gate}: the cross-run gate of the target version (GateConfig.avsc): profile soak
 *       (default) or release, expected_runs, bound_fault, min_bound, drift,
 *       baseline_wall_seconds, p99_wall_ceiling_seconds; each defaults to the profile's.
 * </ul>
 */
public final class CampaignLoader {
  private static final Pattern NODE_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$");
  private static final Pattern NODE_OVERRIDE =
      Pattern.compile("^([A-Za-z0-9][A-Za-z0-9_.-]{0,31})@([^:@\\s]+)(?::(\\d{1,5}))?$");
  private static final Pattern IPV4 =
      Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");
  private static final int MAX = Integer.MAX_VALUE;
  /** A campaign file is a few KB; anything past 1 MiB is not one. */
  static final long MAX_FILE_BYTES = 1 << 20;
  private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$");

  private final Path baseDir;
  private final List<String> knownFaults;
  private final Clock clock;
  private final ObjectMapper yaml;

  /** @param baseDir relative key and known_hosts paths are resolved against it */
  public CampaignLoader(Path baseDir) {
    this(baseDir, CampaignSpec.KNOWN_FAULTS, Clock.systemUTC());
  }

  public CampaignLoader(Path baseDir, List<String> knownFaults, Clock clock) {
    this.baseDir = baseDir;
    this.knownFaults = List.copyOf(knownFaults);
    this.clock = clock;
    this.yaml = new ObjectMapper(new YAMLFactory())
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  }

  /** Reads {@code file}, applies {@code overrides}, validates; throws with every problem. */
  public CampaignSpec load(Path file, CampaignOverrides overrides) {
    String text;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new CampaignValidationException(List.of(file + ": " + Files.size(file)
            + " bytes, more than the " + MAX_FILE_BYTES + " a campaign file may be"));
      }
      text = text(file, Files.readAllBytes(file));
    } catch (IOException e) {
      throw new CampaignValidationException(List.of(file + ": cannot be read: " + e.getMessage()));
    }
    String stem = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    return parse(text, file.toString(), stem, overrides);
  }

  /** The file's text; a file that is not UTF-8 text (a binary file) is refused in one line. */
  private static String text(Path file, byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        throw new CampaignValidationException(List.of(file + ": a binary file (a NUL byte at"
            + " offset " + i + "), not a YAML campaign file"));
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      int at = firstInvalid(bytes);
      throw new CampaignValidationException(List.of(file + ": not UTF-8 text (byte 0x"
          + String.format("%02x", bytes[at] & 0xff) + " at offset " + at
          + "), not a YAML campaign file"));
    }
  }

  /** Offset of the first byte that is not UTF-8. */
  private static int firstInvalid(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
    java.nio.charset.CoderResult r = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(in, out, true);
    return r.isError() ? in.position() : 0;
  }

  /**
   * Parses campaign YAML.
   *
   * @param source names the text in messages (the file path)
   * @param idStem stem of the generated campaign id when the file has none
   */
  public CampaignSpec parse(String text, String source, String idStem,
      CampaignOverrides overrides) {
    JsonNode tree;
    try {
      tree = yaml.readTree(text);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
      throw new CampaignValidationException(List.of(source + ": not valid YAML" + where + ": "
          + e.getOriginalMessage().replaceAll("\\s*\\R\\s*", " ")));
    }
    Map<String, String> origins = new HashMap<>();
    List<String> overrideProblems = new ArrayList<>();
    if (tree instanceof ObjectNode root) {
      apply(root, overrides, origins, overrideProblems);
    }
    ConfigReader reader = new ConfigReader(origins);
    reader.problems().addAll(overrideProblems);
    CampaignSpec spec = read(reader, reader.root(tree), idStem);
    if (!reader.problems().isEmpty()) {
      throw new CampaignValidationException(reader.problems());
    }
    return spec;
  }

  /** Warnings to print before a run (the run goes on). */
  public static List<String> warnings(CampaignSpec spec) {
    List<String> out = new ArrayList<>();
    if (!spec.ssh().strictHostKeyChecking()) {
      out.add("ssh.strict_host_key_checking is false: SSH host keys are NOT verified"
          + " (recorded in the STARTED event as host_key_checking=false)");
    }
    if (spec.allowRemote()) {
      out.add("allow_remote is true: nodes may be remote machines; faults (SIGKILL, iptables)"
          + " will be applied to them");
    }
    return out;
  }

  // ---- overrides ----

  private static void apply(ObjectNode root, CampaignOverrides o, Map<String, String> origins,
      List<String> problems) {
    if (o == null) {
      return;
    }
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (o.campaignId() != null) {
      root.put("campaign_id", o.campaignId());
      origins.put("campaign_id", "--campaign-id");
    }
    if (o.phases() != null) {
      ArrayNode a = root.putArray("phases");
      o.phases().forEach(p -> a.add(p));
      origins.put("phases", "--phases");
      for (int i = 0; i < o.phases().size(); i++) {
        origins.put("phases[" + i + "]", "--phases");
      }
    }
    if (o.cycles() != null || o.writes() != null || o.concurrency() != null
        || o.faults() != null) {
      JsonNode p4 = root.get("phase4");
      ObjectNode phase4 = p4 instanceof ObjectNode on ? on : null;
      if (p4 == null || p4.isNull()) {
        phase4 = root.putObject("phase4");
      }
      if (phase4 != null) {
        if (o.cycles() != null) {
          phase4.put("cycles", o.cycles());
          origins.put("phase4.cycles", "--cycles");
        }
        if (o.writes() != null) {
          phase4.put("writes_per_cycle", o.writes());
          origins.put("phase4.writes_per_cycle", "--writes");
        }
        if (o.concurrency() != null) {
          phase4.put("concurrency", o.concurrency());
          origins.put("phase4.concurrency", "--concurrency");
        }
        if (o.faults() != null) {
          ArrayNode a = phase4.putArray("faults");
          o.faults().forEach(a::add);
          origins.put("phase4.faults", "--faults");
          for (int i = 0; i < o.faults().size(); i++) {
            origins.put("phase4.faults[" + i + "]", "--faults");
          }
        }
      }
    }
    if (o.nodes() != null) {
      JsonNode existing = root.get("nodes");
      ArrayNode nodes = existing instanceof ArrayNode an ? an : root.putArray("nodes");
      origins.put("nodes", "--nodes");
      for (int i = 0; i < o.nodes().size(); i++) {
        String given = o.nodes().get(i).trim();
        Matcher m = NODE_OVERRIDE.matcher(given);
        if (!m.matches()) {
          problems.add("--nodes: expected NAME@ADDRESS[:SSH_PORT], got \"" + given + "\"");
          continue;
        }
        ObjectNode node;
        if (i < nodes.size() && nodes.get(i) instanceof ObjectNode on) {
          node = on;
        } else {
          node = f.objectNode();
          if (i < nodes.size()) {
            nodes.set(i, node);
          } else {
            nodes.add(node);
          }
        }
        node.put("name", m.group(1));
        node.put("address", m.group(2));
        origins.put("nodes[" + i + "].name", "--nodes");
        origins.put("nodes[" + i + "].address", "--nodes");
        if (m.group(3) != null) {
          node.put("ssh_port", Integer.parseInt(m.group(3)));
          origins.put("nodes[" + i + "].ssh_port", "--nodes");
        }
      }
      while (nodes.size() > o.nodes().size()) {
        nodes.remove(nodes.size() - 1);
      }
    }
  }

  // ---- reading ----

  private CampaignSpec read(ConfigReader r, ConfigReader.Section root, String idStem) {
    String id = root.string("campaign_id", null);
    if (id == null && !root.has("campaign_id")) {
      id = sanitize(idStem) + "-" + LocalDateTime.now(clock)
          .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }
    if (id != null && !CampaignIds.isValid(id)) {
      r.problem("campaign_id", "expected " + CampaignIds.PATTERN.pattern() + ", got \"" + id + "\"");
    }

    ConfigReader.Section t = root.section("target");
    String adapter = t.oneOf("adapter", CampaignSpec.KNOWN_ADAPTERS, null);
    TargetSpec target = new TargetSpec(t.requiredString("name"), t.string("version", null),
        t.string("ref", null), t.string("commit", null), adapter, t.stringMap("settings"));
    t.end();

    boolean allowRemote = root.bool("allow_remote", false);

    List<Integer> phases = phases(r, root);
    boolean needsProcess = phases.contains(2) || phases.contains(4);

    ConfigReader.Section ph4 = root.section("phase4");
    ArrayNode faultList = ph4.list("faults", phases.contains(4), "a list of fault classes");
    List<String> faults = faults(r, faultList, phases.contains(4));
    int cycles = ph4.integer("cycles", 10, 1, EvidenceLimits.MAX_CYCLES);
    int writes = ph4.integer("writes_per_cycle", 100, 1, EvidenceLimits.MAX_COUNT);
    if ((long) cycles * writes > EvidenceLimits.MAX_WRITES_PER_FAULT) {
      r.problem(ph4.path("cycles"), "cycles x writes_per_cycle = " + cycles + " x " + writes
          + " = " + ((long) cycles * writes) + " writes per fault class, more than the ceiling of "
          + EvidenceLimits.MAX_WRITES_PER_FAULT);
    }
    int concurrency = ph4.integer("concurrency", 1, 1, 256);
    int faultAfter = ph4.integer("fault_after_write", 2, 1, MAX);
    if (faultAfter > writes) {
      r.problem(ph4.path("fault_after_write"), "expected an integer between 1 and " + writes
          + " (phase4.writes_per_cycle), got " + faultAfter);
    }
    int healDelay = ph4.integer("heal_delay_ms", 500, 0, 3_600_000);
    SettleSpec settle4 = settle(r, ph4.section("settle"), 10_000);
    replaced(r, ph4, "namespace_prefix");
    ConfigReader.Section rec = ph4.section("recovery");
    RecoverySpec recovery = new RecoverySpec(rec.bool("restart_killed", true),
        rec.bool("flush_partitions", true), rec.bool("resume_paused", true));
    rec.end();
    int healthy4 = ph4.integer("healthy_timeout_ms", 30_000, 0, 3_600_000);
    Map<String, Map<String, String>> faultSettings = new java.util.LinkedHashMap<>();
    ConfigReader.Section fs = ph4.section("fault_settings");
    fs.node.properties().forEach(e -> {
      if (!knownFaults.contains(e.getKey())) {
        r.problem(fs.path(e.getKey()), "unknown fault class (known: "
            + String.join(", ", knownFaults) + ")");
      }
      faultSettings.put(e.getKey(), fs.stringMap(e.getKey()));
    });
    ph4.end();
    Phase4Spec phase4 = new Phase4Spec(faults, cycles, writes, concurrency, faultAfter, healDelay,
        settle4, recovery, healthy4, faultSettings);

    boolean needsStart = phases.contains(4) && faults.contains("kill_primary_mid_write")
        && recovery.restartKilled();
    List<NodeSpec> nodes = nodes(r, root, allowRemote, needsProcess, needsStart);
    if (phases.contains(4) && faults.contains("partition_minority")) {
      processUsers(r, nodes);
    }

    ConfigReader.Section s = root.section("ssh");
    SshSpec ssh = new SshSpec(s.bool("strict_host_key_checking", true),
        s.integer("connect_timeout_ms", 5_000, 1, 600_000),
        s.integer("command_timeout_ms", 10_000, 1, 3_600_000),
        s.integer("retries", 2, 0, 10));
    s.end();

    boolean needsProfile = phases.contains(1) || phases.contains(3);
    String profile = root.string("check_profile", null);
    if (profile == null && needsProfile && !root.has("check_profile")) {
      r.problem("check_profile", "missing: required when phase 1 or 3 is enabled");
    }
    Map<String, String> checkSettings = root.stringMap("check_settings");

    ConfigReader.Section ph2 = root.section("phase2");
    replaced(r, ph2, "namespace");
    Phase2Spec phase2 = new Phase2Spec(ph2.integer("agents", 4, 1, 1_000),
        ph2.integer("writes_per_agent", 50, 1, 1_000_000),
        settle(r, ph2.section("settle"), 3_000), ph2.integer("healthy_timeout_ms", 30_000, 0, 3_600_000));
    ph2.end();

    String namespaceRoot = root.string("namespace_root", CampaignSpec.DEFAULT_NAMESPACE_ROOT);
    if (namespaceRoot != null && !NAME.matcher(namespaceRoot).matches()) {
      r.problem("namespace_root", "expected letters, digits, '.', '_' or '-' (no '/'), got \""
          + namespaceRoot + "\"");
    }
    ConfigReader.Section ls = root.section("lease");
    CampaignSpec.LeaseSpec leaseDefaults = CampaignSpec.LeaseSpec.defaults();
    String leaseDir = ls.string("dir", leaseDefaults.dir());
    if (leaseDir != null && !leaseDir.matches("/[A-Za-z0-9_./-]*")) {
      r.problem(ls.path("dir"), "expected an absolute path of letters, digits, '.', '_', '-' and"
          + " '/', got \"" + leaseDir + "\"");
    }
    int leaseTtl = ls.integer("ttl_ms", leaseDefaults.ttlMs(), 1_000, 86_400_000);
    int leaseRenew = ls.integer("renew_ms", leaseDefaults.renewMs(), 100, 86_400_000);
    if (leaseRenew * 2L > leaseTtl) {
      r.problem(ls.path("renew_ms"), "expected at most half of lease.ttl_ms (" + leaseTtl
          + "), got " + leaseRenew);
    }
    ls.end();

    ThresholdSpec thresholds = thresholds(r, root.section("thresholds"));

    ConfigReader.Section lv = root.section("liveness");
    long stallDefault = CampaignSpec.LivenessSpec.defaultStallMs(phase4);
    long stall = lv.longValue("stall_after_ms", stallDefault, 1_000);
    long abandon = lv.longValue("abandon_after_ms", 5 * stall, 1_000);
    if (abandon < stall) {
      r.problem(lv.path("abandon_after_ms"), "expected at least liveness.stall_after_ms ("
          + stall + "), got " + abandon);
    }
    lv.end();

    GateConfig gate = null;
    if (root.has("gate")) {
      ConfigReader.Section g = root.section("gate");
      String gateProfile = g.oneOf("profile", List.of("soak", "release"), "soak");
      gate = GateConfig.newBuilder()
          .setProfile(gateProfile)
          .setExpectedRuns(g.has("expected_runs") ? g.integer("expected_runs", 1, 1, 100_000)
              : null)
          .setBoundFault(g.string("bound_fault", null))
          .setMinBound(g.has("min_bound") ? g.decimal("min_bound", 0.995, 0) : null)
          .setDrift(g.has("drift") ? g.decimal("drift", 0.25, -1e-9) : null)
          .setBaselineWallSeconds(g.has("baseline_wall_seconds")
              ? g.longValue("baseline_wall_seconds", 0, 1) : null)
          .setP99WallCeilingSeconds(g.has("p99_wall_ceiling_seconds")
              ? g.longValue("p99_wall_ceiling_seconds", 0, 0) : null)
          .build();
      g.end();
    }

    root.end();
    return new CampaignSpec(id, target, nodes, allowRemote, ssh, phases, profile, checkSettings,
        phase2, phase4, thresholds, namespaceRoot,
        new CampaignSpec.LeaseSpec(leaseDir, leaseTtl, leaseRenew),
        new CampaignSpec.LivenessSpec(stall, abandon), gate);
  }

  /** A key of earlier versions whose job another key does now: an error naming the new one. */
  private static void replaced(ConfigReader r, ConfigReader.Section s, String key) {
    if (s.has(key)) {
      s.accept(key);
      r.problem(s.path(key), "no longer a setting: every namespace carries the campaign id now"
          + " (namespace_root/<campaign>/...; namespace_root defaults to "
          + CampaignSpec.DEFAULT_NAMESPACE_ROOT + ")");
    }
  }

  /**
   * A loopback partition matches packets by the owner of the sending process: without a distinct
   * process_user per node it cannot be applied, so such a campaign is refused at start.
   */
  private static void processUsers(ConfigReader r, List<NodeSpec> nodes) {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      String user = nodes.get(i).processUser();
      String path = "nodes[" + i + "].process_user";
      if (user == null) {
        r.problem(path, "missing: partition_minority needs the OS user each node's target runs"
            + " as (partitions match packets by owner)");
        continue;
      }
      Integer first = seen.putIfAbsent(user, i);
      if (first != null) {
        r.problem(path, "\"" + user + "\" is also nodes[" + first + "].process_user:"
            + " partition_minority needs a distinct user per node (partitions match packets by"
            + " owner)");
      }
    }
  }

  private static List<Integer> phases(ConfigReader r, ConfigReader.Section root) {
    ArrayNode list = root.list("phases", true, "a list of phases, a subset of [1, 2, 3, 4]");
    Set<Integer> out = new LinkedHashSet<>();
    if (list == null) {
      return List.of();
    }
    if (list.isEmpty()) {
      r.problem("phases", "expected at least one of 1, 2, 3, 4, got an empty list");
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode n = list.get(i);
      String path = "phases[" + i + "]";
      if (!n.isIntegralNumber() || n.asInt() < 1 || n.asInt() > 4) {
        r.problem(path, "expected a phase 1, 2, 3 or 4, got " + ConfigReader.show(n));
      } else if (!out.add(n.asInt())) {
        r.problem(path, "phase " + n.asInt() + " is listed twice");
      }
    }
    return out.stream().sorted().toList();
  }

  private List<String> faults(ConfigReader r, ArrayNode list, boolean required) {
    List<String> out = new ArrayList<>();
    if (list == null) {
      return out;
    }
    if (list.isEmpty() && required) {
      r.problem("phase4.faults", "expected at least one fault class ("
          + String.join(", ", knownFaults) + "), got an empty list");
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode n = list.get(i);
      String path = "phase4.faults[" + i + "]";
      if (!n.isTextual() || !knownFaults.contains(n.asText())) {
        r.problem(path, "unknown fault class " + ConfigReader.show(n) + " (known: "
            + String.join(", ", knownFaults) + ")");
      } else if (out.contains(n.asText())) {
        r.problem(path, "fault class \"" + n.asText() + "\" is listed twice");
      } else {
        out.add(n.asText());
      }
    }
    return out;
  }

  private List<NodeSpec> nodes(ConfigReader r, ConfigReader.Section root, boolean allowRemote,
      boolean needsProcess, boolean needsStart) {
    ArrayNode list = root.list("nodes", true, "a list of 3 nodes");
    List<NodeSpec> out = new ArrayList<>();
    if (list == null) {
      return out;
    }
    if (list.size() != 3) {
      r.problem("nodes", "expected exactly 3 nodes, got " + list.size());
    }
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String path = "nodes[" + i + "]";
      JsonNode n = list.get(i);
      if (!(n instanceof ObjectNode on)) {
        r.problem(path, "expected a mapping (name, address, ...), got " + ConfigReader.show(n));
        continue;
      }
      ConfigReader.Section s = r.new Section(path, on);
      String name = s.requiredString("name");
      if (name != null) {
        if (!NODE_NAME.matcher(name).matches()) {
          r.problem(s.path("name"), "expected " + NODE_NAME.pattern() + ", got \"" + name + "\"");
        }
        Integer first = names.putIfAbsent(name, i);
        if (first != null) {
          r.problem(s.path("name"), "duplicate node name \"" + name + "\" (also nodes[" + first
              + "].name)");
        }
      }
      String address = s.requiredString("address");
      if (address != null) {
        address = address.trim();
        if (!allowRemote && !isLoopback(address)) {
          r.problem(s.path("address"), address + " is not a loopback address (127.0.0.0/8);"
              + " set allow_remote: true to drive remote nodes");
        }
      }
      int sshPort = s.integer("ssh_port", 22, 1, 65_535);
      String user = s.string("user", "root");
      Path key = path(s.string("private_key", null));
      Path knownHosts = path(s.string("known_hosts", null));
      int clientPort = s.integer("client_port", null, 1, 65_535);
      int peerPort = s.integer("peer_port", 0, 0, 65_535);
      String pidFile = s.string("pid_file", null);
      if (pidFile == null && needsProcess && !s.has("pid_file")) {
        r.problem(s.path("pid_file"),
            "missing: required to stop, kill and restart the node's process (phases 2 and 4)");
      }
      String start = s.string("start_command", null);
      if (start == null && needsStart && !s.has("start_command")) {
        r.problem(s.path("start_command"), "missing: required to restart a killed node"
            + " (kill_primary_mid_write with phase4.recovery.restart_killed: true)");
      }
      String processUser = s.string("process_user", null);
      s.end();
      out.add(new NodeSpec(name, address, sshPort, user, key, knownHosts, clientPort, peerPort,
          pidFile, start, processUser));
    }
    return out;
  }

  /** A settle section; {@code defaultMax} is its max_settle_ms unless set. */
  private static SettleSpec settle(ConfigReader r, ConfigReader.Section s, int defaultMax) {
    int poll = s.integer("poll_interval_ms", 100, 1, 600_000);
    int max = s.integer("max_settle_ms", defaultMax, 0, 3_600_000);
    SettleMode mode = SettleMode.valueOf(s.oneOf("mode", List.of("adaptive", "fixed"),
        "adaptive").toUpperCase(Locale.ROOT));
    int seed = s.integer("seed_settle_ms", Math.min(3_000, max), 0, 3_600_000);
    if (seed > max) {
      r.problem(s.path("seed_settle_ms"), "expected at most max_settle_ms (" + max + "), got "
          + seed);
    }
    SettleSpec settle = new SettleSpec(poll, max, mode, seed,
        s.integer("backoff_after_ms", 10_000, 0, 3_600_000),
        s.integer("backoff_interval_ms", 1_000, 1, 600_000),
        s.bool("during_writes", true));
    s.end();
    return settle;
  }

  private static ThresholdSpec thresholds(ConfigReader r, ConfigReader.Section s) {
    ThresholdSpec d = ThresholdSpec.defaults();
    String min = d.convergenceMin();
    if (s.has("convergence_min")) {
      JsonNode n = s.node.get("convergence_min");
      s.accept("convergence_min");
      BigDecimal value = null;
      if (n.isNumber() || n.isTextual()) {
        try {
          value = new BigDecimal(n.asText().trim());
        } catch (NumberFormatException e) {
          value = null;
        }
      }
      if (value == null || value.scale() > 3 || value.signum() < 0
          || value.compareTo(BigDecimal.ONE) > 0) {
        r.problem(s.path("convergence_min"),
            "expected a decimal between 0 and 1 with at most 3 places, got " + ConfigReader.show(n));
      } else {
        min = value.toPlainString();
      }
    }
    ThresholdSpec t = new ThresholdSpec(min,
        s.integer("phase2_count_percent", d.phase2CountPercent(), 0, 100),
        s.longValue("phase3_expected", d.phase3Expected(), 0),
        s.integer("phase1_min_mcp_tools", d.phase1MinMcpTools(), 0, MAX),
        s.integer("phase1_max_curator_errors", d.phase1MaxCuratorErrors(), 0, MAX),
        s.decimal("wilson_confidence_z", d.wilsonConfidenceZ(), 0),
        s.has("visibility_p99_ms") ? Long.valueOf(s.longValue("visibility_p99_ms", 0, 1)) : null);
    s.end();
    return t;
  }

  private Path path(String p) {
    if (p == null) {
      return null;
    }
    String expanded = p.startsWith("~/") ? System.getProperty("user.home") + p.substring(1) : p;
    return baseDir.resolve(expanded).normalize();
  }

  private static String sanitize(String stem) {
    String s = stem.replaceAll("[^A-Za-z0-9._-]", "-");
    if (s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0))) {
      s = "campaign" + s;
    }
    return s.length() > 100 ? s.substring(0, 100) : s;
  }

  /** 127.0.0.0/8, ::1 or localhost, as literals: names are never resolved. */
  static boolean isLoopback(String address) {
    if (address.equals("localhost") || address.equals("::1") || address.equals("[::1]")) {
      return true;
    }
    Matcher m = IPV4.matcher(address);
    if (!m.matches()) {
      return false;
    }
    for (int i = 1; i <= 4; i++) {
      if (Integer.parseInt(m.group(i)) > 255) {
        return false;
      }
    }
    return m.group(1).equals("127");
  }
}
