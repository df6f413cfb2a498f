package dev.shipgate.producer.remote;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands on this machine with {@code /bin/sh -c}, whatever the node's address, for
 * single-machine harnesses. Same contract as {@link JschCommandRunner}: stdin is at EOF, stdout
 * and stderr are read concurrently to EOF, a command that outlives its timeout is killed (with
 * its descendants) and reported as a transient {@link RemoteException}.
 */
public final class LocalCommandRunner implements CommandRunner {
  private static final Logger log = LoggerFactory.getLogger(LocalCommandRunner.class);
  private static final File DEV_NULL = new File("/dev/null");

  @Override
  public CommandResult run(Node node, String command, Duration timeout) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(timeout, "timeout");
    try {
      CommandResult result = execute(node, command, timeout);
      log.info("RUN: {} {} RESULT: {}", node.name(), command, result.summary());
      return result;
    } catch (RemoteException e) {
      log.warn("RUN: {} {} RESULT: error ({}) {}", node.name(), command,
          e.transientFailure() ? "transient" : "permanent", e.getMessage());
      throw e;
    }
  }

  private CommandResult execute(Node node, String command, Duration timeout) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    Process process;
    try {
      process = new ProcessBuilder("/bin/sh", "-c", command)
          .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
          .start();
    } catch (IOException e) {
      throw new RemoteException("node " + node.name() + " (local): cannot start /bin/sh: "
          + e.getMessage(), false, e);
    }
    Drain out = Drain.start(process.getInputStream(), node.name() + "-stdout");
    Drain err = Drain.start(process.getErrorStream(), node.name() + "-stderr");
    try {
      if (!process.waitFor(remaining(deadline), TimeUnit.NANOSECONDS)) {
        kill(process);
        throw timedOut(node, command, timeout, "killed");
      }
      // A background child that kept stdout/stderr open keeps the output from ending: the same
      // situation hangs an SSH channel, so it is the same failure.
      out.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(deadline))));
      err.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(deadline))));
      if (out.thread.isAlive() || err.thread.isAlive()) {
        throw timedOut(node, command, timeout,
            "exited but a background process kept its output open; start daemons fully detached");
      }
      return new CommandResult(node.name(), command, process.exitValue(), out.text(), err.text(),
          Duration.ofNanos(System.nanoTime() - start).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(process);
      throw new RemoteException("node " + node.name() + " (local): interrupted while running: "
          + command, true, e);
    }
  }

  private static RemoteException timedOut(Node node, String command, Duration timeout,
      String what) {
    return new RemoteException("node " + node.name() + " (local): command timed out after "
        + timeout.toMillis() + " ms (" + what + "): " + command.strip().replaceAll("\\s+", " "),
        true, null);
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private static final class Drain implements Runnable {
    private final InputStream in;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private Thread thread;

    private Drain(InputStream in) {
      this.in = in;
    }

    static Drain start(InputStream in, String name) {
      Drain d = new Drain(in);
      d.thread = new Thread(d, "local-runner-" + name);
      d.thread.setDaemon(true);
      d.thread.start();
      return d;
    }

    @Override
    public void run() {
      byte[] chunk = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(chunk)) >= 0) {
          synchronized (buffer) {
            buffer.write(chunk, 0, n);
          }
        }
      } catch (IOException e) {
        // stream closed under us (process killed): keep what was read
      }
    }

    String text() {
      synchronized (buffer) {
        return buffer.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
