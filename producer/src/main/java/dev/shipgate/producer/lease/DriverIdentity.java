package dev.shipgate.producer.lease;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which driver process holds a lease: host name, the kernel's boot id, PID and the PID's start
 * time (clock ticks since boot, from {@code /proc/<pid>/stat}). On the same host and boot, whether
 * that driver still runs is a fact, not a guess: the PID exists with the same start time (a reused
 * PID has another).
 *
 * @param host this machine's host name
 * @param bootId {@code /proc/sys/kernel/random/boot_id}, or "" when unreadable
 * @param pid the driver's PID
 * @param pidStart the PID's start time in clock ticks, or -1 when unreadable
 */
public record DriverIdentity(String host, String bootId, long pid, long pidStart) {

  /** This JVM. */
  public static DriverIdentity current() {
    long pid = ProcessHandle.current().pid();
    return new DriverIdentity(hostName(), readBootId(), pid, startTicks(pid));
  }

  /**
   * Whether the driver named by {@code other} is known to run: true or false when it ran on this
   * host and boot (its PID and start time say), null when it ran elsewhere (only its renewals
   * tell).
   */
  public Boolean knowsAlive(DriverIdentity other) {
    if (!host.equals(other.host) || bootId.isEmpty() || !bootId.equals(other.bootId)) {
      return null;
    }
    long start = startTicks(other.pid);
    return start >= 0 && start == other.pidStart;
  }

  static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      return Files.readString(Path.of("/etc/hostname")).trim();
    } catch (IOException e) {
      String name = ManagementFactory.getRuntimeMXBean().getName();
      int at = name.indexOf('@');
      return at < 0 ? "unknown" : name.substring(at + 1);
    }
  }

  private static String readBootId() {
    try {
      return Files.readAllLines(Path.of("/proc/sys/kernel/random/boot_id")).get(0).trim();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** Field 22 of /proc/<pid>/stat (after the parenthesised command), -1 when gone. */
  static long startTicks(long pid) {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "stat"));
      String stat = lines.get(0);
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[19]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
