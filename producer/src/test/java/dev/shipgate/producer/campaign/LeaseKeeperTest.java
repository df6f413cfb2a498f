package dev.shipgate.producer.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.FaultAction;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.producer.lease.CampaignLease;
import dev.shipgate.producer.lease.DriverIdentity;
import dev.shipgate.producer.lease.LeaseStore;
import dev.shipgate.producer.lease.LeasedFault;
import dev.shipgate.producer.publish.CapturingEventPublisher;
import dev.shipgate.producer.remote.CapturingCommandRunner;
import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.Shell;
import dev.shipgate.schemas.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The lease on the nodes, against three simulated nodes (lease files, iptables OUTPUT rules,
 * process states): a dead driver's leftovers are healed with evidence and its campaign aborted, a
 * live driver refuses the run, and a campaign's own lease lists exactly what it has applied.
 */
class LeaseKeeperTest {
  static final String CAMPAIGN = """
      campaign_id: next-run
      target: {name: etcd, adapter: etcd}
      nodes:
        - {name: a, address: 127.0.0.11, client_port: 2379, pid_file: /run/a.pid, start_command: start-a, process_user: ua}
        - {name: b, address: 127.0.0.12, client_port: 2379, pid_file: /run/b.pid, start_command: start-b, process_user: ub}
        - {name: c, address: 127.0.0.13, client_port: 2379, pid_file: /run/c.pid, start_command: start-c, process_user: uc}
      phases: [4]
      phase4: {faults: [partition_minority]}
      """;
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  final CampaignSpec spec = new CampaignLoader(Path.of("."), CampaignSpec.KNOWN_FAULTS, clock)
      .parse(CAMPAIGN, "t", "t", CampaignOverrides.none());
  final Nodes nodes = new Nodes();
  final CapturingCommandRunner runner = new CapturingCommandRunner(nodes::answer);
  final CapturingEventPublisher events = new CapturingEventPublisher();
  final List<String> printed = new ArrayList<>();
  final LeaseStore store = new LeaseStore(runner, "/var/tmp/shipgate", Duration.ofSeconds(5));

  /** A driver that ran here and is gone: this host and boot, a PID that does not exist. */
  static DriverIdentity deadDriver() {
    DriverIdentity me = DriverIdentity.current();
    return new DriverIdentity(me.host(), me.bootId(), 4_000_000_000L, 12345);
  }

  LeaseKeeper keeper() {
    return new LeaseKeeper(runner, spec, events, clock, DriverIdentity.current(), printed::add);
  }

  @Test
  void shouldHealADeadDriversPartitionAndPausedMemberThenAbortItsCampaign() {
    // the dead driver of campaign "old" was in a partition cycle and had paused c
    List<LeasedFault> faults = List.of(
        new LeasedFault(4, "partition_minority", 3, "a", "iptables", NOW.minusSeconds(30)));
    nodes.writeLeaseEverywhere(new dev.shipgate.producer.lease.Lease("old", deadDriver(),
        NOW.minusSeconds(60), NOW.minusSeconds(5), faults));
    nodes.rules.add("-A OUTPUT -d 127.0.0.12/32 -m owner --uid-owner 991 -m comment --comment"
        + " \"shipgate:old\" -j DROP");
    nodes.rules.add("-A OUTPUT -d 127.0.0.12/32 -m owner --uid-owner 991 -m comment --comment"
        + " \"shipgate:someone-else\" -j DROP");
    nodes.state.put("c", "T");
    nodes.state.put("b", "");

    CampaignLease lease = keeper().take("next-run");

    assertEquals(List.of("-A OUTPUT -d 127.0.0.12/32 -m owner --uid-owner 991 -m comment"
        + " --comment \"shipgate:someone-else\" -j DROP"), nodes.rules,
        "only the dead campaign's rule is removed");
    assertEquals("S", nodes.state.get("c"), "SIGCONT");
    assertEquals("S", nodes.state.get("b"), "restarted");
    List<FaultEvent> healed = events.values(Topics.FAULTS);
    assertEquals(3, healed.size(), healed.toString());
    assertTrue(healed.stream().allMatch(e -> e.getCampaignId().equals("old")
        && e.getAction() == FaultAction.HEALED && e.getHealedByRecovery()));
    FaultEvent rule = healed.get(0);
    assertEquals("partition_minority", rule.getFault());
    assertEquals(3, rule.getCycle());
    assertEquals("iptables", rule.getMechanism());
    assertTrue(rule.getEvidence().startsWith("removed 1 rule(s)"), rule.getEvidence());
    assertTrue(rule.getEvidence().endsWith("none listed by 'iptables -S OUTPUT' after"),
        rule.getEvidence());
    assertEquals("restart", healed.get(1).getMechanism());
    assertEquals("b", healed.get(1).getTargetNode());
    assertEquals("process was gone; restarted: pid 501 state S", healed.get(1).getEvidence());
    assertEquals("SIGCONT", healed.get(2).getMechanism());
    assertEquals("c", healed.get(2).getTargetNode());
    CampaignEvent aborted = events.values(Topics.CAMPAIGNS).get(0);
    assertEquals("old", aborted.getCampaignId());
    assertEquals(CampaignEventType.ABORTED, aborted.getType());
    assertTrue(aborted.getReason().startsWith("driver died (pid 4000000000 on host "),
        aborted.getReason());
    assertTrue(aborted.getReason().contains("healed by recovery at " + NOW
        + " (campaign next-run taking over): 3 action(s)"), aborted.getReason());
    assertTrue(printed.stream().anyMatch(l -> l.startsWith("recovery: node c: SIGCONT")),
        printed.toString());

    assertEquals("next-run", nodes.lease("a").campaignId(), "the new driver holds the nodes");
    lease.release();
    assertTrue(nodes.leases.isEmpty(), "released: no lease left");
  }

  @Test
  void shouldRefuseTheRunWhileAnotherDriverStillRuns() {
    nodes.writeLeaseEverywhere(new dev.shipgate.producer.lease.Lease("busy",
        DriverIdentity.current(), NOW.minusSeconds(60), NOW.minusSeconds(2), List.of()));

    NodeLeases.LeaseRefused refused = assertThrows(NodeLeases.LeaseRefused.class,
        () -> keeper().take("next-run"));

    assertTrue(refused.getMessage().startsWith("the nodes are held by campaign busy (driver pid "
        + ProcessHandle.current().pid() + " on host "), refused.getMessage());
    assertTrue(refused.getMessage().contains("two drivers at once on the same nodes are refused"),
        refused.getMessage());
    assertTrue(events.all().isEmpty(), "nothing published");
    assertEquals("busy", nodes.lease("a").campaignId(), "its lease is left alone");
  }

  @Test
  void shouldTakeALeaseFromAnotherHostOnlyOnceItsRenewalIsOlderThanTheTtl() {
    DriverIdentity elsewhere = new DriverIdentity("other-host", "boot", 77, 1);
    nodes.writeLeaseEverywhere(new dev.shipgate.producer.lease.Lease("remote", elsewhere,
        NOW.minusSeconds(600), NOW.minusSeconds(30), List.of()));
    assertThrows(NodeLeases.LeaseRefused.class, () -> keeper().take("next-run"),
        "renewed 30 s ago, ttl 60 s: still running");

    nodes.writeLeaseEverywhere(new dev.shipgate.producer.lease.Lease("remote", elsewhere,
        NOW.minusSeconds(600), NOW.minusSeconds(90), List.of()));
    keeper().take("next-run").release();
    assertEquals(CampaignEventType.ABORTED, events.values(Topics.CAMPAIGNS).get(0).getType());
  }

  @Test
  void shouldRefuseALeaseFileItCannotRead() {
    nodes.leases.put(store.path(spec.clusterNodes().get(1)), "garbage{");
    NodeLeases.LeaseRefused refused = assertThrows(NodeLeases.LeaseRefused.class,
        () -> keeper().take("next-run"));
    assertTrue(refused.getMessage().startsWith("node b: /var/tmp/shipgate/lease-127.0.0.12-2379"
        + ".json is not a lease ("), refused.getMessage());
  }

  @Test
  void shouldListExactlyTheFaultsApplied() {
    CampaignLease lease = keeper().take("next-run");
    LeasedFault pause = new LeasedFault(4, "drop_random_acks", 2, "c", "SIGSTOP", NOW);
    lease.applying(pause);
    assertEquals(List.of(pause), nodes.lease("b").faults(), "on every node, before injection");
    lease.healed(pause);
    assertEquals(List.of(), nodes.lease("c").faults());
    lease.release();
  }

  /** Three nodes' lease files, one iptables OUTPUT chain (one kernel), process states. */
  final class Nodes {
    final Map<String, String> leases = new HashMap<>();
    final List<String> rules = new ArrayList<>();
    final Map<String, String> state = new HashMap<>(Map.of("a", "S", "b", "S", "c", "S"));
    int nextPid = 500;

    void writeLeaseEverywhere(dev.shipgate.producer.lease.Lease lease) {
      for (var n : spec.clusterNodes()) {
        leases.put(store.path(n), json(lease));
      }
    }

    dev.shipgate.producer.lease.Lease lease(String node) {
      var n = spec.clusterNodes().stream().filter(x -> x.name().equals(node)).findFirst()
          .orElseThrow();
      return ((LeaseStore.Found.Held) store.read(n)).lease();
    }

    CommandResult answer(CapturingCommandRunner.Call c) {
      String cmd = c.command();
      String out = "";
      List<String> words = cmd.startsWith("iptables") ? Shell.split(cmd) : sh(cmd);
      if (cmd.startsWith("if [ -e ")) {
        out = leases.getOrDefault(words.get(3), "");
      } else if (cmd.startsWith("mkdir -p ")) {
        int p = words.indexOf("printf");
        leases.put(words.get(words.size() - 1), words.get(p + 2));
      } else if (cmd.startsWith("rm -f ")) {
        leases.remove(words.get(2));
      } else if (cmd.equals("iptables -S OUTPUT")) {
        out = "-P OUTPUT ACCEPT\n" + String.join("\n", rules) + "\n";
      } else if (cmd.startsWith("iptables -D OUTPUT ")) {
        String spec = String.join(" ", words.subList(3, words.size()));
        rules.removeIf(r -> String.join(" ", Shell.split(r).subList(2, Shell.split(r).size()))
            .equals(spec));
      } else if (cmd.startsWith("ps -o stat=")) {
        out = state.get(c.node());
      } else if (cmd.startsWith("kill -CONT")) {
        state.put(c.node(), "S");
        out = "S";
      } else if (cmd.startsWith("pid=$(cat") && cmd.contains("echo restarted")) {
        String s = state.get(c.node());
        if (s.isEmpty() || s.startsWith("Z")) {
          state.put(c.node(), "S");
          nextPid++;
          out = "restarted";
        } else {
          out = "running 1";
        }
      } else if (cmd.startsWith("pid=$(cat") && cmd.contains("echo \"$pid")) {
        out = nextPid + " " + state.get(c.node());
      } else if (cmd.startsWith("id -u")) {
        out = "991";
      }
      return new CommandResult(c.node(), cmd, 0, out + (out.isEmpty() ? "" : "\n"), "", 1);
    }
  }

  /** Words of a POSIX shell line with single quotes ('\'' inside them). */
  static List<String> sh(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (ch == '\'') {
        quoted = !quoted;
        any = true;
      } else if (ch == '\\' && !quoted && i + 1 < line.length()) {
        cur.append(line.charAt(++i));
        any = true;
      } else if (Character.isWhitespace(ch) && !quoted) {
        if (any) {
          words.add(cur.toString());
          cur.setLength(0);
          any = false;
        }
      } else {
        cur.append(ch);
        any = true;
      }
    }
    if (any) {
      words.add(cur.toString());
    }
    return words;
  }

  static String json(dev.shipgate.producer.lease.Lease lease) {
    try {
      var m = new com.fasterxml.jackson.databind.ObjectMapper()
          .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
          .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
      return m.writeValueAsString(lease);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
