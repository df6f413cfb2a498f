package dev.shipgate.producer.importer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.schemas.SeedJson;
import java.math.BigDecimal;

/** Reading numbers out of the seed's JSON. */
final class Values {
  private Values() {}

  /** The value as a long when it is a JSON number with no fractional part, else null. */
  static Long integer(JsonNode value) {
    if (value == null || !value.isNumber()) {
      return null;
    }
    if (value.isIntegralNumber()) {
      return value.canConvertToLong() ? value.longValue() : null;
    }
    BigDecimal d = value.decimalValue();
    try {
      return d.stripTrailingZeros().scale() <= 0 ? d.longValueExact() : null;
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /** The value as JSON text for a message, at most 60 characters. */
  static String describe(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "nothing";
    }
    String text = SeedJson.compact(value);
    return text.length() > 60 ? text.substring(0, 57) + "..." : text;
  }
}
