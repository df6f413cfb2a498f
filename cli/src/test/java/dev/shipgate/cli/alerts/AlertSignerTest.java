package dev.shipgate.cli.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.cli.ShipgateException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook signature: HMAC-SHA256 over the body bytes, hex, with the sha256= prefix. */
class AlertSignerTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldMatchTheRfc4231Vectors() {
    // RFC 4231 test case 2
    assertEquals("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        new AlertSigner(utf8("Jefe")).signature(utf8("what do ya want for nothing?")));
    // RFC 4231 test case 1: key 20 x 0x0b, "Hi There"
    byte[] key = new byte[20];
    java.util.Arrays.fill(key, (byte) 0x0b);
    assertEquals("sha256=b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        new AlertSigner(key).signature(utf8("Hi There")));
  }

  @Test
  void shouldVerifyItsOwnSignatureAndNothingElse() {
    AlertSigner signer = new AlertSigner(utf8("s3cret"));
    byte[] body = utf8("{\"alert_id\":\"a1\"}");
    String sig = signer.signature(body);
    assertTrue(signer.verify(body, sig));
    assertTrue(signer.verify(body, sig.toUpperCase(java.util.Locale.ROOT).replace("SHA256=",
        "sha256=")), "hex digits in upper case are the same signature");
    assertFalse(signer.verify(utf8("{\"alert_id\":\"a2\"}"), sig), "another body");
    assertFalse(new AlertSigner(utf8("other")).verify(body, sig), "another secret");
    assertFalse(signer.verify(body, sig.substring("sha256=".length())), "no prefix");
    assertFalse(signer.verify(body, null));
    assertFalse(signer.verify(body, "sha256="));
  }

  @Test
  void shouldReadTheSecretFileWithoutItsTrailingLineBreak(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("secret");
    Files.writeString(f, "s3cret\r\n");
    byte[] body = utf8("x");
    assertEquals(new AlertSigner(utf8("s3cret")).signature(body),
        AlertSigner.fromFile(f).signature(body));
    Files.writeString(f, " s3cret ");
    assertEquals(new AlertSigner(utf8(" s3cret ")).signature(body),
        AlertSigner.fromFile(f).signature(body), "spaces are part of the secret");
  }

  @Test
  void shouldRefuseAnEmptyOrMissingSecretFileNamingIt(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("empty");
    Files.writeString(f, "\n");
    ShipgateException empty = assertThrows(ShipgateException.class, () -> AlertSigner.fromFile(f));
    assertEquals("--secret-file " + f + ": the file is empty (expected the shared secret)",
        empty.getMessage());
    Path missing = dir.resolve("missing");
    ShipgateException gone = assertThrows(ShipgateException.class,
        () -> AlertSigner.fromFile(missing));
    assertTrue(gone.getMessage().startsWith("--secret-file " + missing + ": cannot be read"),
        gone.getMessage());
  }
}
