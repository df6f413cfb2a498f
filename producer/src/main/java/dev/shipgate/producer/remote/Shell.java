package dev.shipgate.producer.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * POSIX shell quoting for the command lines sent to nodes (fault workers, probes, the SSH runner's
 * node-side deadline, the local cluster harness), and splitting of listed lines.
 */
public final class Shell {
  private Shell() {}

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  /** {@code word} as one shell word: unchanged when it needs no quoting, else single-quoted. */
  public static String quote(String word) {
    if (SAFE.matcher(word).matches()) {
      return word;
    }
    return singleQuoted(word);
  }

  /** {@code s} single-quoted, always ({@code it's} becomes {@code 'it'\''s'}). */
  public static String singleQuoted(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** Splits a line as {@code iptables -S} prints it: words, with double-quoted words unquoted. */
  public static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inQuotes = false;
    boolean any = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        inQuotes = !inQuotes;
        any = true;
      } else if (c == '\\' && inQuotes && i + 1 < line.length()) {
        cur.append(line.charAt(++i));
      } else if (Character.isWhitespace(c) && !inQuotes) {
        if (any) {
          words.add(cur.toString());
          cur.setLength(0);
          any = false;
        }
      } else {
        cur.append(c);
        any = true;
      }
    }
    if (any) {
      words.add(cur.toString());
    }
    return words;
  }
}
