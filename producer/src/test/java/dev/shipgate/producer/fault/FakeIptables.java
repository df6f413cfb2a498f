package dev.shipgate.producer.fault;

import dev.shipgate.producer.remote.CapturingCommandRunner.Call;
import dev.shipgate.producer.remote.CommandResult;
import dev.shipgate.producer.remote.Shell;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One shared OUTPUT chain (loopback: every node is the same kernel) that answers {@code id -u},
 * {@code iptables -I/-D OUTPUT ...} and {@code iptables -S OUTPUT} the way Debian's iptables 1.8.9
 * (nft) does: owners listed as numeric uids, destinations with /32, comments double-quoted.
 */
final class FakeIptables implements Function<Call, CommandResult> {
  final List<String> rules = new ArrayList<>();
  private final Map<String, String> uids;
  String failInsertOn;
  boolean listNothing;

  FakeIptables(Map<String, String> uids) {
    this.uids = uids;
  }

  @Override
  public CommandResult apply(Call call) {
    String cmd = call.command();
    if (cmd.startsWith("id -u ")) {
      String uid = uids.get(cmd.substring(6));
      return uid == null ? result(call, 1, "", "id: no such user")
          : result(call, 0, uid + "\n", "");
    }
    if (cmd.equals("iptables -S OUTPUT")) {
      StringBuilder out = new StringBuilder("-P OUTPUT ACCEPT\n");
      if (!listNothing) {
        rules.forEach(r -> out.append(r).append('\n'));
      }
      return result(call, 0, out.toString(), "");
    }
    if (cmd.startsWith("iptables -I OUTPUT ") || cmd.startsWith("iptables -D OUTPUT ")) {
      List<String> w = Shell.split(cmd.substring(19));
      String owner = OwnerDropRule.valueAfter(w, "--uid-owner");
      String uid = uids.getOrDefault(owner, owner);
      String dest = OwnerDropRule.valueAfter(w, "-d");
      String line = "-A OUTPUT -d " + (dest.contains("/") ? dest : dest + "/32")
          + " -m owner --uid-owner " + uid + " -m comment --comment \""
          + OwnerDropRule.valueAfter(w, "--comment") + "\" -j DROP";
      if (cmd.startsWith("iptables -I")) {
        if (failInsertOn != null && call.node().equals(failInsertOn)) {
          return result(call, 4, "", "iptables v1.8.9 (nf_tables): Could not fetch rule set");
        }
        rules.add(0, line);
        return result(call, 0, "", "");
      }
      return rules.remove(line) ? result(call, 0, "", "")
          : result(call, 1, "", "iptables: Bad rule (does a matching rule exist in that chain?).");
    }
    return result(call, 127, "", "unexpected command " + cmd);
  }

  private static CommandResult result(Call call, int exit, String out, String err) {
    return new CommandResult(call.node(), call.command(), exit, out, err, 1);
  }
}
