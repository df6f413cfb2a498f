package dev.shipgate.producer.remote;

import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;

/**
 * An in-JVM SSH server (Apache MINA SSHD) on 127.0.0.1 with an ed25519 host key, public-key
 * authentication against one authorized key, and commands run with {@code /bin/sh -c}. Counts
 * the connections it accepted.
 */
final class MinaSshServer implements AutoCloseable {
  private final SshServer server;
  private final KeyPair hostKey;
  private final AtomicInteger connections;

  private MinaSshServer(KeyPair hostKey, byte[] authorizedBlob, int port,
      AtomicInteger connections) throws IOException {
    this.hostKey = hostKey;
    this.connections = connections;
    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(port);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPublickeyAuthenticator((user, key, session) -> Arrays.equals(blob(key), authorizedBlob));
    server.setPasswordAuthenticator(null);
    server.setKeyboardInteractiveAuthenticator(null);
    server.setCommandFactory(ProcessShellCommandFactory.INSTANCE);
    server.addSessionListener(new SessionListener() {
      @Override
      public void sessionCreated(Session session) {
        connections.incrementAndGet();
      }
    });
    server.start();
  }

  static KeyPair newHostKey() {
    try {
      return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    } catch (Exception e) {
      throw new IllegalStateException("cannot generate an ed25519 host key", e);
    }
  }

  /** Starts on a free port. */
  static MinaSshServer start(KeyPair hostKey, byte[] authorizedBlob) throws IOException {
    return new MinaSshServer(hostKey, authorizedBlob, 0, new AtomicInteger());
  }

  /** Stops this server and starts a new one on the same port and host key ("node restarted"). */
  MinaSshServer restart(byte[] authorizedBlob) throws IOException {
    int port = port();
    close();
    return new MinaSshServer(hostKey, authorizedBlob, port, connections);
  }

  int port() {
    return server.getPort();
  }

  /** SSH connections accepted so far (sessions created, before authentication). */
  int connections() {
    return connections.get();
  }

  int activeSessions() {
    return server.getActiveSessions().size();
  }

  /** The host key as a known_hosts key field ({@code ssh-ed25519 AAAA...}). */
  String hostKeyLine() {
    return hostKeyLine(hostKey.getPublic());
  }

  static String hostKeyLine(PublicKey key) {
    return PublicKeyEntry.toString(key);
  }

  /** The SSH wire encoding of a public key (what authorized_keys holds in base64). */
  static byte[] blob(PublicKey key) {
    ByteArrayBuffer buf = new ByteArrayBuffer();
    buf.putRawPublicKey(key);
    return buf.getCompactData();
  }

  @Override
  public void close() throws IOException {
    server.stop(true);
  }
}
