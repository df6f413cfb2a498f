package dev.shipgate.streams;

import java.time.Duration;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Hands one input topic's decoded, typed events to the task's {@link Evidence}; one such
 * processor per input topic, all sharing the task's {@link EvidenceStores}.
 */
final class EvidenceProcessor<V extends SpecificRecord>
    implements Processor<String, V, String, SpecificRecord> {

  /** What an event of this topic does to the evidence. */
  @FunctionalInterface
  interface Handler<V> {
    void handle(Evidence evidence, V value, long timestamp);
  }

  private final Handler<V> handler;
  private final String component;
  private final Function<SpecificRecord, byte[]> encoder;
  private final boolean watch;
  private Evidence evidence;

  /**
   * @param watch whether this processor also watches for silent campaigns (one processor per
   *     task does: the campaign topic's)
   */
  EvidenceProcessor(Handler<V> handler, String component,
      Function<SpecificRecord, byte[]> encoder, boolean watch) {
    this.handler = handler;
    this.component = component;
    this.encoder = encoder;
    this.watch = watch;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.evidence = new Evidence(context, component, encoder);
    if (watch) {
      context.schedule(WATCH_EVERY, PunctuationType.WALL_CLOCK_TIME, evidence::onWallClock);
    }
  }

  /** How often the silent campaigns are looked for. */
  static final Duration WATCH_EVERY = Duration.ofSeconds(1);

  @Override
  public void process(Record<String, V> record) {
    handler.handle(evidence, record.value(), record.timestamp());
  }
}
