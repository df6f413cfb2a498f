package dev.shipgate.cli.stack;

import java.nio.file.Path;
import java.util.List;

/**
 * What is really running: for each service, its PID (from the PID file, or found by its command
 * line marker), whether that process is alive and whether its port answers.
 *
 * @param dataDir the stack's data directory
 * @param services one entry per service (kafka, registry)
 */
public record StackStatus(Path dataDir, List<Service> services) {

  public StackStatus {
    services = List.copyOf(services);
  }

  /**
   * One service.
   *
   * @param name {@code kafka} or {@code registry}
   * @param pid the PID we know of, or -1 if none
   * @param alive that PID is a live process of this stack
   * @param portOpen its port accepts TCP connections
   * @param address where clients reach it
   * @param logFile its stdout/stderr log
   */
  public record Service(String name, long pid, boolean alive, boolean portOpen, String address,
      Path logFile) {
    public boolean up() {
      return alive && portOpen;
    }

    public String state() {
      if (up()) {
        return "up";
      }
      if (alive) {
        return "starting/unresponsive (process alive, port closed)";
      }
      if (portOpen) {
        return "down (port taken by a process that is not this stack's)";
      }
      return "down";
    }
  }

  public boolean allUp() {
    return !services.isEmpty() && services.stream().allMatch(Service::up);
  }

  public boolean anyAlive() {
    return services.stream().anyMatch(Service::alive);
  }

  public Service service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no service " + name));
  }

  /** 0 when everything is up, 1 when nothing of the stack runs, 2 when only part of it does. */
  public int exitCode() {
    if (allUp()) {
      return 0;
    }
    return anyAlive() ? 2 : 1;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append("stack ").append(allUp() ? "UP" : anyAlive() ? "PARTIAL" : "DOWN")
        .append("  (data dir ").append(dataDir).append(")\n");
    for (Service s : services) {
      sb.append(String.format("  %-9s %-6s pid %-8s port %-6s %s  log %s%n", s.name(),
          s.up() ? "up" : "DOWN", s.pid() < 0 ? "-" : (s.pid() + (s.alive() ? "" : "(dead)")),
          s.portOpen() ? "open" : "closed", s.address(), s.logFile()));
      if (!s.up()) {
        sb.append("            ").append(s.state()).append('\n');
      }
    }
    return sb.toString();
  }
}
