package dev.shipgate.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.avro.specific.SpecificRecord;

/**
 * A record's content in 64 bits: the first 8 bytes of the SHA-256 of its class name and its Avro
 * encoding (the generated {@code toByteBuffer}), to tell whether an output changed.
 */
final class Hashing {
  private Hashing() {}

  private static final ThreadLocal<MessageDigest> SHA = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  static long of(SpecificRecord value) {
    try {
      ByteBuffer bytes = (ByteBuffer) value.getClass().getMethod("toByteBuffer").invoke(value);
      MessageDigest md = SHA.get();
      md.reset();
      md.update(value.getClass().getName().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      md.update(bytes);
      return ByteBuffer.wrap(md.digest()).getLong();
    } catch (ReflectiveOperationException e) {
      throw new UncheckedIOException(new IOException("cannot hash " + value.getClass(), e));
    }
  }
}
