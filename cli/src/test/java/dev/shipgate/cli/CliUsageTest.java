package dev.shipgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Bad options of the analysts' commands: exit 1 and one line naming the option and the value. */
class CliUsageTest {

  /** The exit code and what went to stderr. */
  private static String[] run(String... args) {
    Captured c = Captured.of(() -> Main.run(args));
    return new String[] {String.valueOf(c.exit()), c.stderr().strip()};
  }

  @Test
  void shouldRefuseAThresholdAboveOne() {
    String[] r = run("reanalyze", "r20", "--threshold", "1.5");
    assertEquals("1", r[0]);
    assertEquals("shipgate: --threshold: expected a decimal between 0 and 1 with at most 3"
        + " places, got 1.5 (try --help)", r[1]);
  }

  @Test
  void shouldRefuseAThresholdThatIsNotADecimal() {
    String[] r = run("reanalyze", "r20", "--threshold", "abc");
    assertEquals("1", r[0]);
    assertEquals("shipgate: --threshold: expected a decimal between 0 and 1 with at most 3"
        + " places, got abc (try --help)", r[1]);
  }

  @Test
  void shouldRefuseAWilsonZOutOfRange() {
    String[] r = run("reanalyze", "r20", "--wilson-z", "-1");
    assertEquals("1", r[0]);
    assertEquals("shipgate: --wilson-z: expected a number between 0 and 10, got -1.0 (try --help)",
        r[1]);
  }

  @Test
  void shouldRefuseAnInvalidNewId() {
    String[] r = run("reanalyze", "r20", "--as", "../x");
    assertEquals("1", r[0]);
    assertEquals(1, r[1].lines().count(), r[1]);
    assertEquals(true, r[1].startsWith("shipgate: --as: "), r[1]);
    assertEquals(true, r[1].contains("../x"), r[1]);
  }

  @Test
  void shouldRefuseAnOutputPrefixThatCannotStartATopicName() {
    String[] r = run("streams", "--output-prefix", "a/b");
    assertEquals("1", r[0]);
    assertEquals("shipgate: --output-prefix: expected letters, digits, '.', '_' or '-' ending in"
        + " '.', at most 100 characters, got \"a/b\" (try --help)", r[1]);
  }
}
