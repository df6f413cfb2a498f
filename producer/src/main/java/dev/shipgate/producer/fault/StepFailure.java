package dev.shipgate.producer.fault;

/**
 * A step of a fault could not be completed: the worker turns it into a NOT_APPLIED result with
 * this message as the reason, never swallows it.
 */
final class StepFailure extends RuntimeException {
  private final String command;
  private final Integer exitStatus;

  StepFailure(String reason, String command, Integer exitStatus) {
    super(reason);
    this.command = command;
    this.exitStatus = exitStatus;
  }

  String command() {
    return command;
  }

  Integer exitStatus() {
    return exitStatus;
  }
}
