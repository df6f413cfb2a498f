package dev.shipgate.producer.check;

/** A check command failed or its output could not be read: becomes {@code CheckResult.error}. */
final class CheckFailure extends RuntimeException {
  CheckFailure(String message) {
    super(message);
  }
}
