package dev.shipgate.cli.alerts;

import dev.shipgate.cli.ShipgateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook's request signature: {@code sha256=<hex HMAC-SHA256(secret, body bytes)>}, the
 * value of the {@code X-Shipgate-Signature} header. It covers the body only (the exact bytes
 * sent); the receiver recomputes it over the bytes it received and compares in constant time.
 */
public final class AlertSigner {
  public static final String PREFIX = "sha256=";
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  public AlertSigner(byte[] secret) {
    if (secret == null || secret.length == 0) {
      throw new IllegalArgumentException("the webhook secret is empty");
    }
    this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
  }

  /**
   * The secret in {@code file}: its bytes, without a trailing line break ({@code echo s > f}).
   *
   * @throws ShipgateException naming the file when it cannot be read or holds nothing
   */
  public static AlertSigner fromFile(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ShipgateException("--secret-file " + file + ": cannot be read ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
    int end = bytes.length;
    while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
      end--;
    }
    if (end == 0) {
      throw new ShipgateException("--secret-file " + file + ": the file is empty (expected the"
          + " shared secret)");
    }
    byte[] secret = Arrays.copyOf(bytes, end);
    Arrays.fill(bytes, (byte) 0);
    return new AlertSigner(secret);
  }

  /** The header value for {@code body}: {@code sha256=} and 64 lower-case hex digits. */
  public String signature(byte[] body) {
    return PREFIX + HexFormat.of().formatHex(mac(body));
  }

  /** Whether {@code header} is the signature of {@code body} (constant-time comparison). */
  public boolean verify(byte[] body, String header) {
    if (header == null || !header.startsWith(PREFIX)) {
      return false;
    }
    byte[] expected = signature(body).getBytes(StandardCharsets.US_ASCII);
    byte[] got = header.trim().toLowerCase(java.util.Locale.ROOT)
        .getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, got);
  }

  private byte[] mac(byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is missing from this JVM", e);
    }
  }
}
