package dev.shipgate.streams;

import dev.shipgate.events.GateConfig;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.results.SoakRun;
import dev.shipgate.results.SoakVerdict;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.AlertIds;
import dev.shipgate.state.SoakBook;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Judges each target version's soak window as its runs' final verdicts arrive (repartitioned by
 * gate key): books the run in the key's {@link SoakBook}, publishes the {@link SoakVerdict}
 * ({@link SoakRules}), and alerts when the soak turns FAIL ({@link AlertKind#SOAK_REGRESSION})
 * and when its window is complete ({@link AlertKind#SOAK_FINAL}).
 */
final class SoakProcessor implements Processor<String, SoakRun, String, SpecificRecord> {
  static final String STORE = "soak-books";

  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, SoakBook> books;
  private LiveCommits commits;

  /**
   * In memory (changelogged, restored on restart): a few target versions of at most
   * {@link SoakRules#MAX_RUNS} runs each, not worth a RocksDB instance per partition (each adds
   * to the start-up and to the peak RSS the benchmark bounds).
   */
  static StoreBuilder<KeyValueStore<String, SoakBook>> store() {
    return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(),
        StateSerde.<SoakBook>of(SoakBook.getClassSchema())).withCachingEnabled();
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.books = context.getStateStore(STORE);
    this.commits = new LiveCommits(context);
  }

  @Override
  public void process(Record<String, SoakRun> record) {
    SoakRun run = record.value();
    String key = run.getGateKey();
    SoakBook book = books.get(key);
    if (book == null) {
      book = SoakBook.newBuilder().setRuns(new ArrayList<>()).build();
    }
    List<SoakRun> runs = SoakRules.add(book.getRuns(), run);
    SoakVerdict verdict = SoakRules.judge(runs, SoakRules.Gate.of(gate(runs)));
    Verdict previous = book.getLastVerdict();
    boolean wasFinal = book.getLastFinal();
    book.setRuns(runs);
    book.setLastVerdict(verdict.getVerdict());
    book.setLastFinal(verdict.getFinal$());
    books.put(key, book);
    long time = verdict.getUpdatedAt().toEpochMilli();
    context.forward(new Record<>(key, verdict, time));
    if (verdict.getVerdict() == Verdict.FAIL && previous != Verdict.FAIL) {
      alert(key, run, AlertKind.SOAK_REGRESSION, "soak of " + key + " (" + verdict.getProfile()
          + ") turned FAIL with run " + run.getCampaignId() + ": "
          + String.join("; ", verdict.getReasons()), verdict, time);
    }
    if (verdict.getFinal$() && !wasFinal) {
      alert(key, run, AlertKind.SOAK_FINAL, "soak of " + key + " (" + verdict.getProfile()
          + ") is final: " + verdict.getVerdict() + ", " + verdict.getRunsPassed() + " of "
          + verdict.getRunsCounted() + " runs PASS (" + verdict.getRunsExpected()
          + " expected)" + (verdict.getReasons().isEmpty() ? ""
              : "; " + String.join("; ", verdict.getReasons())), verdict, time);
    }
    // judged from a run that just ended: committed at once, not at the next commit interval
    commits.judged(record.timestamp());
  }

  /** The gate of the window: the newest run's that names one, else the built-in soak. */
  private static GateConfig gate(List<SoakRun> runs) {
    for (int i = runs.size() - 1; i >= 0; i--) {
      if (runs.get(i).getGate() != null) {
        return runs.get(i).getGate();
      }
    }
    return null;
  }

  private void alert(String key, SoakRun run, AlertKind kind, String message, SoakVerdict v,
      long time) {
    Alert alert = AlertIds.identified(Alert.newBuilder()
        .setCampaignId(run.getCampaignId())
        .setKind(kind)
        .setMessage(message)
        .setVerdict(v.getVerdict())
        .setGate(key)
        .setEventTime(v.getUpdatedAt())
        .build());
    context.forward(new Record<>(key, alert, time));
  }
}
