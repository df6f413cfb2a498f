package dev.shipgate.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a JVM's CPU time goes, by kind of thread: a thread dump of another JVM ({@code jcmd PID
 * Thread.print}, which gives each live thread's CPU time) at two moments, the difference grouped
 * into the stream threads, the JIT compilers, the collector and the VM thread, the Kafka clients'
 * network threads, and the rest. A thread that ended between the two dumps is not counted (its
 * time is in the JVM's total only). {@code jcmd} is a small JVM of its own: measured, about 0.2 s
 * of CPU a dump, so the first one takes that from the machine at the start of the span.
 */
public final class ThreadCpu {
  private ThreadCpu() {}

  /** The groups, in the order printed. */
  public static final List<String> GROUPS = List.of("stream threads", "JIT compilers",
      "GC and VM thread", "Kafka client network", "other threads");

  /** A thread's header line of a dump: its quoted name, then, on the same line, cpu=...ms. */
  private static final Pattern THREAD = Pattern.compile(
      "^\"(.*)\"\\s.*?\\bcpu=([0-9.]+)ms", Pattern.MULTILINE);

  /** Each live thread's CPU ms, by name (names made unique with #n), or empty if no dump. */
  public static Map<String, Double> sample(long pid) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      return Map.of();
    }
    try {
      Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "Thread.print")
          .redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return Map.of();
      }
      return parse(new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  /** The threads' CPU ms of a dump's text, by name. */
  static Map<String, Double> parse(String dump) {
    Map<String, Double> out = new LinkedHashMap<>();
    Matcher m = THREAD.matcher(dump);
    while (m.find()) {
      String name = m.group(1);
      String unique = name;
      for (int n = 2; out.containsKey(unique); n++) {
        unique = name + "#" + n;
      }
      out.put(unique, Double.parseDouble(m.group(2)));
    }
    return out;
  }

  /** The group a thread of that name is in ({@link #GROUPS}). */
  static String group(String name) {
    if (name.contains("kafka-producer-network-thread") || name.contains("heartbeat")
        || name.contains("consumer_background_thread") || name.contains("network-thread")) {
      return "Kafka client network";
    }
    if (name.matches(".*-StreamThread-\\d+(#\\d+)?")) {
      return "stream threads";
    }
    if (name.startsWith("C2 CompilerThread") || name.startsWith("C1 CompilerThread")) {
      return "JIT compilers";
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")
        || name.startsWith("VM Periodic Task Thread")) {
      return "GC and VM thread";
    }
    return "other threads";
  }

  /**
   * The CPU ms each group used between two samples, in {@link #GROUPS} order; empty when either
   * sample is.
   */
  public static Map<String, Double> spent(Map<String, Double> before, Map<String, Double> after) {
    if (before.isEmpty() || after.isEmpty()) {
      return Collections.emptyMap();
    }
    Map<String, Double> out = new LinkedHashMap<>();
    GROUPS.forEach(g -> out.put(g, 0.0));
    after.forEach((name, ms) -> out.merge(group(name), ms - before.getOrDefault(name, 0.0),
        Double::sum));
    return out;
  }
}
