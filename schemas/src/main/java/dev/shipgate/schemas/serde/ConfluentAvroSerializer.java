package dev.shipgate.schemas.serde;

import dev.shipgate.schemas.registry.SchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records in the Confluent wire format, registering the record's schema under
 * {@code <topic>-value} (or {@code -key}) on first use.
 */
public final class ConfluentAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
  private final SchemaRegistry registry;
  private final Schema schema;
  private final SpecificDatumWriter<T> writer;
  private final boolean isKey;
  private volatile String lastSubject;
  private volatile int lastId = -1;

  public ConfluentAvroSerializer(Schema schema, SchemaRegistry registry, boolean isKey) {
    TrustedAvroClasses.install();
    this.registry = registry;
    this.schema = schema;
    this.writer = new SpecificDatumWriter<>(schema);
    this.isKey = isKey;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    int id = schemaId(topic);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(WireFormat.MAGIC);
    out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
    try {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writer.write(data, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot encode " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(),
          e);
    }
    return out.toByteArray();
  }

  /**
   * The wire format of a record whose Avro binary encoding with this serializer's schema is
   * {@code body[0..length)}: the same bytes as {@link #serialize} of that record, without encoding
   * it again.
   */
  public byte[] framed(String topic, byte[] body, int length) {
    int id = schemaId(topic);
    byte[] out = new byte[WireFormat.HEADER_BYTES + length];
    ByteBuffer.wrap(out).put(WireFormat.MAGIC).putInt(id).put(body, 0, length);
    return out;
  }

  private int schemaId(String topic) {
    String subject = topic + (isKey ? "-key" : "-value");
    if (subject.equals(lastSubject)) {
      return lastId;
    }
    int id;
    try {
      id = registry.register(subject, schema);
    } catch (RuntimeException e) {
      throw new SerializationException(
          "cannot register the schema of " + schema.getFullName() + " under " + subject + ": "
              + e.getMessage(), e);
    }
    lastId = id;
    lastSubject = subject;
    return id;
  }
}
