package dev.shipgate.producer.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.FaultAction;
import dev.shipgate.producer.remote.CapturingCommandRunner;
import dev.shipgate.producer.remote.Node;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PartitionMinorityFaultWorkerTest {
  private static final String A_TO_B = "iptables -I OUTPUT -m owner --uid-owner sg-node-a"
      + " -d 127.0.0.12 -m comment --comment shipgate:camp-1 -j DROP";
  private static final String A_TO_C = "iptables -I OUTPUT -m owner --uid-owner sg-node-a"
      + " -d 127.0.0.13 -m comment --comment shipgate:camp-1 -j DROP";
  private static final String B_TO_A = "iptables -I OUTPUT -m owner --uid-owner sg-node-b"
      + " -d 127.0.0.11 -m comment --comment shipgate:camp-1 -j DROP";
  private static final String C_TO_A = "iptables -I OUTPUT -m owner --uid-owner sg-node-c"
      + " -d 127.0.0.11 -m comment --comment shipgate:camp-1 -j DROP";

  private final Node a = Scripted.node("a", 0, "sg-node-a");
  private final Node b = Scripted.node("b", 1, "sg-node-b");
  private final Node c = Scripted.node("c", 2, "sg-node-c");
  private final FakeIptables iptables =
      new FakeIptables(Map.of("sg-node-a", "991", "sg-node-b", "992", "sg-node-c", "993"));
  private final CapturingCommandRunner runner = new CapturingCommandRunner(iptables);

  private FaultContext ctx(Node primary, List<Node> peers) {
    return new FaultContext(runner, primary, peers, "camp-1", 2, Duration.ofSeconds(5));
  }

  private static String delete(String insert) {
    return insert.replace("iptables -I ", "iptables -D ");
  }

  @Test
  void shouldInsertTwoOwnerRulesPerPeerEachOnTheNodeWhereItsUserRuns() {
    FaultResult r = new PartitionMinorityFaultSpec().newWorker().inject(ctx(a, List.of(b, c)));

    assertEquals(List.of("id -u sg-node-a", A_TO_B, A_TO_C, "iptables -S OUTPUT"),
        runner.commands("a"));
    assertEquals(List.of("id -u sg-node-b", B_TO_A, "iptables -S OUTPUT"), runner.commands("b"));
    assertEquals(List.of("id -u sg-node-c", C_TO_A, "iptables -S OUTPUT"), runner.commands("c"));
    assertEquals(List.of(A_TO_B, B_TO_A, A_TO_C, C_TO_A), runner.calls().stream()
        .map(CapturingCommandRunner.Call::command).filter(x -> x.startsWith("iptables -I"))
        .toList());
    assertEquals(FaultAction.INJECTED, r.action());
    assertEquals("iptables", r.mechanism());
    assertEquals(String.join("; ", A_TO_B, B_TO_A, A_TO_C, C_TO_A), r.command());
    assertEquals("a: -A OUTPUT -d 127.0.0.12/32 -m owner --uid-owner 991 -m comment --comment"
        + " \"shipgate:camp-1\" -j DROP; b: -A OUTPUT -d 127.0.0.11/32 -m owner --uid-owner 992"
        + " -m comment --comment \"shipgate:camp-1\" -j DROP; a: -A OUTPUT -d 127.0.0.13/32 -m"
        + " owner --uid-owner 991 -m comment --comment \"shipgate:camp-1\" -j DROP; c: -A OUTPUT"
        + " -d 127.0.0.11/32 -m owner --uid-owner 993 -m comment --comment \"shipgate:camp-1\" -j"
        + " DROP", r.evidence());
    assertEquals(4, iptables.rules.size());
  }

  @Test
  void shouldDeleteExactlyItsRulesOnHealAndShowNoneLeft() {
    FaultWorker worker = new PartitionMinorityFaultSpec().newWorker();
    worker.inject(ctx(a, List.of(b, c)));
    iptables.rules.add("-A OUTPUT -d 127.0.0.99/32 -j ACCEPT");
    FaultResult healed = worker.heal(ctx(a, List.of(b, c)));

    assertEquals(FaultAction.HEALED, healed.action());
    assertEquals("none of the 4 rules commented shipgate:camp-1 listed by 'iptables -S OUTPUT'"
        + " on nodes a, b, c", healed.evidence());
    assertEquals(List.of("id -u sg-node-a", A_TO_B, A_TO_C, "iptables -S OUTPUT", delete(A_TO_B),
        delete(A_TO_C), "iptables -S OUTPUT"), runner.commands("a"));
    assertEquals(List.of("-A OUTPUT -d 127.0.0.99/32 -j ACCEPT"), iptables.rules);
  }

  @Test
  void shouldRollBackAndNotApplyWhenAnInsertFails() {
    iptables.failInsertOn = "b";
    FaultResult r = new PartitionMinorityFaultSpec().newWorker().inject(ctx(a, List.of(b, c)));

    assertEquals(FaultAction.NOT_APPLIED, r.action());
    assertEquals(B_TO_A, r.command());
    assertEquals(4, r.exitStatus());
    assertEquals("iptables insert failed on node b: exit 4: iptables v1.8.9 (nf_tables): Could"
        + " not fetch rule set; rolled back 1 of 1 inserted rule(s)", r.reason());
    assertEquals(List.of("id -u sg-node-a", A_TO_B, delete(A_TO_B)), runner.commands("a"));
    assertTrue(iptables.rules.isEmpty());
  }

  @Test
  void shouldRollBackAndNotApplyWhenTheRulesAreNotListed() {
    iptables.listNothing = true;
    FaultResult r = new PartitionMinorityFaultSpec().newWorker().inject(ctx(a, List.of(b, c)));

    assertEquals(FaultAction.NOT_APPLIED, r.action());
    assertNull(r.evidence());
    assertEquals("rule(s) not listed by 'iptables -S OUTPUT' after insert: a: sg-node-a ->"
        + " 127.0.0.12, b: sg-node-b -> 127.0.0.11, a: sg-node-a -> 127.0.0.13, c: sg-node-c ->"
        + " 127.0.0.11; rolled back 4 of 4 inserted rule(s)", r.reason());
    assertTrue(iptables.rules.isEmpty());
  }

  @Test
  void shouldNotApplyWithoutDistinctProcessUsers() {
    Node bNoUser = Scripted.node("b", 1, null);
    FaultResult r = new PartitionMinorityFaultSpec().newWorker()
        .inject(ctx(a, List.of(bNoUser, c)));
    assertEquals(FaultAction.NOT_APPLIED, r.action());
    assertEquals("nodes do not run as distinct users; a loopback partition cannot be applied",
        r.reason());
    Node cSameUser = Scripted.node("c", 2, "sg-node-a");
    assertEquals(FaultAction.NOT_APPLIED, new PartitionMinorityFaultSpec().newWorker()
        .inject(ctx(a, List.of(b, cSameUser))).action());
    assertTrue(runner.calls().isEmpty());
  }

  @Test
  void shouldNotApplyWhenAUserDoesNotExistOnItsNode() {
    Node cUnknown = Scripted.node("c", 2, "sg-nobody");
    FaultResult r = new PartitionMinorityFaultSpec().newWorker()
        .inject(ctx(a, List.of(b, cUnknown)));
    assertEquals(FaultAction.NOT_APPLIED, r.action());
    assertEquals("user sg-nobody not found on node c (exit 1: id: no such user)", r.reason());
    assertTrue(iptables.rules.isEmpty());
  }

  @Test
  void shouldDeleteOnlyTheRulesTaggedWithThisCampaignOnCleanUp() {
    iptables.rules.add("-A OUTPUT -d 127.0.0.12/32 -m owner --uid-owner 991 -m comment"
        + " --comment \"shipgate:camp-1\" -j DROP");
    iptables.rules.add("-A OUTPUT -d 127.0.0.12/32 -m owner --uid-owner 991 -m comment"
        + " --comment \"shipgate:camp-10\" -j DROP");
    iptables.rules.add("-A OUTPUT -d 127.0.0.13/32 -m owner --uid-owner 993 -m comment"
        + " --comment \"shipgate:camp-1\" -j DROP");
    iptables.rules.add("-A OUTPUT -d 10.0.0.0/8 -j ACCEPT");

    new PartitionMinorityFaultSpec().newWorker().cleanUp(ctx(a, List.of(b, c)));

    assertEquals(List.of("iptables -S OUTPUT",
        "iptables -D OUTPUT -d 127.0.0.12/32 -m owner --uid-owner 991 -m comment --comment"
            + " shipgate:camp-1 -j DROP",
        "iptables -D OUTPUT -d 127.0.0.13/32 -m owner --uid-owner 993 -m comment --comment"
            + " shipgate:camp-1 -j DROP", "iptables -S OUTPUT"), runner.commands("a"),
        "listed again after the deletes: the evidence that none is left");
    assertEquals(List.of("iptables -S OUTPUT"), runner.commands("b"));
    assertEquals(List.of("-A OUTPUT -d 127.0.0.12/32 -m owner --uid-owner 991 -m comment"
        + " --comment \"shipgate:camp-10\" -j DROP", "-A OUTPUT -d 10.0.0.0/8 -j ACCEPT"),
        iptables.rules);
  }
}
