package dev.shipgate.streams;

import dev.shipgate.schemas.serde.TrustedAvroClasses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serde of Streams' own state: plain Avro binary of one schema, no registry and no framing (the
 * state is this application's, written and read by the same code; a changed state schema means a
 * new application id or a reset). Compact and cheap: a state record is encoded once per change.
 */
final class StateSerde<T extends SpecificRecordBase> implements Serde<T> {
  private final Schema schema;
  private final ThreadLocal<SpecificDatumWriter<T>> writers;
  private final ThreadLocal<SpecificDatumReader<T>> readers;
  private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();
  private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

  private StateSerde(Schema schema) {
    TrustedAvroClasses.install();
    this.schema = schema;
    this.writers = ThreadLocal.withInitial(() -> new SpecificDatumWriter<>(schema));
    this.readers = ThreadLocal.withInitial(() -> new SpecificDatumReader<>(schema));
  }

  static <T extends SpecificRecordBase> StateSerde<T> of(Schema schema) {
    return new StateSerde<>(schema);
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      // an output kept as a view while it is emitted: the bytes its hash was taken of
      byte[] lent = Hashing.lentCopy(value);
      if (lent != null) {
        return lent;
      }
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, encoders.get());
        encoders.set(e);
        writers.get().write(value, e);
        e.flush();
        return out.toByteArray();
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot encode " + schema.getFullName(), ex);
      }
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        BinaryDecoder d = DecoderFactory.get().binaryDecoder(bytes, decoders.get());
        decoders.set(d);
        return readers.get().read(null, d);
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot decode " + schema.getFullName() + " state", ex);
      }
    };
  }
}
