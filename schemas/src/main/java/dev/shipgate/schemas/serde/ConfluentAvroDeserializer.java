package dev.shipgate.schemas.serde;

import dev.shipgate.schemas.registry.SchemaRegistry;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format into a generated Avro class, resolving the writer's schema by
 * the id in the header (cached), so records written with an older compatible schema still read.
 */
public final class ConfluentAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
  private final SchemaRegistry registry;
  private final Schema readerSchema;
  private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

  public ConfluentAvroDeserializer(Schema readerSchema, SchemaRegistry registry) {
    TrustedAvroClasses.install();
    this.registry = registry;
    this.readerSchema = readerSchema;
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length < WireFormat.HEADER_BYTES || data[0] != WireFormat.MAGIC) {
      throw new SerializationException("record on " + topic + " is not in the Confluent wire format"
          + " (expected magic byte 0 and a 4-byte schema id, got " + data.length + " bytes"
          + (data.length > 0 ? " starting with " + data[0] : "") + ")");
    }
    ByteBuffer buffer = ByteBuffer.wrap(data);
    buffer.get();
    int id = buffer.getInt();
    SpecificDatumReader<T> reader;
    try {
      reader = readers.computeIfAbsent(id,
          i -> new SpecificDatumReader<>(registry.schemaById(i), readerSchema));
    } catch (RuntimeException e) {
      throw new SerializationException("record on " + topic + " names schema id " + id
          + " which cannot be resolved: " + e.getMessage(), e);
    }
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_BYTES,
          data.length - WireFormat.HEADER_BYTES, null);
      return reader.read(null, decoder);
    } catch (Exception e) {
      throw new SerializationException("record on " + topic + " with schema id " + id
          + " cannot be decoded as " + readerSchema.getFullName() + ": " + e, e);
    }
  }
}
