package dev.shipgate.cli;

import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.PhaseSummary;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The verdict table the CLI prints: one row per enabled phase, one per fault class. */
public final class VerdictTable {
  private VerdictTable() {}

  /**
   * Renders the header ({@code campaign ID  target NAME VERSION  ref REF  state ...}, "-" for what
   * is unknown), the phase table, the fault-class table when there are bounds, and the verdict.
   */
  public static String render(CampaignVerdict verdict, Collection<FaultBound> bounds) {
    StringBuilder out = new StringBuilder();
    out.append("campaign ").append(verdict.getCampaignId())
        .append("  target ").append(orDash(verdict.getTargetName()))
        .append(' ').append(orDash(verdict.getTargetVersion()))
        .append("  ref ").append(orDash(verdict.getTargetRef()))
        .append("  state ").append(verdict.getState())
        .append(verdict.getCompletedAt() == null ? "" : " at " + verdict.getCompletedAt())
        .append('\n');
    List<String[]> phaseRows = new ArrayList<>();
    phaseRows.add(new String[] {"PHASE", "VERDICT", "REASONS"});
    for (PhaseSummary p : verdict.getPhases()) {
      String name = p.getPhase() + (p.getNode() == null ? "" : " node " + p.getNode());
      phaseRows.add(new String[] {name, p.getVerdict().name(),
          p.getReasons().isEmpty() ? "" : String.join("; ", p.getReasons())});
    }
    table(out, phaseRows);
    if (!bounds.isEmpty()) {
      out.append('\n');
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"FAULT CLASS", "BOUND", "THRESHOLD", "SUM OK", "SUM MIN PEER",
          "WILSON LB", "LOST", "SOURCE", "VERDICT"});
      bounds.stream().sorted(Comparator.comparing(FaultBound::getFault)).forEach(b -> rows.add(
          new String[] {b.getFault(), b.getBound(), b.getThreshold(), str(b.getSumOk()),
              str(b.getSumMinPeer()),
              b.getWilsonLower() == null ? "-" : String.format(Locale.ROOT, "%.4f", b.getWilsonLower()),
              b.getLostWrites() == null ? "unknown" : String.valueOf(b.getLostWrites()),
              b.getSource().name(), b.getVerdict().name()}));
      table(out, rows);
    }
    out.append('\n').append("VERDICT: ").append(verdict.getVerdict())
        .append(" (overall_pass=").append(verdict.getOverallPass()).append(')');
    if (!verdict.getReasons().isEmpty()) {
      out.append('\n');
      for (String r : verdict.getReasons()) {
        out.append("  - ").append(r).append('\n');
      }
    } else {
      out.append('\n');
    }
    return out.toString();
  }

  private static String str(Long v) {
    return v == null ? "-" : v.toString();
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }

  private static void table(StringBuilder out, List<String[]> rows) {
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        line.append(i == cols - 1 ? r[i] : String.format("%-" + (width[i] + 2) + "s", r[i]));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
  }
}
