package dev.shipgate.producer.fault;

import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.remote.Shell;
import java.util.List;

/**
 * One iptables OUTPUT rule of a partition: drop what {@code user}'s processes send to
 * {@code destination}, tagged {@code shipgate:<campaign>}. It is applied on {@code node}, the node
 * where {@code user}'s process runs (on loopback every node is the same kernel; across hosts the
 * owner match only sees local sockets).
 *
 * @param node node the rule is inserted on
 * @param user OS user whose packets are dropped
 * @param destination address the packets are dropped to
 * @param campaignId tag of the rule
 */
record OwnerDropRule(Node node, String user, String destination, String campaignId) {

  static String comment(String campaignId) {
    return "shipgate:" + campaignId;
  }

  /** The rule spec after the chain, as sent. */
  String spec() {
    return "-m owner --uid-owner " + Shell.quote(user) + " -d " + Shell.quote(destination)
        + " -m comment --comment " + Shell.quote(comment(campaignId)) + " -j DROP";
  }

  String insertCommand() {
    return "iptables -I OUTPUT " + spec();
  }

  String deleteCommand() {
    return "iptables -D OUTPUT " + spec();
  }

  /**
   * Whether a line of {@code iptables -S OUTPUT} is this rule. iptables prints the owner as a
   * numeric uid and the destination with its prefix length
   * ({@code -A OUTPUT -d 127.0.0.12/32 -m owner --uid-owner 998 -m comment --comment
   * "shipgate:c1" -j DROP}), so the line is compared word by word, not as text.
   *
   * @param uid the numeric uid of {@link #user()} on {@link #node()}
   */
  boolean matches(String line, String uid) {
    List<String> w = Shell.split(line);
    if (w.size() < 2 || !"-A".equals(w.get(0)) || !"OUTPUT".equals(w.get(1))) {
      return false;
    }
    String dest = valueAfter(w, "-d");
    String owner = valueAfter(w, "--uid-owner");
    return (destination.equals(dest) || (destination + "/32").equals(dest))
        && (user.equals(owner) || (uid != null && uid.equals(owner)))
        && comment(campaignId).equals(valueAfter(w, "--comment"))
        && "DROP".equals(valueAfter(w, "-j"));
  }

  static String valueAfter(List<String> words, String flag) {
    int i = words.indexOf(flag);
    return i < 0 || i + 1 >= words.size() ? null : words.get(i + 1);
  }

  /** For evidence: {@code a: uid sg-node-a -> 127.0.0.12}. */
  String describe() {
    return node.name() + ": " + user + " -> " + destination;
  }
}
