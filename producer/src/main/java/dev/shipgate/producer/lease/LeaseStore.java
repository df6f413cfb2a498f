package dev.shipgate.producer.lease;

import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.CommandRunner;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.remote.RemoteException;
import dev.shipgate.producer.remote.Shell;
import java.time.Duration;

/**
 * The lease files on the nodes, through the campaign's {@link CommandRunner}: one file per node,
 * {@code <dir>/lease-<address>-<client port>.json} (several harness nodes may share a machine),
 * written whole (a temporary file renamed over it), so a reader never sees half a lease.
 */
public final class LeaseStore {
  private final CommandRunner runner;
  private final String dir;
  private final Duration timeout;

  public LeaseStore(CommandRunner runner, String dir, Duration timeout) {
    this.runner = runner;
    this.dir = dir;
    this.timeout = timeout;
  }

  /** The lease file of {@code node}. */
  public String path(Node node) {
    return dir + "/lease-" + node.address().replaceAll("[^A-Za-z0-9.]", "_") + "-"
        + node.clientPort() + ".json";
  }

  /** What a node's lease file says. */
  public sealed interface Found {
    /** No lease file. */
    record None() implements Found {}

    record Held(Lease lease) implements Found {}

    /** A file that is not a lease: what it starts with and why it could not be read. */
    record Unreadable(String text, String problem) implements Found {}
  }

  /** @throws RemoteException when the node cannot be reached */
  public Found read(Node node) {
    String file = Shell.singleQuoted(path(node));
    CommandResult r = runner.run(node, "if [ -e " + file + " ]; then cat " + file + "; fi",
        timeout);
    if (!r.ok()) {
      return new Found.Unreadable("", "cannot read " + path(node) + ": " + r.summary());
    }
    String text = r.stdout().strip();
    if (text.isEmpty()) {
      return new Found.None();
    }
    try {
      return new Found.Held(Lease.parse(text));
    } catch (IllegalArgumentException e) {
      return new Found.Unreadable(text.length() > 80 ? text.substring(0, 80) + "..." : text,
          e.getMessage());
    }
  }

  /** @throws RemoteException when the node cannot be reached or the file cannot be written */
  public void write(Node node, Lease lease) {
    String file = path(node);
    String tmp = file + ".tmp";
    CommandResult r = runner.run(node, "mkdir -p " + Shell.singleQuoted(dir) + " && printf '%s\\n' "
        + Shell.singleQuoted(lease.toJson()) + " > " + Shell.singleQuoted(tmp) + " && mv -f "
        + Shell.singleQuoted(tmp) + " " + Shell.singleQuoted(file), timeout);
    if (!r.ok()) {
      throw new RemoteException("node " + node.name() + ": cannot write the lease " + file + ": "
          + r.summary(), false, null);
    }
  }

  /** @throws RemoteException when the node cannot be reached */
  public void delete(Node node) {
    CommandResult r = runner.run(node, "rm -f " + Shell.singleQuoted(path(node)), timeout);
    if (!r.ok()) {
      throw new RemoteException("node " + node.name() + ": cannot delete the lease "
          + path(node) + ": " + r.summary(), false, null);
    }
  }
}
