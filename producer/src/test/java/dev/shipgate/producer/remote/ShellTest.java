package dev.shipgate.producer.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellTest {

  @Test
  void quoteLeavesPlainWordsAndQuotesTheRest() {
    assertEquals("/a/b", Shell.quote("/a/b"));
    assertEquals("''", Shell.quote(""));
    assertEquals("'it'\\''s'", Shell.quote("it's"));
  }

  @Test
  void singleQuotedQuotesEvenPlainWords() {
    assertEquals("'/a/b'", Shell.singleQuoted("/a/b"));
    assertEquals("'it'\\''s'", Shell.singleQuoted("it's"));
  }

  @Test
  void splitUnquotesTheWordsIptablesPrints() {
    assertEquals(List.of("-A", "OUTPUT", "--comment", "shipgate:c 1", "-j", "DROP"),
        Shell.split("-A OUTPUT --comment \"shipgate:c 1\" -j DROP"));
  }
}
