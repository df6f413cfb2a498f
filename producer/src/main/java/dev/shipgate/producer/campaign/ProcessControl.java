package dev.shipgate.producer.campaign;

import dev.shipgate.events.FaultAction;
import dev.shipgate.producer.fault.FaultResult;
import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.CommandRunner;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.remote.RemoteException;
import dev.shipgate.producer.remote.Shell;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops, resumes and restarts a node's target process by the PID in its pid file: the phase 2
 * quorum probes (SIGSTOP one or both peers) and the recovery between cycles. The only place the
 * runner itself sends process commands; each command reads the state back as evidence.
 */
public final class ProcessControl {
  private static final Logger log = LoggerFactory.getLogger(ProcessControl.class);

  private static final int STOP_CHECKS = 20;
  private static final long STOP_CHECK_INTERVAL_MS = 100;

  private final CommandRunner runner;
  private final Duration timeout;

  public ProcessControl(CommandRunner runner, Duration timeout) {
    this.runner = runner;
    this.timeout = timeout;
  }

  /** {@code kill -STOP} then the process state; INJECTED when the state reads {@code T}. */
  public FaultResult stop(Node node) {
    if (node.pidFile() == null) {
      return FaultResult.notApplied(node.name(), "SIGSTOP", null, null,
          "node " + node.name() + " has no pid_file");
    }
    String command = stopCommand(node);
    try {
      CommandResult r = runner.run(node, command, timeout);
      String state = r.stdout().strip();
      // a multi-threaded process (etcd) takes a moment to reach T after SIGSTOP: read it again
      for (int i = 1; r.ok() && i < STOP_CHECKS && !state.startsWith("T"); i++) {
        sleep(STOP_CHECK_INTERVAL_MS);
        state = runner.run(node, stateCommand(node), timeout).stdout().strip();
      }
      if (r.ok() && state.startsWith("T")) {
        return new FaultResult(FaultAction.INJECTED, node.name(), "SIGSTOP", command,
            r.exitStatus(), "process state " + state, null);
      }
      if (r.ok()) {
        // never leave a half-applied stop behind: the caller only resumes what was stopped
        runner.run(node, resumeCommand(node), timeout);
      }
      return FaultResult.notApplied(node.name(), "SIGSTOP", command, r.exitStatus(),
          "process not stopped: " + (r.ok() ? "state " + (state.isEmpty() ? "unknown" : state)
              + " after " + STOP_CHECKS + " reads" : r.summary()));
    } catch (RemoteException e) {
      return FaultResult.notApplied(node.name(), "SIGSTOP", command, null,
          "command failed: " + e.getMessage());
    }
  }

  /** {@code kill -CONT} then the process state; HEALED when the state no longer reads {@code T}. */
  public FaultResult resume(Node node) {
    if (node.pidFile() == null) {
      return null;
    }
    String command = resumeCommand(node);
    try {
      CommandResult r = runner.run(node, command, timeout);
      String state = r.stdout().strip();
      return new FaultResult(FaultAction.HEALED, node.name(), "SIGCONT", command, r.exitStatus(),
          "process state " + (state.isEmpty() ? "unknown" : state)
              + (state.startsWith("T") ? " (still stopped)" : ""), null);
    } catch (RemoteException e) {
      log.error("SIGCONT to node {} failed: {}", node.name(), e.getMessage());
      return null;
    }
  }

  /** Starts the node's process with its start_command when its PID is gone or a zombie. */
  public CommandResult restartIfDead(Node node) {
    if (node.startCommand() == null || node.pidFile() == null) {
      return null;
    }
    try {
      return runner.run(node, restartCommand(node), timeout);
    } catch (RemoteException e) {
      log.error("restart check on node {} failed: {}", node.name(), e.getMessage());
      return null;
    }
  }

  /**
   * The node's process as its pid file names it: "pid 123 state Ssl", "pid 123 gone", or why it
   * cannot be told. Never throws.
   */
  public String describe(Node node) {
    if (node.pidFile() == null) {
      return "no pid_file";
    }
    try {
      CommandResult r = runner.run(node, describeCommand(node), timeout);
      String[] words = r.stdout().strip().split("\\s+", 2);
      if (!r.ok() || words[0].isEmpty()) {
        return "no pid in " + node.pidFile();
      }
      return "pid " + words[0] + (words.length < 2 || words[1].isBlank() ? " gone"
          : " state " + words[1].strip());
    } catch (RemoteException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  /** The process state letters of the node's process, "" when gone; null when unknown. */
  public String state(Node node) {
    if (node.pidFile() == null) {
      return null;
    }
    try {
      CommandResult r = runner.run(node, stateCommand(node), timeout);
      return r.stdout().strip();
    } catch (RemoteException e) {
      return null;
    }
  }

  static String describeCommand(Node node) {
    String file = Shell.singleQuoted(node.pidFile());
    return "pid=$(cat " + file + " 2>/dev/null) && echo \"$pid $(ps -o stat= -p \"$pid\")\"";
  }

  static String stopCommand(Node node) {
    String pid = "\"$(cat " + Shell.singleQuoted(node.pidFile()) + ")\"";
    return "kill -STOP " + pid + " && ps -o stat= -p " + pid;
  }

  static String stateCommand(Node node) {
    return "ps -o stat= -p \"$(cat " + Shell.singleQuoted(node.pidFile()) + ")\"";
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String resumeCommand(Node node) {
    String pid = "\"$(cat " + Shell.singleQuoted(node.pidFile()) + ")\"";
    return "kill -CONT " + pid + " && ps -o stat= -p " + pid;
  }

  static String restartCommand(Node node) {
    return "pid=$(cat " + Shell.singleQuoted(node.pidFile()) + " 2>/dev/null);"
        + " if [ -n \"$pid\" ] && kill -0 \"$pid\" 2>/dev/null"
        + " && [ \"$(ps -o stat= -p \"$pid\" | cut -c1)\" != Z ];"
        + " then echo \"running $pid\"; else " + node.startCommand() + "; echo restarted; fi";
  }
}
