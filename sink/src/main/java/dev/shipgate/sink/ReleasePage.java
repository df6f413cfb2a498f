package dev.shipgate.sink;

import dev.shipgate.results.SoakRun;
import dev.shipgate.results.SoakVerdict;
import dev.shipgate.results.Verdict;
import java.util.List;
import java.util.Locale;

/**
 * The release page of a target version ({@code runs/releases/<target>-<version>.html}): its soak
 * verdict and figures, the window as a strip of runs (green PASS, red not PASS, grey a run still
 * missing), and the {@code bound_fault} bound and the wall time per run as small charts against
 * their limits. Self-contained (inline CSS and SVG, no scripts); every text from a record is
 * escaped.
 */
public final class ReleasePage {
  private ReleasePage() {}

  private static final int CELL = 12;

  /** The page's file name under {@code runs/releases/}: the gate key made safe for a path. */
  public static String fileName(String gateKey) {
    return gateKey.replaceAll("[^A-Za-z0-9._-]", "-") + ".html";
  }

  public static String render(SoakVerdict v) {
    StringBuilder h = new StringBuilder(16_384);
    String title = v.getTargetName() + " " + v.getTargetVersion() + ": " + v.getProfile() + " "
        + v.getVerdict() + (v.getFinal$() ? "" : " (not final)");
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(esc(title)).append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}")
        .append(".PASS{color:#137333}.FAIL{color:#b3261e}.other{color:#8a6d00}")
        .append("table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left;")
        .append("border-bottom:1px solid #ddd}svg{display:block;margin:.5em 0 1.5em}")
        .append("</style></head><body>\n");
    String cls = v.getVerdict() == Verdict.PASS ? "PASS" : v.getVerdict() == Verdict.FAIL
        ? "FAIL" : "other";
    h.append("<h1>").append(esc(v.getTargetName())).append(' ')
        .append(esc(v.getTargetVersion())).append(": <span class=\"").append(cls).append("\">")
        .append(esc(v.getVerdict().name())).append("</span>")
        .append(v.getFinal$() ? "" : " <small>(not final)</small>").append("</h1>\n");
    h.append("<p>").append(esc(v.getProfile())).append(" gate, ").append(v.getRunsCounted())
        .append(" of ").append(v.getRunsExpected()).append(" expected runs, ")
        .append(v.getRunsPassed()).append(" PASS; first run ").append(esc(v.getFirstRunAt()))
        .append(", latest ").append(esc(v.getLastRunAt())).append(".</p>\n");
    if (!v.getReasons().isEmpty()) {
      h.append("<ul>");
      v.getReasons().forEach(r -> h.append("<li>").append(esc(r)).append("</li>"));
      h.append("</ul>\n");
    }
    h.append("<table>")
        .append(row("bound of " + v.getBoundFault(), "min " + num(v.getBoundMin()) + ", max "
            + num(v.getBoundMax()) + " (every run must be >= " + num(v.getMinBound()) + ")"))
        .append(row("wall time", "median " + secs(v.getWallMedianSeconds()) + ", p99 "
            + secs(v.getWallP99Seconds()) + (v.getP99WallCeilingSeconds() > 0
                ? " (ceiling " + v.getP99WallCeilingSeconds() + " s)" : "")))
        .append(row("duration band", v.getDrift() > 0 ? String.format(Locale.ROOT,
            "+-%.0f %% of the baseline %s", 100 * v.getDrift(),
            secs(v.getBaselineWallSeconds())) : "off"))
        .append("</table>\n");

    List<SoakRun> runs = v.getRuns();
    int slots = Math.max(v.getRunsExpected(), runs.size());
    h.append("<h2>The window</h2>\n").append(strip(runs, slots));
    h.append("<h2>").append(esc(v.getBoundFault())).append(" bound per run</h2>\n")
        .append(boundChart(runs, slots, v.getBoundFault(), v.getMinBound()));
    h.append("<h2>Wall time per run</h2>\n").append(wallChart(runs, slots, v));

    h.append("<h2>Runs</h2>\n<table><tr><th>#</th><th>campaign</th><th>completed</th>")
        .append("<th>verdict</th><th>bound</th><th>wall</th><th>why</th></tr>\n");
    for (int i = 0; i < runs.size(); i++) {
      SoakRun r = runs.get(i);
      String id = r.getCampaignId();
      h.append("<tr><td>").append(i + 1).append("</td><td><a href=\"../").append(esc(id))
          .append("/index.html\">").append(esc(id)).append("</a></td><td>")
          .append(esc(r.getCompletedAt())).append("</td><td class=\"")
          .append(r.getOverallPass() ? "PASS" : "FAIL").append("\">")
          .append(esc(r.getState() + " " + r.getVerdict())).append("</td><td>")
          .append(num(r.getBounds().get(v.getBoundFault()))).append("</td><td>")
          .append(secs(r.getWallSeconds())).append("</td><td>")
          .append(esc(r.getReasons().isEmpty() ? "" : r.getReasons().get(0)))
          .append("</td></tr>\n");
    }
    h.append("</table>\n</body></html>\n");
    return h.toString();
  }

  private static String strip(List<SoakRun> runs, int slots) {
    StringBuilder s = new StringBuilder();
    int w = slots * (CELL + 2);
    s.append("<svg width=\"").append(w).append("\" height=\"").append(CELL + 4)
        .append("\" role=\"img\" aria-label=\"runs: green PASS, red not PASS, grey missing\">");
    for (int i = 0; i < slots; i++) {
      String fill = i >= runs.size() ? "#ccc" : runs.get(i).getOverallPass() ? "#2e7d32"
          : "#c62828";
      s.append("<rect x=\"").append(i * (CELL + 2)).append("\" y=\"2\" width=\"").append(CELL)
          .append("\" height=\"").append(CELL).append("\" fill=\"").append(fill).append("\">")
          .append("<title>").append(i >= runs.size() ? "run " + (i + 1) + ": missing"
              : esc(runs.get(i).getCampaignId() + ": " + runs.get(i).getVerdict()))
          .append("</title></rect>");
    }
    return s.append("</svg>\n").toString();
  }

  private static String boundChart(List<SoakRun> runs, int slots, String fault, double min) {
    int w = slots * (CELL + 2);
    int height = 80;
    double lo = Math.min(min, runs.stream().map(r -> r.getBounds().get(fault))
        .filter(b -> b != null).mapToDouble(Double::doubleValue).min().orElse(min)) - 0.001;
    StringBuilder s = new StringBuilder();
    s.append("<svg width=\"").append(w + LABEL).append("\" height=\"").append(height + 10)
        .append("\" role=\"img\" aria-label=\"bound per run against the floor\">")
        .append(label(num(1.0), 8)).append(label(num(min), y(min, lo, 1.0, height) + 3))
        .append("<g transform=\"translate(").append(LABEL).append(",0)\">");
    int floorY = y(min, lo, 1.0, height);
    s.append("<line x1=\"0\" x2=\"").append(w).append("\" y1=\"").append(floorY)
        .append("\" y2=\"").append(floorY).append("\" stroke=\"#c62828\" stroke-dasharray=\"4 3\">")
        .append("<title>floor ").append(num(min)).append("</title></line>");
    for (int i = 0; i < runs.size(); i++) {
      Double b = runs.get(i).getBounds().get(fault);
      int cx = i * (CELL + 2) + CELL / 2;
      if (b == null) {
        s.append("<text x=\"").append(cx - 3).append("\" y=\"").append(height)
            .append("\" font-size=\"9\" fill=\"#888\">?</text>");
        continue;
      }
      s.append("<circle cx=\"").append(cx).append("\" cy=\"").append(y(b, lo, 1.0, height))
          .append("\" r=\"3\" fill=\"").append(b >= min ? "#2e7d32" : "#c62828").append("\">")
          .append("<title>").append(esc(runs.get(i).getCampaignId())).append(": ").append(num(b))
          .append("</title></circle>");
    }
    return s.append("</g></svg>\n").toString();
  }

  private static String wallChart(List<SoakRun> runs, int slots, SoakVerdict v) {
    int w = slots * (CELL + 2);
    int height = 80;
    long max = runs.stream().map(SoakRun::getWallSeconds).filter(x -> x != null)
        .mapToLong(Long::longValue).max().orElse(1);
    Long base = v.getBaselineWallSeconds();
    double top = Math.max(max, base == null ? 0 : base * (1 + v.getDrift())) * 1.05;
    if (v.getP99WallCeilingSeconds() > 0) {
      top = Math.max(top, v.getP99WallCeilingSeconds() * 1.05);
    }
    StringBuilder s = new StringBuilder();
    s.append("<svg width=\"").append(w + LABEL).append("\" height=\"").append(height + 10)
        .append("\" role=\"img\" aria-label=\"wall time per run against the band\">")
        .append(label(Math.round(top) + " s", 10)).append(label("0 s", height + 2))
        .append("<g transform=\"translate(").append(LABEL).append(",0)\">");
    if (base != null && v.getDrift() > 0) {
      int y1 = y(base * (1 + v.getDrift()), 0, top, height);
      int y2 = y(base * (1 - v.getDrift()), 0, top, height);
      s.append("<rect x=\"0\" y=\"").append(y1).append("\" width=\"").append(w)
          .append("\" height=\"").append(Math.max(1, y2 - y1))
          .append("\" fill=\"#e8f5e9\"><title>band around the baseline ").append(base)
          .append(" s</title></rect>");
    }
    if (v.getP99WallCeilingSeconds() > 0) {
      int cy = y(v.getP99WallCeilingSeconds(), 0, top, height);
      s.append("<line x1=\"0\" x2=\"").append(w).append("\" y1=\"").append(cy).append("\" y2=\"")
          .append(cy).append("\" stroke=\"#c62828\" stroke-dasharray=\"4 3\"><title>p99 ceiling ")
          .append(v.getP99WallCeilingSeconds()).append(" s</title></line>");
    }
    for (int i = 0; i < runs.size(); i++) {
      Long wall = runs.get(i).getWallSeconds();
      int x = i * (CELL + 2);
      if (wall == null) {
        s.append("<text x=\"").append(x + 3).append("\" y=\"").append(height)
            .append("\" font-size=\"9\" fill=\"#888\">?</text>");
        continue;
      }
      int yTop = y(wall, 0, top, height);
      s.append("<rect x=\"").append(x).append("\" y=\"").append(yTop).append("\" width=\"")
          .append(CELL).append("\" height=\"").append(Math.max(1, height - yTop))
          .append("\" fill=\"#5c6bc0\"><title>").append(esc(runs.get(i).getCampaignId()))
          .append(": ").append(wall).append(" s</title></rect>");
    }
    return s.append("</g></svg>\n").toString();
  }

  /** Width of the value labels left of a chart. */
  private static final int LABEL = 52;

  private static String label(String text, int y) {
    return "<text x=\"" + (LABEL - 4) + "\" y=\"" + y + "\" font-size=\"10\" text-anchor=\"end\""
        + " fill=\"#555\">" + esc(text) + "</text>";
  }

  private static int y(double value, double lo, double hi, int height) {
    double f = hi <= lo ? 0.5 : (value - lo) / (hi - lo);
    return (int) Math.round(height - Math.max(0, Math.min(1, f)) * height) + 2;
  }

  private static String row(String k, String v) {
    return "<tr><th>" + esc(k) + "</th><td>" + esc(v) + "</td></tr>";
  }

  private static String num(Double d) {
    return d == null ? "unknown" : String.format(Locale.ROOT, "%.4f", d)
        .replaceAll("0+$", "").replaceAll("\\.$", ".0");
  }

  private static String secs(Long s) {
    return s == null ? "unknown" : s + " s";
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
