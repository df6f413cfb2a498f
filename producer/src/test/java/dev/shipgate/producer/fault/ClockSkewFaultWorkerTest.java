package dev.shipgate.producer.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.FaultAction;
import dev.shipgate.producer.remote.CapturingCommandRunner;
import dev.shipgate.producer.remote.Node;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClockSkewFaultWorkerTest {
  private static final String PRELOAD = "env FAKETIME=+5 FAKETIME_DONT_FAKE_MONOTONIC=1"
      + " LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
  private final Node a = Scripted.node("a", 0, "sg-node-a");
  private final Node b = Scripted.node("b", 1, "sg-node-b");
  private final Node c = Scripted.node("c", 2, "sg-node-c");
  private final ClockSkewFaultSpec spec = ClockSkewFaultSpec.fromSettings(Map.of(
      "mechanism", "libfaketime", "check_attempts", "2", "check_interval_ms", "0"));

  private FaultContext ctx(CapturingCommandRunner runner) {
    return new FaultContext(runner, a, List.of(b, c), "camp-1", 1, Duration.ofSeconds(5));
  }

  @Test
  void shouldNotApplyClockSkewToEtcdAndSayWhy() {
    CapturingCommandRunner runner = new CapturingCommandRunner();
    FaultSpec etcd = FaultCatalog.builtIn().create("clock_skew_peer", Map.of("target", "etcd"));
    FaultResult r = etcd.newWorker().inject(ctx(runner));

    assertEquals(FaultAction.NOT_APPLIED, r.action());
    assertEquals("c", r.targetNode());
    assertEquals("etcd is a Go program and ignores libfaketime; no per-process clock offset can"
        + " be applied on a shared host", r.reason());
    assertNull(r.evidence());
    assertTrue(runner.calls().isEmpty());
  }

  @Test
  void shouldRefuseLibfaketimeForEtcdAtConfiguration() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClockSkewFaultSpec.fromSettings(Map.of("target", "etcd", "mechanism",
            "libfaketime")));
    assertTrue(e.getMessage().contains("etcd is a Go program"), e.getMessage());
  }

  @Test
  void shouldRestartThePeerUnderLibfaketimeAndReportTheMeasuredOffset() {
    CapturingCommandRunner runner = new Scripted().on("c", "cat ", "100", "100", "200")
        .on("c", "ps -o stat= -p 100", "").on("c", "ps -o stat= -p 200", "Ssl")
        .on("c", "grep -c libfaketime /proc/200/maps", "3\n")
        .on("c", "date +%s.%N && ", "1795813951.100000000\n1795813956.102000000\n").runner();
    FaultResult r = spec.newWorker().inject(ctx(runner));

    assertEquals(List.of("cat /run/sg/c.pid", "kill 100", "ps -o stat= -p 100",
        PRELOAD + " sh -c /opt/sg/start-c.sh", "cat /run/sg/c.pid", "cat /run/sg/c.pid",
        "ps -o stat= -p 200", "grep -c libfaketime /proc/200/maps",
        "date +%s.%N && " + PRELOAD + " date +%s.%N"), runner.commands("c"));
    assertEquals(FaultAction.INJECTED, r.action());
    assertEquals("libfaketime", r.mechanism());
    assertEquals("pid 200 restarted with FAKETIME=+5 (libfaketime mapped in /proc/200/maps);"
        + " measured offset +5.002 s by date under the same preload (requested +5.000 s)",
        r.evidence());
  }

  @Test
  void shouldNotApplyAndRestartPlainWhenTheLibraryIsNotMapped() {
    CapturingCommandRunner runner = new Scripted().on("c", "cat ", "100", "100", "200", "200",
            "300")
        .on("c", "ps -o stat= -p 100", "").on("c", "ps -o stat= -p 200", "Sl", "")
        .on("c", "ps -o stat= -p 300", "Sl")
        .exit("c", "grep -c libfaketime", 1, "0\n", "").runner();
    FaultResult r = spec.newWorker().inject(ctx(runner));

    assertEquals(FaultAction.NOT_APPLIED, r.action());
    assertEquals("libfaketime is not mapped into pid 200 (the program does not load it, e.g. a"
        + " static or Go binary); restarted without libfaketime as pid 300", r.reason());
    assertTrue(runner.commands("c").contains("/opt/sg/start-c.sh"));
  }

  @Test
  void shouldNotApplyWhenTheMeasuredOffsetIsNotTheRequestedOne() {
    CapturingCommandRunner runner = new Scripted().on("c", "cat ", "100", "100", "200", "200",
            "300")
        .on("c", "ps -o stat= -p 100", "").on("c", "ps -o stat= -p 200", "Sl", "")
        .on("c", "ps -o stat= -p 300", "Sl")
        .on("c", "grep -c libfaketime /proc/200/maps", "2")
        .exit("c", "grep -c libfaketime /proc/300/maps", 1, "0", "")
        .on("c", "date +%s.%N && ", "1000.0\n1000.01\n").runner();
    FaultResult r = spec.newWorker().inject(ctx(runner));

    assertEquals(FaultAction.NOT_APPLIED, r.action());
    assertEquals("measured offset +0.010 s by date under the same preload is not within 1.000 s"
        + " of the requested +5.000 s; restarted without libfaketime as pid 300", r.reason());
  }

  @Test
  void shouldRestartWithoutLibfaketimeOnHeal() {
    CapturingCommandRunner runner = new Scripted().on("c", "cat ", "100", "100", "200", "200",
            "300")
        .on("c", "ps -o stat= -p 100", "").on("c", "ps -o stat= -p 200", "Ssl", "")
        .on("c", "ps -o stat= -p 300", "Ssl")
        .on("c", "grep -c libfaketime /proc/200/maps", "3")
        .exit("c", "grep -c libfaketime /proc/300/maps", 1, "0", "")
        .on("c", "date +%s.%N && ", "1000.0\n1005.0\n").runner();
    FaultWorker worker = spec.newWorker();
    assertEquals(FaultAction.INJECTED, worker.inject(ctx(runner)).action());
    FaultResult healed = worker.heal(ctx(runner));

    assertEquals(FaultAction.HEALED, healed.action());
    assertEquals("restarted as pid 300 without libfaketime (not mapped in /proc/300/maps)",
        healed.evidence());
  }
}
