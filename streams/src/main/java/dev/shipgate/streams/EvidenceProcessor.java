package dev.shipgate.streams;

import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
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
  private Evidence evidence;

  EvidenceProcessor(Handler<V> handler, String component,
      Function<SpecificRecord, byte[]> encoder) {
    this.handler = handler;
    this.component = component;
    this.encoder = encoder;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.evidence = new Evidence(context, component, encoder);
  }

  @Override
  public void process(Record<String, V> record) {
    handler.handle(evidence, record.value(), record.timestamp());
  }
}
