package dev.shipgate.producer.remote;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A node of the cluster under test: where it is, how to reach it over SSH, and how to find and
 * restart the target's process on it.
 *
 * @param name short name (a, b, c), used in events and artifacts
 * @param index position in the campaign's node list; 0 is the configured primary
 * @param address address of the node (SSH and the target's client port listen here), e.g. 127.0.0.11
 * @param sshPort SSH port
 * @param user SSH user
 * @param privateKey SSH private key file (null for the local runner)
 * @param knownHosts known_hosts file the node's host key is verified against (null: ~/.ssh/known_hosts)
 * @param clientPort the target's client port on {@code address} (HTTP gateway, Redis port...)
 * @param peerPort the target's peer/replication port on {@code address} (partitions drop it)
 * @param pidFile file on the node holding the target process's PID
 * @param startCommand command, run on the node, that starts the target process fully detached
 *     and writes {@code pidFile} (used to restart a killed node between cycles)
 * @param processUser OS user the target process runs as. On loopback every connection leaves from
 *     127.0.0.1, so a partition cannot match on source addresses; it matches packets by owner
 *     ({@code iptables -m owner --uid-owner}) and destination address instead, which needs each
 *     node's process to run as its own user. Null when not known (partitions are then NOT_APPLIED).
 */
public record Node(String name, int index, String address, int sshPort, String user,
    Path privateKey, Path knownHosts, int clientPort, int peerPort, String pidFile,
    String startCommand, String processUser) {

  public Node {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
  }

  /** {@code user@address:port}, for logs. */
  public String sshTarget() {
    return user + "@" + address + ":" + sshPort;
  }
}
