package dev.shipgate.streams;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * A record's content in 64 bits: the first 8 bytes of the SHA-256 of its class name and its Avro
 * binary encoding, to tell whether an output changed ({@link #of}). Each thread keeps its writers,
 * encoder and buffer (an output is hashed every time it may be emitted).
 *
 * <p>The encoding behind the last hash can be lent while that record is emitted
 * ({@link #lending}): its output topic's serializer and its view store's serde then frame or copy
 * those bytes ({@link #lent}) instead of encoding the record again. Only the very object hashed,
 * only on its thread and only until the emit returns: a record changed afterwards is encoded anew.
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

    byte[] bytes() {
      return buf;
    }
  }

  private static final class State {
    final MessageDigest sha;
    final Buffer buffer = new Buffer();
    final Map<Class<?>, DatumWriter<SpecificRecord>> writers = new HashMap<>();
    BinaryEncoder encoder;
    /** The record whose encoding is in the buffer. */
    SpecificRecord encoded;
    /** The record being emitted, whose encoding is lent ({@link #lending}), or null. */
    SpecificRecord lent;

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
    s.lent = null;
    s.encoded = null;
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
    s.encoded = value;
    MessageDigest md = s.sha;
    md.reset();
    md.update(value.getClass().getName().getBytes(StandardCharsets.UTF_8));
    s.buffer.digestInto(md);
    return ByteBuffer.wrap(md.digest()).getLong();
  }

  /**
   * Runs {@code emit} with the encoding of {@code value}, the record last hashed on this thread,
   * lent to {@link #lent}; nothing is lent when {@code value} is another record.
   */
  static void lending(SpecificRecord value, Runnable emit) {
    State s = STATE.get();
    s.lent = s.encoded == value ? value : null;
    try {
      emit.run();
    } finally {
      s.lent = null;
    }
  }

  /**
   * {@code use} applied to the lent encoding of {@code value} (the bytes and their length; read
   * them, do not keep them), or null when {@code value} is not the record being emitted with it.
   */
  static <R> R lent(Object value, BiFunction<byte[], Integer, R> use) {
    State s = STATE.get();
    if (value == null || s.lent != value) {
      return null;
    }
    return use.apply(s.buffer.bytes(), s.buffer.size());
  }

  /** A copy of the lent encoding of {@code value}, or null (see {@link #lent}). */
  static byte[] lentCopy(Object value) {
    return lent(value, (bytes, length) -> Arrays.copyOf(bytes, length));
  }
}
