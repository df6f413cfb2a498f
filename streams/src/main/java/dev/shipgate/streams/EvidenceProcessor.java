package dev.shipgate.streams;

import java.time.Duration;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The campaign judge of a task: every decoded campaign event and every report of the cycle tasks
 * ({@link CycleTask}), handed to the task's one {@link Evidence} by what its topic's records do
 * ({@link Routed}); it also watches for silent campaigns on wall-clock punctuation. One processor
 * for its topics, so that the task's evidence, and what it keeps in memory beside its stores, is
 * one object.
 */
final class EvidenceProcessor
    implements Processor<String, Routed<Evidence, ?>, String, SpecificRecord> {

  /** How often the silent campaigns are looked for. */
  static final Duration WATCH_EVERY = Duration.ofSeconds(1);

  private final String component;
  private final Function<SpecificRecord, byte[]> encoder;
  private final ToEveryPartition control;
  private Evidence evidence;

  /** @param control the partitioner of the cycle control topic (it knows its partitions) */
  EvidenceProcessor(String component, Function<SpecificRecord, byte[]> encoder,
      ToEveryPartition control) {
    this.component = component;
    this.encoder = encoder;
    this.control = control;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    // a new Evidence on every init: a task revived after a failed transaction starts from its
    // restored stores, with nothing kept from before in memory
    this.evidence = new Evidence(context, component, encoder, control);
    context.schedule(WATCH_EVERY, PunctuationType.WALL_CLOCK_TIME, evidence::onWallClock);
  }

  @Override
  public void process(Record<String, Routed<Evidence, ?>> record) {
    record.value().applyTo(evidence, record.timestamp());
  }
}
