package dev.shipgate.producer.remote;

/**
 * What a command did on a node: the evidence trail of a run (every remote command is logged with
 * it).
 *
 * @param node node name
 * @param command the command line as sent
 * @param exitStatus exit status, or -1 when the command timed out
 * @param stdout everything it printed on stdout
 * @param stderr everything it printed on stderr
 * @param millis wall time
 */
public record CommandResult(String node, String command, int exitStatus, String stdout,
    String stderr, long millis) {

  public boolean ok() {
    return exitStatus == 0;
  }

  /** One line for logs and events: {@code exit 0: <first line of output>}. */
  public String summary() {
    String out = (stdout + stderr).strip();
    int nl = out.indexOf('\n');
    return "exit " + exitStatus + (out.isEmpty() ? "" : ": " + (nl < 0 ? out : out.substring(0, nl)));
  }
}
