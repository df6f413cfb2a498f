package dev.shipgate.producer.fault;

import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.remote.RemoteException;
import dev.shipgate.producer.remote.Shell;
import java.time.Duration;

/**
 * The target process on a node, as seen through commands: its PID (from the node's pid file), its
 * state ({@code ps -o stat=}), signals, restart. Shared by the workers so that they send the same
 * command lines.
 */
final class NodeProcess {
  private NodeProcess() {}

  /** Runs a command; a command that cannot be run at all becomes a {@link StepFailure}. */
  static CommandResult run(FaultContext ctx, Node node, String command) {
    try {
      return ctx.runner().run(node, command, ctx.commandTimeout());
    } catch (RemoteException e) {
      throw new StepFailure("could not run '" + command + "' on node " + node.name() + ": "
          + e.getMessage(), command, null);
    }
  }

  static String readPidCommand(Node node) {
    return "cat " + Shell.quote(node.pidFile());
  }

  /** The PID in the node's pid file. */
  static long readPid(FaultContext ctx, Node node) {
    if (node.pidFile() == null) {
      throw new StepFailure("node " + node.name() + " has no pid file configured", null, null);
    }
    String command = readPidCommand(node);
    CommandResult r = run(ctx, node, command);
    String text = r.stdout().strip();
    if (!r.ok() || !text.matches("[0-9]{1,10}") || Long.parseLong(text) <= 1) {
      throw new StepFailure("cannot read a PID from " + node.pidFile() + " on node " + node.name()
          + " (" + r.summary() + ")", command, r.exitStatus());
    }
    return Long.parseLong(text);
  }

  static String stateCommand(long pid) {
    return "ps -o stat= -p " + pid;
  }

  /** The process state letters ({@code S}, {@code Ssl}, {@code T}, {@code Z}...), empty when gone. */
  static String state(FaultContext ctx, Node node, long pid) {
    return run(ctx, node, stateCommand(pid)).stdout().strip();
  }

  /** Gone or a zombie: a SIGKILLed orphan stays {@code Z} for a few seconds; it is dead. */
  static boolean dead(String state) {
    return state.isEmpty() || state.startsWith("Z");
  }

  static boolean stopped(String state) {
    return state.startsWith("T");
  }

  static String describe(long pid, String state) {
    if (state.isEmpty()) {
      return "pid " + pid + " gone";
    }
    if (state.startsWith("Z")) {
      return "pid " + pid + " state " + state + " (zombie)";
    }
    if (state.startsWith("T")) {
      return "pid " + pid + " state " + state + " (stopped)";
    }
    return "pid " + pid + " state " + state;
  }

  static void pause(Duration interval) {
    if (interval.isZero() || interval.isNegative()) {
      return;
    }
    try {
      Thread.sleep(interval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StepFailure("interrupted", null, null);
    }
  }

  /** Polls the state of {@code pid} until it is dead; returns the last state read. */
  static String awaitDead(FaultContext ctx, Node node, long pid, int attempts, Duration interval) {
    String state = state(ctx, node, pid);
    for (int i = 1; i < attempts && !dead(state); i++) {
      pause(interval);
      state = state(ctx, node, pid);
    }
    return state;
  }

  /**
   * Runs {@code startCommand}, then polls the pid file until it names a live process other than
   * {@code oldPid} (the start command writes it, possibly after a moment).
   *
   * @return the new PID and its state
   */
  static Started start(FaultContext ctx, Node node, String startCommand, long oldPid,
      int attempts, Duration interval) {
    CommandResult r = run(ctx, node, startCommand);
    if (!r.ok()) {
      throw new StepFailure("start command failed on node " + node.name() + ": " + r.summary(),
          startCommand, r.exitStatus());
    }
    String last = "pid file not rewritten";
    for (int i = 0; i < attempts; i++) {
      if (i > 0) {
        pause(interval);
      }
      long pid;
      try {
        pid = readPid(ctx, node);
      } catch (StepFailure e) {
        last = e.getMessage();
        continue;
      }
      if (pid == oldPid) {
        last = "pid file still names the old pid " + oldPid;
        continue;
      }
      String state = state(ctx, node, pid);
      if (!dead(state)) {
        return new Started(pid, state, startCommand, r.exitStatus());
      }
      last = describe(pid, state) + " after start";
    }
    throw new StepFailure("node " + node.name() + " did not come back after '" + startCommand
        + "': " + last, startCommand, r.exitStatus());
  }

  record Started(long pid, String state, String command, int exitStatus) {}
}
