package dev.shipgate.schemas.serde;

import dev.shipgate.schemas.registry.SchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Serde of a generated Avro class in the Confluent wire format, bound to one registry. */
public final class ConfluentAvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final ConfluentAvroSerializer<T> serializer;
  private final ConfluentAvroDeserializer<T> deserializer;

  public ConfluentAvroSerde(Class<T> type, SchemaRegistry registry) {
    this(schemaOf(type), registry, false);
  }

  public ConfluentAvroSerde(Schema schema, SchemaRegistry registry, boolean isKey) {
    TrustedAvroClasses.install();
    this.serializer = new ConfluentAvroSerializer<>(schema, registry, isKey);
    this.deserializer = new ConfluentAvroDeserializer<>(schema, registry);
  }

  private static Schema schemaOf(Class<?> type) {
    TrustedAvroClasses.install();
    return SpecificData.get().getSchema(type);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}
