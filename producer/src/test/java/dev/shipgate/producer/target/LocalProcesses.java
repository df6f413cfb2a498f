package dev.shipgate.producer.target;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Child processes of an IT, started and ended by PID only. */
final class LocalProcesses implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalProcesses.class);

  private final List<Process> started = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::killAll, "it-process-cleanup");

  LocalProcesses() {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  Process start(List<String> command, Path logFile) throws IOException {
    Files.createDirectories(logFile.getParent());
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(logFile.toFile()).start();
    synchronized (started) {
      started.add(p);
    }
    log.info("RUN: {} RESULT: pid {}", String.join(" ", command), p.pid());
    return p;
  }

  /** Sends {@code signal} (KILL, STOP, CONT) to one PID. */
  static void signal(long pid, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
        .redirectErrorStream(true).start();
    String out = new String(kill.getInputStream().readAllBytes()).strip();
    int rc = kill.waitFor();
    log.info("RUN: kill -{} {} RESULT: exit {} {}", signal, pid, rc, out);
    if (rc != 0) {
      throw new IOException("kill -" + signal + " " + pid + " failed: " + out);
    }
  }

  /** A port free right now on {@code address}. */
  static int freePort(String address) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return s.getLocalPort();
    }
  }

  private void killAll() {
    synchronized (started) {
      for (Process p : started) {
        if (p.isAlive()) {
          p.destroyForcibly();
          try {
            p.waitFor(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          log.info("RUN: SIGKILL {} RESULT: alive={}", p.pid(), p.isAlive());
        }
      }
      started.clear();
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (Files.exists(root)) {
      try (Stream<Path> paths = Files.walk(root)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException ignored) {
      // JVM already shutting down
    }
  }
}
