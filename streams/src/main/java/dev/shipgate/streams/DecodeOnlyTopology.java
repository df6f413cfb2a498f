package dev.shipgate.streams;

import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.SchemaRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;

/**
 * A benchmark's reference, not part of the application: the five inputs consumed as
 * {@link ShipgateTopology} consumes them (raw bytes, decoded by {@link InputDecoder}) and then
 * dropped, with no state and no output. Run under the same configuration, it measures what Kafka
 * Streams and the decoding cost on a machine before any judging: the ceiling the application's
 * throughput is compared with.
 */
public final class DecodeOnlyTopology {
  private DecodeOnlyTopology() {}

  public static Topology of(SchemaRegistry registry, String component) {
    StreamsBuilder builder = new StreamsBuilder();
    for (Topic<String, ? extends SpecificRecord> topic : Topics.inputs()) {
      add(builder, registry, component, topic);
    }
    return builder.build();
  }

  private static <V extends SpecificRecord> void add(StreamsBuilder builder,
      SchemaRegistry registry, String component, Topic<String, V> topic) {
    String name = topic.name().replace("shipgate.", "");
    builder.stream(topic.name(), Consumed.with(Serdes.String(), Serdes.ByteArray())
            .withName(name + "-source"))
        .process(() -> new InputDecoder<>(topic, registry, component, false),
            Named.as(name + "-decode"));
  }
}
