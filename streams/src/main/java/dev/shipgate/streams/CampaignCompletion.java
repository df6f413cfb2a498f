package dev.shipgate.streams;

import dev.shipgate.events.CampaignEvent;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.SoakRun;
import dev.shipgate.results.Verdict;
import dev.shipgate.state.CampaignBook;
import dev.shipgate.state.CycleControl;
import dev.shipgate.state.CycleControlKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Where a campaign stands against what its end event announced: while evidence is missing, its
 * pending state (RUNNING, FINISHING), emitted when it changes; once every announced event is in and
 * every cycle the cycle tasks met was judged, or else once every cycle task answered a finalize
 * (having judged its open cycles of the campaign on what they have), the final judgement
 * ({@link FinalJudge}) published once, its soak run and, unless PASS, a VERDICT_FINAL alert; then
 * every cycle task told it is judged, and the campaign's phase 2 outcomes and checks dropped.
 *
 * <p>A campaign without a manifest (published before manifests were) is always finalized: nothing
 * says what its cycle tasks still have.
 */
final class CampaignCompletion {
  /** The cycle tasks' counts of the cycles they met and judged, in a book's {@code seen}. */
  static final String CYCLES_OPENED = "cycles/opened";
  static final String CYCLES_CLOSED = "cycles/closed";

  private final EvidenceStores.Opened stores;
  private final Decoded<CampaignBook> books;
  private final JudgeOutputs out;
  private final ToEveryPartition control;
  private final FinalJudge judge;

  CampaignCompletion(EvidenceStores.Opened stores, Decoded<CampaignBook> books, JudgeOutputs out,
      ToEveryPartition control) {
    this.stores = stores;
    this.books = books;
    this.out = out;
    this.control = control;
    this.judge = new FinalJudge(stores);
  }

  /** Emits the campaign's state, or its final verdict once its evidence is complete. */
  void advance(String campaign, CampaignBook book) {
    if (book.getJudged()) {
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
    if (complete && !cyclesJudged(book, manifest)) {
      if (book.getFinalizePartitions() == 0) {
        tell(campaign, CycleControlKind.FINALIZE);
        // as many as the send just went to (kept: a restarted judge has sent nothing yet)
        book.setFinalizePartitions(control.partitions());
        books.put(campaign, book);
      }
      complete = book.getDonePartitions().size() >= book.getFinalizePartitions();
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
    // judged: the cycle tasks drop what they kept of it and refuse its later evidence; the phase
    // 2 outcomes and the checks are not needed any more (evidence arriving from now on is refused
    // by the book's judged flag)
    tell(campaign, CycleControlKind.JUDGED);
    dropAll(stores.phase2(), Keys.prefix(campaign));
    dropAll(stores.checks(), Keys.prefix(campaign));
  }

  /**
   * Whether every cycle the cycle tasks met of the campaign was judged (their digests came before
   * the reports that count them); never for a campaign without a manifest.
   */
  private static boolean cyclesJudged(CampaignBook book, Map<String, Long> manifest) {
    return manifest != null && book.getSeen().getOrDefault(CYCLES_OPENED, 0L)
        .equals(book.getSeen().getOrDefault(CYCLES_CLOSED, 0L));
  }

  /** Tells every cycle task (at once, if the evidence is live). */
  private void tell(String campaign, CycleControlKind kind) {
    out.forward(campaign, CycleControl.newBuilder().setCampaignId(campaign).setKind(kind)
        .setNodes(0).build());
    out.judged();
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
