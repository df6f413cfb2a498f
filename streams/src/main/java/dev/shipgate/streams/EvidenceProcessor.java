package dev.shipgate.streams;

import java.time.Duration;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The judge of a task: every decoded input event, whatever its topic, handed to the task's one
 * {@link Evidence} by what its topic's events do ({@link Routed}); it also watches for silent
 * campaigns on wall-clock punctuation. One processor for the five topics, so that the task's
 * evidence, and what it keeps in memory beside its stores, is one object.
 */
final class EvidenceProcessor
    implements Processor<String, EvidenceProcessor.Routed<?>, String, SpecificRecord> {

  /** What an event of one topic does to the evidence. */
  @FunctionalInterface
  interface Handler<V> {
    void handle(Evidence evidence, V value, long timestamp);
  }

  /** A decoded event with its topic's handler. */
  record Routed<V>(Handler<V> handler, V value) {
    void applyTo(Evidence evidence, long timestamp) {
      handler.handle(evidence, value, timestamp);
    }
  }

  /** How often the silent campaigns are looked for. */
  static final Duration WATCH_EVERY = Duration.ofSeconds(1);

  private final String component;
  private final Function<SpecificRecord, byte[]> encoder;
  private Evidence evidence;

  EvidenceProcessor(String component, Function<SpecificRecord, byte[]> encoder) {
    this.component = component;
    this.encoder = encoder;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    // a new Evidence on every init: a task revived after a failed transaction starts from its
    // restored stores, with nothing kept from before in memory
    this.evidence = new Evidence(context, component, encoder);
    context.schedule(WATCH_EVERY, PunctuationType.WALL_CLOCK_TIME, evidence::onWallClock);
  }

  @Override
  public void process(Record<String, Routed<?>> record) {
    record.value().applyTo(evidence, record.timestamp());
  }
}
