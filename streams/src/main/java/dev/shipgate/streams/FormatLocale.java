package dev.shipgate.streams;

import java.util.Locale;

/**
 * The JVM's default format locale for a Streams application: {@code en_US}.
 *
 * <p>Kafka Streams 4.4 formats a line with {@code String.format} for every empty input partition
 * of a task before every record it processes ({@code PartitionGroup.readyToProcess}), whether the
 * line is logged or not. Under a default format locale other than {@link Locale#US} (here the
 * JVM's {@code en}, from {@code LANG=C.UTF-8}) each of those formats builds a new
 * {@code DecimalFormatSymbols}: in a profile of the stream thread judging a backlog, 10 % of its
 * samples; under {@code en_US} the formatter skips it. shipgate's own texts name
 * {@link Locale#ROOT} wherever they format a number, so nothing it writes changes.
 */
public final class FormatLocale {
  private FormatLocale() {}

  /** Sets the default format locale to {@link Locale#US}. */
  public static void apply() {
    Locale.setDefault(Locale.Category.FORMAT, Locale.US);
  }
}
