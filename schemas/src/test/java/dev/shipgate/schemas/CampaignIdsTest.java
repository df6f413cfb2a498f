package dev.shipgate.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void shouldNameTheFieldAndTheValueInOneLine() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CampaignIds.require("../x\ny"));
    assertEquals("campaign_id '../x\\u000ay' is invalid: expected ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$",
        e.getMessage());
  }
}
