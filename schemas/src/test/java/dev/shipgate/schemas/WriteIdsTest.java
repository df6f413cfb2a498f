package dev.shipgate.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The write-id order: numbers as numbers, the same order as the first (regex) version. */
class WriteIdsTest {

  /** The order as first written (split on non-digits), kept as the reference. */
  static final Comparator<String> REFERENCE = (a, b) -> {
    String[] x = a.split("\\D+");
    String[] y = b.split("\\D+");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      if (!x[i].isEmpty() && !y[i].isEmpty() && !x[i].equals(y[i])) {
        String p = x[i].replaceFirst("^0+(?=.)", "");
        String q = y[i].replaceFirst("^0+(?=.)", "");
        int c = p.length() != q.length() ? Integer.compare(p.length(), q.length())
            : p.compareTo(q);
        if (c != 0) {
          return c;
        }
      }
    }
    return a.compareTo(b);
  };

  @Test
  void shouldSortNumbersAsNumbers() {
    List<String> ids = new ArrayList<>(List.of("c2-w10", "c10-w1", "c2-w9", "c2-w009", "c1-w2"));
    ids.sort(WriteIds.ORDER);
    assertEquals(List.of("c1-w2", "c2-w009", "c2-w9", "c2-w10", "c10-w1"), ids);
    assertEquals(true, WriteIds.ORDER.compare("w99999999999999999999999", "w1") > 0);
  }

  @Test
  void shouldOrderExactlyAsTheReferenceOnRandomIds() {
    Random random = new Random(42);
    String alphabet = "0123456789-cwa0";
    for (int n = 0; n < 200_000; n++) {
      String a = random(random, alphabet);
      String b = random(random, alphabet);
      assertEquals(Integer.signum(REFERENCE.compare(a, b)),
          Integer.signum(WriteIds.ORDER.compare(a, b)), a + " vs " + b);
    }
  }

  private static String random(Random r, String alphabet) {
    StringBuilder b = new StringBuilder();
    int len = r.nextInt(9);
    for (int i = 0; i < len; i++) {
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }
}
