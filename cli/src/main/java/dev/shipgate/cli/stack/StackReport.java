package dev.shipgate.cli.stack;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link LocalStack#up()} did: which services it started (or found running), their PIDs,
 * addresses and how long each took to become ready, and which topics it created.
 *
 * @param dataDir the stack's data directory
 * @param services kafka and registry
 * @param topicsCreated topics created by this call
 * @param topicsExisting topics that were already there
 * @param topicsMillis time spent creating topics
 * @param totalMillis wall time of the whole {@code up()}
 */
public record StackReport(Path dataDir, List<Service> services, List<String> topicsCreated,
    List<String> topicsExisting, long topicsMillis, long totalMillis) {

  public StackReport {
    services = List.copyOf(services);
    topicsCreated = List.copyOf(topicsCreated);
    topicsExisting = List.copyOf(topicsExisting);
  }

  /**
   * One service.
   *
   * @param name {@code kafka} or {@code registry}
   * @param pid its PID
   * @param address where clients reach it
   * @param startedNow false when it was already running and nothing was started
   * @param readyMillis from spawning the process to ready (0 when already running)
   * @param logFile its stdout/stderr log
   */
  public record Service(String name, long pid, String address, boolean startedNow,
      long readyMillis, Path logFile) {}

  /** True when nothing had to be started. */
  public boolean alreadyRunning() {
    return services.stream().noneMatch(Service::startedNow);
  }

  public Service service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no service " + name));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(alreadyRunning() ? "stack already running" : "stack up").append("  (data dir ")
        .append(dataDir).append(", ").append(totalMillis).append(" ms)\n");
    for (Service s : services) {
      sb.append(String.format("  %-9s pid %-8d %-28s %s  log %s%n", s.name(), s.pid(),
          s.address(), s.startedNow() ? "started, ready in " + s.readyMillis() + " ms"
              : "already running", s.logFile()));
    }
    if (!topicsCreated.isEmpty()) {
      sb.append("  topics created (").append(topicsMillis).append(" ms): ")
          .append(String.join(", ", topicsCreated)).append('\n');
    }
    if (!topicsExisting.isEmpty()) {
      sb.append("  topics present: ").append(topicsExisting.size()).append('\n');
    }
    return sb.toString();
  }
}
