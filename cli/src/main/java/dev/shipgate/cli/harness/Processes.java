package dev.shipgate.cli.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervision of detached processes by PID, as {@link LocalCluster} (sshd, etcd, Redis) and the
 * local stack (broker, registry) need it: PID files, what {@code /proc} says about a PID, stopping
 * by PID, and the tail of a process's log.
 *
 * <p>PIDs get reused: a caller checks a PID's {@link #exe executable}, {@link #arguments
 * arguments} or {@link #uid owner} before it signals it.
 */
public final class Processes {
  private static final Logger log = LoggerFactory.getLogger(Processes.class);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(20);

  private Processes() {}

  /**
   * How one PID went in {@link #stop}.
   *
   * @param millis from the SIGTERM until it was seen gone, or until {@link #stop} gave up on it
   * @param killed whether it needed the SIGKILL
   */
  public record Stopped(long pid, long millis, boolean killed) {}

  /** The PID in {@code file} (trimmed); empty when the file is missing, empty or not a number. */
  public static OptionalLong readPid(Path file) {
    try {
      String s = Files.readString(file).trim();
      return s.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Alive = exists and is not a zombie (an orphan stays {@code Z} for a while here). */
  public static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      int close = stat.lastIndexOf(')');
      return close > 0 && stat.length() > close + 2 && stat.charAt(close + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The process's executable: {@code /proc/<pid>/exe}, or, where that link cannot be read (a
   * root without CAP_SYS_PTRACE, as in a default container, may not read another user's), the
   * real path of the first word of its command line; null when neither tells.
   */
  public static Path exe(long pid) {
    try {
      return Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe"));
    } catch (IOException e) {
      String argv0 = cmdline(pid).strip().split(" ", 2)[0];
      return argv0.startsWith("/") ? realPath(argv0) : null;
    }
  }

  /** {@code bin}'s real path (symlinks resolved), or {@code bin} itself when it cannot be resolved. */
  public static Path realPath(String bin) {
    try {
      return Path.of(bin).toRealPath();
    } catch (IOException e) {
      return Path.of(bin);
    }
  }

  /** The command line, arguments joined by spaces; empty for a zombie or a missing PID. */
  public static String cmdline(long pid) {
    return String.join(" ", arguments(pid));
  }

  /** The command line's words, {@code argv[0]} first; empty for a zombie or a missing PID. */
  public static List<String> arguments(long pid) {
    try {
      String raw = Files.readString(Path.of("/proc/" + pid + "/cmdline"), StandardCharsets.UTF_8);
      if (raw.isEmpty()) {
        return List.of();
      }
      // every argument ends with a NUL; an empty argument ("--save ''") stays an empty word
      return List.of((raw.endsWith("\0") ? raw.substring(0, raw.length() - 1) : raw)
          .split("\0", -1));
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The real user id of the process, or -1 when it is gone. */
  public static long uid(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (l.startsWith("Uid:")) {
          return Long.parseLong(l.substring(4).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return -1;
  }

  /** Sends {@code signal} (a name: CONT, TERM, KILL...) with {@code kill}; logged as evidence. */
  public static void signal(long pid, String signal) {
    List<String> argv = List.of("kill", "-s", signal, String.valueOf(pid));
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(SIGNAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        log.info("RUN: {} RESULT: timed out after {} ms", argv, SIGNAL_TIMEOUT.toMillis());
        return;
      }
      log.info("RUN: {} RESULT: exit={} output={}", argv, p.exitValue(), out.strip());
    } catch (IOException e) {
      log.info("RUN: {} RESULT: {}", argv, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted signalling pid " + pid, e);
    }
  }

  /**
   * Stops {@code pids} together: SIGCONT (one may have been left stopped) and SIGTERM to each,
   * up to {@code grace} for all of them to exit, SIGKILL to those still running, up to 5 s more.
   *
   * @return one entry per PID, in order; a PID that survived the SIGKILL too is not reported
   *     as such: the caller checks {@link #alive} (or its own identity check) afterwards
   */
  public static List<Stopped> stop(List<Long> pids, Duration grace) {
    if (pids.isEmpty()) {
      return List.of();
    }
    long t0 = System.nanoTime();
    for (long pid : pids) {
      signal(pid, "CONT");
      signal(pid, "TERM");
    }
    Map<Long, Long> goneAt = new LinkedHashMap<>();
    List<Long> left = awaitDead(pids, grace, t0, goneAt);
    for (long pid : left) {
      log.warn("pid {} ignored SIGTERM for {} ms, sending SIGKILL", pid, grace.toMillis());
      signal(pid, "KILL");
    }
    awaitDead(left, KILL_TIMEOUT, t0, goneAt);
    List<Stopped> result = new ArrayList<>();
    for (long pid : pids) {
      long gaveUp = (System.nanoTime() - t0) / 1_000_000;
      result.add(new Stopped(pid, goneAt.getOrDefault(pid, gaveUp), left.contains(pid)));
    }
    return result;
  }

  /** Waits until each PID is gone or a zombie; returns those still running. */
  public static List<Long> awaitDead(List<Long> pids, Duration timeout) {
    return awaitDead(pids, timeout, System.nanoTime(), new LinkedHashMap<>());
  }

  private static List<Long> awaitDead(List<Long> pids, Duration timeout, long t0,
      Map<Long, Long> goneAt) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Long> left = new ArrayList<>(pids);
    while (true) {
      for (long pid : List.copyOf(left)) {
        if (!alive(pid)) {
          goneAt.put(pid, (System.nanoTime() - t0) / 1_000_000);
          left.remove(Long.valueOf(pid));
        }
      }
      if (left.isEmpty() || System.nanoTime() > deadline) {
        return left;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + left + " to exit", e);
      }
    }
  }

  /**
   * The last {@code n} lines of {@code file} (fewer when it is shorter), decoded as UTF-8.
   *
   * @throws java.nio.file.NoSuchFileException when there is no such file
   */
  public static List<String> tail(Path file, int n) throws IOException {
    List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
    return List.copyOf(all.subList(Math.max(0, all.size() - n), all.size()));
  }
}
