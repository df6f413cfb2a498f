package dev.shipgate.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** A benchmark report's rows: one figure's min, median and max over the runs. */
final class BenchRows {
  private BenchRows() {}

  /** The row format: label, min, median, max. */
  static final String ROW = "%-44s %12s %12s %12s%n";

  static void header() {
    System.out.printf(Locale.ROOT, ROW, "", "min", "median", "max");
  }

  static <R> void line(List<R> results, String label, ToDoubleFunction<R> f) {
    List<Double> v = new ArrayList<>(results.stream().mapToDouble(f).boxed().toList());
    Collections.sort(v);
    System.out.printf(Locale.ROOT, ROW, label, fmt(v.get(0)), fmt(v.get(v.size() / 2)),
        fmt(v.get(v.size() - 1)));
  }

  private static String fmt(double d) {
    return d >= 100 ? String.format(Locale.ROOT, "%.0f", d)
        : String.format(Locale.ROOT, "%.3f", d);
  }
}
