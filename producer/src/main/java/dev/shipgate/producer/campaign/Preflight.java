package dev.shipgate.producer.campaign;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import dev.shipgate.producer.campaign.CampaignSpec.NodeSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code shipgate run} (and {@code --dry-run}) checks before touching a node, beyond the
 * campaign file's own validation: every private key and known_hosts file exists and is readable,
 * and, with host keys verified, every node's host is in its known_hosts (an unknown host would be
 * refused at the first command, after the campaign had started). Each problem is one line naming
 * the key and the value; nothing is sent anywhere.
 */
public final class Preflight {
  private Preflight() {}

  /** The default known_hosts of a node without one (as the SSH runner uses it). */
  static final Path DEFAULT_KNOWN_HOSTS =
      Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");

  /** Every problem, one line each; empty when the campaign may start. */
  public static List<String> problems(CampaignSpec spec) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < spec.nodes().size(); i++) {
      NodeSpec n = spec.nodes().get(i);
      String at = "nodes[" + i + "]";
      if (n.privateKey() == null) {
        continue; // run on this machine, no SSH
      }
      file(out, at + ".private_key", n.privateKey());
      if (!spec.ssh().strictHostKeyChecking()) {
        continue;
      }
      Path knownHosts = n.knownHosts() != null ? n.knownHosts() : DEFAULT_KNOWN_HOSTS;
      String key = n.knownHosts() != null ? at + ".known_hosts" : at
          + " (no known_hosts: the default " + DEFAULT_KNOWN_HOSTS + ")";
      if (file(out, key, knownHosts)) {
        String host = n.sshPort() == 22 ? n.address() : "[" + n.address() + "]:" + n.sshPort();
        String problem = hostKeyProblem(knownHosts, host);
        if (problem != null) {
          out.add(key + ": " + problem);
        }
      }
    }
    return out;
  }

  private static boolean file(List<String> out, String key, Path file) {
    if (!Files.exists(file)) {
      out.add(key + ": " + file + " does not exist");
      return false;
    }
    if (!Files.isRegularFile(file)) {
      out.add(key + ": " + file + " is not a regular file");
      return false;
    }
    if (!Files.isReadable(file)) {
      out.add(key + ": " + file + " is not readable");
      return false;
    }
    return true;
  }

  /** Why {@code host} ("[addr]:port" or "addr") has no key in {@code knownHosts}, or null. */
  static String hostKeyProblem(Path knownHosts, String host) {
    try {
      JSch jsch = new JSch();
      jsch.setKnownHosts(knownHosts.toString());
      HostKeyRepository repo = jsch.getHostKeyRepository();
      HostKey[] keys = repo.getHostKey(host, null);
      if (keys == null || keys.length == 0) {
        return "no host key for " + host + " in " + knownHosts + " (the first command would be"
            + " refused: add the node's key, e.g. ssh-keyscan -p PORT ADDRESS >> " + knownHosts
            + ")";
      }
      return null;
    } catch (JSchException e) {
      return knownHosts + " cannot be read as a known_hosts file: " + e.getMessage();
    }
  }
}
