package dev.shipgate.schemas;

import java.util.Comparator;

/** Write ids as people read them: {@code c2-w10} after {@code c2-w9}. */
public final class WriteIds {
  private WriteIds() {}

  /** By the numbers in the id, then as text. */
  public static final Comparator<String> ORDER = (a, b) -> {
    String[] x = a.split("\\D+");
    String[] y = b.split("\\D+");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      if (!x[i].isEmpty() && !y[i].isEmpty() && !x[i].equals(y[i])) {
        int c = compareDigits(x[i], y[i]);
        if (c != 0) {
          return c;
        }
      }
    }
    return a.compareTo(b);
  };

  /** Two runs of digits as numbers, however long (no overflow). */
  private static int compareDigits(String a, String b) {
    String x = a.replaceFirst("^0+(?=.)", "");
    String y = b.replaceFirst("^0+(?=.)", "");
    return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
  }
}
