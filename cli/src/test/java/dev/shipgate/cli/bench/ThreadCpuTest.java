package dev.shipgate.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A thread dump's CPU times, grouped by kind of thread, between two dumps. */
class ThreadCpuTest {
  private static String dump(double stream, double c2, double producer, double gc) {
    return String.join("\n",
        "2026-12-04 21:55:00",
        "Full thread dump OpenJDK 64-Bit Server VM (17.0.13+11-Debian-2deb12u1 mixed mode):",
        "",
        "\"main\" #1 prio=5 os_prio=0 cpu=325.13ms elapsed=4.19s tid=0x1 nid=0x5979 waiting",
        "   java.lang.Thread.State: WAITING (parking)",
        "\"C2 CompilerThread0\" #7 daemon prio=9 os_prio=0 cpu=" + c2 + "ms elapsed=4.17s tid=0x2",
        "\"C1 CompilerThread0\" #8 daemon prio=9 os_prio=0 cpu=137.03ms elapsed=4.17s tid=0x3",
        "\"bench-streams-8f1c-StreamThread-1\" #40 prio=5 os_prio=0 cpu=" + stream
            + "ms elapsed=9s tid=0x4 nid=0x1 runnable",
        "\"kafka-producer-network-thread | bench-streams-8f1c-StreamThread-1-producer\" #41"
            + " daemon prio=5 os_prio=0 cpu=" + producer + "ms elapsed=9s tid=0x5",
        "\"GC Thread#0\" os_prio=0 cpu=" + gc + "ms elapsed=4.19s tid=0x6 nid=0x597a runnable",
        "\"GC Thread#0\" os_prio=0 cpu=" + gc + "ms elapsed=4.19s tid=0x7 nid=0x597b runnable",
        "\"VM Thread\" os_prio=0 cpu=1.31ms elapsed=4.17s tid=0x8 nid=0x597f runnable");
  }

  @Test
  void shouldGroupWhatEachThreadSpentBetweenTwoDumps() {
    Map<String, Double> before = ThreadCpu.parse(dump(1000, 2000, 100, 50));
    assertEquals(8, before.size(), "two threads of one name are both kept: " + before);
    Map<String, Double> spent = ThreadCpu.spent(before, ThreadCpu.parse(dump(4000, 2500, 400,
        150)));
    assertEquals(ThreadCpu.GROUPS, java.util.List.copyOf(spent.keySet()));
    assertEquals(3000, spent.get("stream threads"), 1e-9);
    assertEquals(500, spent.get("JIT compilers"), 1e-9);
    assertEquals(300, spent.get("Kafka client network"), 1e-9);
    assertEquals(200, spent.get("GC and VM thread"), 1e-9);
    assertEquals(0, spent.get("other threads"), 1e-9);
  }

  @Test
  void shouldSayNothingWithoutBothDumps() {
    assertTrue(ThreadCpu.spent(Map.of(), ThreadCpu.parse(dump(1, 1, 1, 1))).isEmpty());
    assertTrue(ThreadCpu.parse("jcmd: no such process").isEmpty());
  }
}
