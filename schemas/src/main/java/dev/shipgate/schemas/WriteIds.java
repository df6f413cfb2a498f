package dev.shipgate.schemas;

import java.util.Comparator;

/** Write ids as people read them: {@code c2-w10} after {@code c2-w9}. */
public final class WriteIds {
  private WriteIds() {}

  /**
   * By the runs of digits in the id, compared as numbers (however long) position by position,
   * then as text. No regex and no allocation per comparison: Streams sorts every cycle's ids.
   */
  public static final Comparator<String> ORDER = WriteIds::compare;

  private static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    // a run index of each string, aligned as String.split("\\D+") aligns them: a leading
    // non-digit prefix counts as an empty first run
    boolean skipA = a.isEmpty() || !isDigit(a.charAt(0));
    boolean skipB = b.isEmpty() || !isDigit(b.charAt(0));
    while (true) {
      int sa = skipA ? -1 : nextRun(a, i);
      int sb = skipB ? -1 : nextRun(b, j);
      if (!skipA && sa < 0 || !skipB && sb < 0) {
        break;
      }
      int ea = skipA ? -1 : runEnd(a, sa);
      int eb = skipB ? -1 : runEnd(b, sb);
      if (!skipA && !skipB) {
        int c = compareDigits(a, sa, ea, b, sb, eb);
        if (c != 0) {
          return c;
        }
      }
      if (!skipA) {
        i = ea;
      }
      if (!skipB) {
        j = eb;
      }
      skipA = false;
      skipB = false;
    }
    return a.compareTo(b);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** Start of the next run of digits at or after {@code from}, or -1. */
  private static int nextRun(String s, int from) {
    for (int k = from; k < s.length(); k++) {
      if (isDigit(s.charAt(k))) {
        return k;
      }
    }
    return -1;
  }

  private static int runEnd(String s, int start) {
    int k = start;
    while (k < s.length() && isDigit(s.charAt(k))) {
      k++;
    }
    return k;
  }

  /** Two runs of digits as numbers, leading zeros ignored. */
  private static int compareDigits(String a, int sa, int ea, String b, int sb, int eb) {
    while (sa < ea - 1 && a.charAt(sa) == '0') {
      sa++;
    }
    while (sb < eb - 1 && b.charAt(sb) == '0') {
      sb++;
    }
    int la = ea - sa;
    int lb = eb - sb;
    if (la != lb) {
      return Integer.compare(la, lb);
    }
    for (int k = 0; k < la; k++) {
      int c = Character.compare(a.charAt(sa + k), b.charAt(sb + k));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
