package dev.shipgate.cli;

/**
 * Exit codes of every shipgate command, so CI jobs can gate on them.
 *
 * <ul>
 *   <li>0: success (for a command that reports a verdict: the verdict is PASS)
 *   <li>1: usage error (one line on stderr, no stack trace)
 *   <li>2: failure (the command could not do its job; the cause on stderr)
 *   <li>3: the command worked and reports a final verdict that is not PASS
 *   <li>4: the command worked, but the verdict is not final yet (the campaign still runs); never
 *       0, so a gate cannot pass on a half-seen campaign
 * </ul>
 */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int OK = 0;
  public static final int USAGE = 1;
  public static final int FAILURE = 2;
  public static final int NOT_PASS = 3;
  public static final int NOT_FINAL = 4;
}
