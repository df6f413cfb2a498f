package dev.shipgate.producer.fault;

import dev.shipgate.events.FaultAction;

/**
 * What a worker did, with the evidence read back from the node. It becomes a {@code FaultEvent}.
 * A fault that could not be applied is {@link FaultAction#NOT_APPLIED} with a reason, never
 * INJECTED: it is not evidence of anything.
 *
 * @param action INJECTED, HEALED or NOT_APPLIED
 * @param targetNode node acted on
 * @param mechanism SIGKILL, iptables, SIGSTOP, libfaketime...
 * @param command the command(s) run, as sent
 * @param exitStatus exit status of the acting command
 * @param evidence what was read back proving the effect (process state, rules listed, offset)
 * @param reason for NOT_APPLIED, why
 */
public record FaultResult(FaultAction action, String targetNode, String mechanism, String command,
    Integer exitStatus, String evidence, String reason) {

  public static FaultResult notApplied(String targetNode, String mechanism, String command,
      Integer exitStatus, String reason) {
    return new FaultResult(FaultAction.NOT_APPLIED, targetNode, mechanism, command, exitStatus,
        null, reason);
  }
}
