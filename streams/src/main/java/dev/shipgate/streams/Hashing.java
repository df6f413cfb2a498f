package dev.shipgate.streams;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * A record's content in 64 bits: the first 8 bytes of the SHA-256 of its class name and its Avro
 * binary encoding, to tell whether an output changed. Each thread keeps its writers, encoder and
 * buffer (an output is hashed every time it may be emitted).
 */
final class Hashing {
  private Hashing() {}

  /** A buffer whose bytes are read in place. */
  private static final class Buffer extends ByteArrayOutputStream {
    Buffer() {
      super(4096);
    }

    void digestInto(MessageDigest md) {
      md.update(buf, 0, count);
    }
  }

  private static final class State {
    final MessageDigest sha;
    final Buffer buffer = new Buffer();
    final Map<Class<?>, DatumWriter<SpecificRecord>> writers = new HashMap<>();
    BinaryEncoder encoder;

    State() {
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

  static long of(SpecificRecord value) {
    State s = STATE.get();
    DatumWriter<SpecificRecord> writer = s.writers.computeIfAbsent(value.getClass(),
        c -> new SpecificDatumWriter<>(value.getSchema()));
    s.buffer.reset();
    s.encoder = EncoderFactory.get().directBinaryEncoder(s.buffer, s.encoder);
    try {
      writer.write(value, s.encoder);
      s.encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hash " + value.getClass(), e);
    }
    MessageDigest md = s.sha;
    md.reset();
    md.update(value.getClass().getName().getBytes(StandardCharsets.UTF_8));
    s.buffer.digestInto(md);
    return ByteBuffer.wrap(md.digest()).getLong();
  }
}
