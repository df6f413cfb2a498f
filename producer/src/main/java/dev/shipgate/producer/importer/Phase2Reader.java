package dev.shipgate.producer.importer;

import dev.shipgate.events.CheckResult;
import dev.shipgate.producer.importer.LocatedJson.Located;
import dev.shipgate.schemas.EvidenceLimits;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Phase 2 of a run: {@code phase2.writes} (the tally), {@code phase2.counts} (per node) and the two
 * quorum probes as CheckResults. An invalid field is reported and left out; a tally that cannot
 * have been measured (a part above the total, parts that do not add up to it) is refused whole, so
 * the phase is never judged on it.
 */
final class Phase2Reader {
  private Phase2Reader() {}

  private static final Set<String> KEYS = Set.of("phase", "pass", "total_writes", "ok",
      "quorum_not_met", "fail", "counts", "probe1_single_peer_down", "probe2_both_peers_down",
      "reasons");
  private static final List<String> TALLY = List.of("total_writes", "ok", "quorum_not_met",
      "fail");

  static void read(RunImport run, PhaseSource src) {
    run.checkPhaseNumber(src, 2);
    Located obj = src.obj();
    List<CheckResult.Builder> checks = new ArrayList<>();
    if (TALLY.stream().anyMatch(f -> obj.node().has(f))) {
      Map<String, Long> tally = new LinkedHashMap<>();
      for (String field : TALLY) {
        RunImport.putIfPresent(tally, field, run.integerField(src, obj, field));
      }
      if (consistent(run, src, tally)) {
        CheckResult.Builder writes = run.check(2, "phase2.writes", src);
        writes.getMetrics().putAll(tally);
        checks.add(writes);
      }
    }
    Located counts = obj.child("counts");
    if (counts.node() != null && !counts.node().isNull()) {
      if (!counts.node().isObject()) {
        run.fieldError(src, counts, "counts", "expected an object");
      } else {
        CheckResult.Builder check = run.check(2, "phase2.counts", src);
        Iterator<String> names = counts.node().fieldNames();
        while (names.hasNext()) {
          String node = names.next();
          Located count = counts.child(node);
          Long value = Values.integer(count.node());
          if (value == null && count.node().isTextual()
              && count.node().asText().matches("[0-9]{1,18}")) {
            value = Long.parseLong(count.node().asText());
          }
          if (value != null && value >= 0 && value <= EvidenceLimits.MAX_COUNT) {
            check.getMetrics().put(node, value);
          } else if (value != null && value > EvidenceLimits.MAX_COUNT) {
            run.fieldError(src, count, "counts." + node, "exceeds the ceiling of "
                + EvidenceLimits.MAX_COUNT);
          } else if (count.node().isTextual() && "ERR".equals(count.node().asText())) {
            run.report().addNote(src.display() + ":" + count.line() + ": counts." + node
                + " is \"ERR\"; imported without a count for node " + node);
          } else {
            run.fieldError(src, count, "counts." + node, "expected a count");
          }
        }
        checks.add(check);
      }
    }
    addProbe(run, src, "probe1_single_peer_down", "phase2.probe1", checks);
    addProbe(run, src, "probe2_both_peers_down", "phase2.probe2", checks);
    run.attachExtras(src, KEYS, checks);
    checks.forEach(c -> run.add(c.build()));
  }

  /** The parts of the tally may not exceed its total nor fail to add up to it. */
  private static boolean consistent(RunImport run, PhaseSource src, Map<String, Long> tally) {
    Long total = tally.get("total_writes");
    if (total == null) {
      return true;
    }
    for (String part : List.of("ok", "quorum_not_met", "fail")) {
      Long n = tally.get(part);
      if (n != null && n > total) {
        run.fieldError(src, src.obj().child(part), part, "exceeds total_writes " + total);
        return false;
      }
    }
    Long ok = tally.get("ok");
    Long quorum = tally.get("quorum_not_met");
    Long fail = tally.get("fail");
    if (ok != null && quorum != null && fail != null && ok + quorum + fail != total) {
      run.fieldError(src, src.obj().child("total_writes"), "total_writes", "expected ok"
          + " + quorum_not_met + fail = " + ok + " + " + quorum + " + " + fail + " = "
          + (ok + quorum + fail));
      return false;
    }
    return true;
  }

  private static void addProbe(RunImport run, PhaseSource src, String field, String kind,
      List<CheckResult.Builder> checks) {
    Located probe = src.obj().child(field);
    if (probe.node() == null || probe.node().isNull()) {
      return;
    }
    if (!probe.node().isTextual() && !probe.node().isNumber()) {
      run.fieldError(src, probe, field, "expected a status like \"201\"");
      return;
    }
    CheckResult.Builder check = run.check(2, kind, src);
    check.getValues().put("status", probe.node().asText());
    checks.add(check);
  }
}
