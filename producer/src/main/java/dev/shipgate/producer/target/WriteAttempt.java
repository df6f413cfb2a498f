package dev.shipgate.producer.target;

import dev.shipgate.events.WriteOutcome;

/**
 * The answer to one write.
 *
 * @param status protocol status (HTTP status; for Redis 201 when WAIT confirmed, 503 when it did
 *     not), null when no answer arrived
 * @param outcome OK, QUORUM_NOT_MET, FAIL, or INDETERMINATE (timeout, connection error)
 * @param latencyMillis from issue to answer
 * @param error error text, null when OK
 */
public record WriteAttempt(Integer status, WriteOutcome outcome, long latencyMillis,
    String error) {}
