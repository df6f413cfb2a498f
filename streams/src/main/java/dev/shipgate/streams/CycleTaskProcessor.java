package dev.shipgate.streams;

import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The cycle stage's processor: every decoded evidence event and every word of the campaign judge
 * on the cycle control topic, handed to the task's one {@link CycleTask} by what its topic's
 * records do ({@link Routed}).
 */
final class CycleTaskProcessor
    implements Processor<String, Routed<CycleTask, ?>, String, SpecificRecord> {
  private final String component;
  private final Function<SpecificRecord, byte[]> encoder;
  private CycleTask task;

  CycleTaskProcessor(String component, Function<SpecificRecord, byte[]> encoder) {
    this.component = component;
    this.encoder = encoder;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    // a new task object on every init: one revived after a failed transaction starts from its
    // restored stores, with nothing kept from before in memory
    this.task = new CycleTask(context, component, encoder);
  }

  @Override
  public void process(Record<String, Routed<CycleTask, ?>> record) {
    record.value().applyTo(task, record.timestamp());
  }
}
