package dev.shipgate.producer.check;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One declared command of a check profile: a name, where it runs, and a command template.
 *
 * <p>The template is a {@code /bin/sh -c} command line with placeholders {@code {name}}
 * ({@code {node}}, {@code {address}}, {@code {client_port}}, {@code {campaign}},
 * {@code {work_dir}}... — each profile documents its own). Values are substituted as they are and
 * must therefore be plain shell words ({@code [A-Za-z0-9_@%+=:,./-]}); anything else is refused
 * rather than quoted behind the user's back. An unknown placeholder is an error.
 *
 * @param name the check's name (unique in a profile; the key to override it in settings:
 *     {@code command.<name>})
 * @param where on which nodes it runs
 * @param command the command template
 */
public record CommandCheck(String name, Where where, String command) {

  /** Where a check runs. */
  public enum Where {
    /** On every node, in node order (phase 1). */
    EACH_NODE,
    /** On the first node of the list, the configured primary (phase 3). */
    FIRST_NODE
  }

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z][a-z0-9_]*)\\}");
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]*");

  public CommandCheck {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(where, "where");
    if (command == null || command.isBlank()) {
      throw new IllegalArgumentException("check " + name + ": empty command");
    }
  }

  /** This check with another command template (a user's override). */
  public CommandCheck withCommand(String template) {
    return new CommandCheck(name, where, template);
  }

  /** The command line with every placeholder replaced by its value in {@code vars}. */
  public String render(Map<String, String> vars) {
    Matcher m = PLACEHOLDER.matcher(command);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String key = m.group(1);
      String value = vars.get(key);
      if (value == null) {
        throw new IllegalArgumentException("check " + name + ": unknown placeholder {" + key
            + "} in '" + command + "'; known: " + new java.util.TreeSet<>(vars.keySet()));
      }
      if (!SAFE.matcher(value).matches()) {
        throw new IllegalArgumentException("check " + name + ": value of {" + key + "} is not a "
            + "plain shell word: '" + value + "'");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
