package dev.shipgate.schemas;

/**
 * The ceilings every count of evidence stays within, checked where evidence enters: the importer
 * refuses a field beyond them (one line naming file, line, field and value), Streams dead-letters
 * an event beyond them, and the driver refuses a campaign that would write more. Sums of counts
 * within these ceilings cannot overflow a {@code long}, even times 1000 (the bound's numerator).
 */
public final class EvidenceLimits {
  private EvidenceLimits() {}

  /**
   * The largest count of writes, acknowledgements or records a cycle, a node or a phase may
   * report: 10^9.
   */
  public static final long MAX_COUNT = 1_000_000_000L;

  /** The most cycles per fault class a campaign may run or an artifact may record: 10^6. */
  public static final long MAX_CYCLES = 1_000_000L;

  /**
   * The most writes one fault class of a campaign may issue over all its cycles (cycles x
   * writes_per_cycle): 10^9, so that its sums stay within {@link #MAX_COUNT}.
   */
  public static final long MAX_WRITES_PER_FAULT = MAX_COUNT;

  /**
   * The largest recorded bound an artifact may carry. A bound above 1 is possible (writes that
   * were not acknowledged but landed), but never above the number of writes per acknowledged
   * write; 1000 is far beyond any real run.
   */
  public static final long MAX_BOUND = 1000;

  /** Why {@code value} of {@code field} is beyond {@link #MAX_COUNT}, or null when it is not. */
  public static String countProblem(String field, long value) {
    if (value < 0) {
      return field + " " + value + " is negative";
    }
    if (value > MAX_COUNT) {
      return field + " " + value + " exceeds the ceiling of " + MAX_COUNT;
    }
    return null;
  }
}
