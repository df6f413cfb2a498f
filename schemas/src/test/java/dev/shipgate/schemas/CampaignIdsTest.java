package dev.shipgate.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CampaignIdsTest {

  @ParameterizedTest
  @ValueSource(strings = {"v0.6.0.0-final-r20", "soak-v0.6.0-r84", "a", "A_b.c-1"})
  void shouldAcceptTheSeedsIds(String id) {
    assertTrue(CampaignIds.isValid(id));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".hidden", "-x", "../etc", "a/b", "a b", "a\\b", "é"})
  void shouldRefuseIdsThatAreNotSafeDirectoryNames(String id) {
    assertFalse(CampaignIds.isValid(id));
  }

  @Test
  void shouldRefuseIdsLongerThan128Characters() {
    assertTrue(CampaignIds.isValid("a".repeat(128)));
    assertFalse(CampaignIds.isValid("a".repeat(129)));
  }

  @Test
  void shouldAgreeWithThePatternOnEveryShortIdAndAtTheLengthLimit() {
    // every string of up to 3 characters over an alphabet with each class at its edges
    char[] alphabet = "09AZaz._-/ \n\u00e9\u0660@`[{".toCharArray();
    List<String> ids = new ArrayList<>(List.of(""));
    List<String> shorter = List.of("");
    for (int len = 1; len <= 3; len++) {
      List<String> longer = new ArrayList<>();
      for (String prefix : shorter) {
        for (char c : alphabet) {
          longer.add(prefix + c);
        }
      }
      ids.addAll(longer);
      shorter = longer;
    }
    ids.addAll(List.of("a".repeat(127) + "-", "a".repeat(128) + "\n", "-" + "a".repeat(127),
        "a".repeat(200), "abc\n"));
    for (String id : ids) {
      assertEquals(CampaignIds.PATTERN.matcher(id).matches(), CampaignIds.isValid(id),
          "'" + id + "'");
    }
  }

  @Test
  void shouldNameTheFieldAndTheValueInOneLine() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CampaignIds.require("../x\ny"));
    assertEquals("campaign_id '../x\\u000ay' is invalid: expected ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$",
        e.getMessage());
  }
}
