package dev.shipgate.streams;

import dev.shipgate.events.CampaignEvent;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.SoakRun;
import dev.shipgate.results.Verdict;
import dev.shipgate.state.CampaignBook;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Where a campaign stands against what its end event announced: while evidence is missing, its
 * pending state (RUNNING, FINISHING), emitted when it changes; once every announced event is in,
 * the cycles left open judged on what they have, the final judgement ({@link FinalJudge}) published
 * once, its soak run and, unless PASS, a VERDICT_FINAL alert; then the campaign's per-write state,
 * cycle books and checks dropped.
 */
final class CampaignCompletion {
  private final EvidenceStores.Opened stores;
  private final Decoded<CampaignBook> books;
  private final CycleStage cycles;
  private final JudgeOutputs out;
  private final FinalJudge judge;

  CampaignCompletion(EvidenceStores.Opened stores, Decoded<CampaignBook> books, CycleStage cycles,
      JudgeOutputs out) {
    this.stores = stores;
    this.books = books;
    this.cycles = cycles;
    this.out = out;
    this.judge = new FinalJudge(stores);
  }

  /**
   * Emits the campaign's state, or its final verdict once every announced event is judged. What
   * the cycle stage counted of the campaign and has not reported yet is reported first (and
   * advances it).
   */
  void advance(String campaign, CampaignBook book) {
    if (book.getJudged() || cycles.report(campaign)) {
      return;
    }
    CampaignEvent end = book.getEnd();
    Map<String, Long> manifest = end == null ? null : end.getManifest();
    long announced = manifest == null ? 0
        : manifest.values().stream().mapToLong(v -> v == null ? 0 : v).sum();
    long judged = 0;
    boolean complete = end != null && (book.getStarted() != null || manifest == null);
    if (manifest != null) {
      for (Map.Entry<String, Long> m : manifest.entrySet()) {
        long seen = book.getSeen().getOrDefault(m.getKey(), 0L);
        judged += Math.min(seen, m.getValue() == null ? 0 : m.getValue());
        if (m.getValue() != null && seen < m.getValue()) {
          complete = false;
        }
      }
    }
    if (!complete) {
      // a pending verdict is emitted when its state changes; most events change nothing
      if (CampaignRules.pendingState(book.getStarted(), end) == book.getLastState()) {
        return;
      }
      Instant time = Instant.ofEpochMilli(book.getMaxEventTime());
      CampaignVerdict pending = CampaignRules.pending(campaign, book.getStarted(), end, judged,
          announced, time);
      if (pending.getState() != book.getLastState()) {
        book.setLastState(pending.getState());
        book.setLastVerdict(pending.getVerdict());
        books.put(campaign, book);
        out.emit(campaign, pending);
      }
      return;
    }
    cycles.finalizeCampaign(campaign);
    book.setJudged(true);
    books.put(campaign, book);
    FinalJudge.Judgement judgement = judge.finalize(campaign, book, out::emit);
    CampaignVerdict verdict = judgement.verdict();
    book.setLastState(verdict.getState());
    book.setLastVerdict(verdict.getVerdict());
    books.put(campaign, book);
    stores.liveness().delete(campaign);
    SoakRun run = SoakRules.run(verdict, Evidence.config(book), judgement.bounds());
    if (run != null) {
      out.forward(run.getGateKey(), run); // to the soak judge, repartitioned by gate key
    }
    if (verdict.getVerdict() != Verdict.PASS) {
      List<String> reasons = verdict.getReasons();
      out.forward(campaign, Alert.newBuilder()
          .setCampaignId(campaign)
          .setKind(AlertKind.VERDICT_FINAL)
          .setMessage("campaign " + campaign + " final: " + verdict.getState() + " "
              + verdict.getVerdict() + (reasons.isEmpty() ? "" : " (" + String.join("; ",
                  reasons.subList(0, Math.min(3, reasons.size())))
              + (reasons.size() > 3 ? "; and " + (reasons.size() - 3) + " more" : "") + ")"))
          .setVerdict(verdict.getVerdict())
          .setEventTime(verdict.getUpdatedAt())
          .build());
    }
    // judged: the per-write state (phase 2, and cycles that never closed), the cycles' books and
    // the checks are not needed any more (evidence arriving from now on is refused by the book's
    // judged flag)
    cycles.drop(campaign);
    dropAll(stores.checks(), Keys.prefix(campaign));
  }

  private static <V> void dropAll(KeyValueStore<String, V> store,
      String prefix) {
    List<String> done = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.prefixScan(prefix, new StringSerializer())) {
      it.forEachRemaining(kv -> done.add(kv.key));
    }
    done.forEach(store::delete);
  }
}
