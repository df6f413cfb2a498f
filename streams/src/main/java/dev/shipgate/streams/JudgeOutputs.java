package dev.shipgate.streams;

import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.VisibilitySummary;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * What a task's campaign judge publishes ({@link Sends}), and outputs that are not repeated when
 * unchanged ({@link #emit}). A verdict or a bound emitted is also kept for queries and, judged
 * live, committed at once ({@link LiveCommits}).
 */
final class JudgeOutputs extends Sends {
  private final EvidenceStores.Opened stores;

  /**
   * @param component the dead letters' component (the application id)
   * @param encoder the input record's wire bytes, for a dead letter
   */
  JudgeOutputs(ProcessorContext<String, SpecificRecord> context, EvidenceStores.Opened stores,
      String component, Function<SpecificRecord, byte[]> encoder) {
    super(context, component, encoder);
    this.stores = stores;
  }

  /** Forwards {@code value} under {@code key} unless the same record was last emitted there. */
  void emit(String key, SpecificRecord value) {
    long hash = Hashing.of(value);
    // a class's visibility summary shares its key with its bound, on another topic
    String slot = value instanceof VisibilitySummary ? key + "#visibility" : key;
    Long previous = stores.emitted().get(slot);
    if (previous != null && previous == hash) {
      return;
    }
    stores.emitted().put(slot, hash);
    // the encoding behind the hash is written to the output topic and the view as it is
    Hashing.lending(value, () -> forwardAndKeep(key, value));
  }

  private void forwardAndKeep(String key, SpecificRecord value) {
    forward(key, value);
    // a verdict or a bound is kept for queries, and judged live it is committed at once
    if (value instanceof CampaignVerdict v) {
      stores.verdicts().put(key, v);
      judged();
    } else if (value instanceof FaultBound b) {
      stores.bounds().put(key, b);
      judged();
    }
  }
}
