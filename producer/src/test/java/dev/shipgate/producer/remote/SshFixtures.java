package dev.shipgate.producer.remote;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;

/** Keys, known_hosts lines and nodes for SSH tests. */
final class SshFixtures {
  private SshFixtures() {}

  /**
   * An ed25519 client key generated with MINA (JSch 2.28.8 cannot write ed25519 private keys),
   * written in OpenSSH format: the private key file and its public blob.
   */
  record ClientKey(Path privateKey, byte[] publicBlob) {
    /** The authorized_keys line ({@code ssh-ed25519 AAAA... comment}). */
    String authorizedKeysLine() {
      return "ssh-ed25519 " + Base64.getEncoder().encodeToString(publicBlob) + " shipgate-test";
    }
  }

  static ClientKey clientKey(Path dir, String name) {
    try {
      Files.createDirectories(dir);
      KeyPair kp = newEd25519KeyPair();
      Path file = dir.resolve(name);
      try (OutputStream out = Files.newOutputStream(file)) {
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, "shipgate-test", null, out);
      }
      byte[] blob = MinaSshServer.blob(kp.getPublic());
      Files.writeString(file.resolveSibling(name + ".pub"),
          "ssh-ed25519 " + Base64.getEncoder().encodeToString(blob) + " shipgate-test\n");
      return new ClientKey(file, blob);
    } catch (Exception e) {
      throw new IllegalStateException("cannot generate a client key", e);
    }
  }

  static KeyPair newEd25519KeyPair() {
    return MinaSshServer.newHostKey();
  }

  /** Writes a known_hosts file with one OpenSSH-format entry for {@code [address]:port}. */
  static Path knownHosts(Path file, String address, int port, String hostKeyLine) {
    String host = port == 22 ? address : "[" + address + "]:" + port;
    // hostKeyLine is "type base64 [comment]": keep type and key
    String[] parts = hostKeyLine.strip().split("\\s+");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, host + " " + parts[0] + " " + parts[1] + "\n",
          StandardCharsets.US_ASCII);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Node node(String name, String address, int port, Path privateKey, Path knownHosts) {
    return new Node(name, 0, address, port, System.getProperty("user.name"), privateKey,
        knownHosts, 0, 0, null, null, null);
  }

  static Node localNode(String name) {
    return new Node(name, 0, "127.0.0.1", 0, null, null, null, 0, 0, null, null, null);
  }
}
