package dev.shipgate.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** {@code shipgate ...} in a child JVM of the test's class path, its output collected. */
public record Child(Process process, StringBuffer out, Thread reader) {

  /** Starts {@code shipgate args...} with {@code -Dshipgate.home=home}. */
  public static Child run(Path home, String... args) throws IOException {
    return run(home, line -> { }, args);
  }

  /** @param onLine called with every line the child prints, as it prints it */
  public static Child run(Path home, Consumer<String> onLine, String... args)
      throws IOException {
    return run(home, List.of(), onLine, args);
  }

  /** As {@link #run(Path, String...)}, the child JVM started with {@code jvmOptions}. */
  public static Child run(Path home, List<String> jvmOptions, String... args)
      throws IOException {
    return run(home, jvmOptions, line -> { }, args);
  }

  private static Child run(Path home, List<String> jvmOptions, Consumer<String> onLine,
      String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        "-Dshipgate.home=" + home, Main.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    StringBuffer out = new StringBuffer();
    Thread reader = new Thread(() -> {
      try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(
          p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          out.append(line).append('\n');
          onLine.accept(line);
        }
      } catch (IOException e) {
        out.append("(reading failed: ").append(e).append(")\n");
      }
    }, "child-output");
    reader.setDaemon(true);
    reader.start();
    return new Child(p, out, reader);
  }

  public long pid() {
    return process.pid();
  }

  /** Everything printed so far (once it has ended: everything, after up to 10 s of reading). */
  public String output() {
    if (!process.isAlive()) {
      try {
        reader.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return out.toString();
  }

  /** SIGKILL, if still running (by this child's PID only), and wait up to 30 s for its end. */
  public void stop() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
