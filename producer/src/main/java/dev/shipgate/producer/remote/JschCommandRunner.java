package dev.shipgate.producer.remote;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchUnknownHostKeyException;
import com.jcraft.jsch.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands on nodes over SSH with JSch ({@code exec} channels, public-key authentication
 * with the node's {@link Node#privateKey()}).
 *
 * <p>Host keys are verified by default ({@code StrictHostKeyChecking=yes}) against the node's
 * {@link Node#knownHosts()} file, or {@code ~/.ssh/known_hosts} when it has none; the file is
 * never written. Turning verification off is an explicit {@link Builder#strictHostKeyChecking}
 * choice, warned about once per node.
 *
 * <p>Failures are classified for {@link RetryingCommandRunner}: authentication refused, unknown
 * or changed host key and bad configuration are permanent; connection refused or reset, connect
 * and command timeouts and a connection lost mid-command are transient. A command that outlives
 * its timeout is sent {@code KILL} and its channel and session are closed. OpenSSH refuses channel
 * signals for root sessions ("session signalling requires privilege separation"), so the node
 * enforces the deadline itself as well ({@link Builder#remoteTimeout}, the default): the command
 * runs under coreutils {@code timeout}, in the user's login shell, with one second of grace after
 * this side gives up, then {@code TERM} to its process group and {@code KILL} 2 s later. A node
 * without {@code timeout} (probed once per node) is warned about and runs commands unwrapped.
 *
 * <p>With {@link Builder#reuseSessions} (the default) one session per node is kept and reused;
 * a dead one (the node's sshd was restarted) is replaced transparently. {@link #close()}
 * disconnects them all; their threads are daemons so a forgotten runner cannot hang the JVM.
 */
public final class JschCommandRunner implements CommandRunner {
  private static final Logger log = LoggerFactory.getLogger(JschCommandRunner.class);

  private final Duration connectTimeout;
  private final boolean strictHostKeyChecking;
  private final boolean reuseSessions;
  private final Path defaultKnownHosts;
  private final Map<SessionKey, Slot> sessions = new HashMap<>();
  private final Set<String> warnedNodes = ConcurrentHashMap.newKeySet();
  private final boolean remoteTimeout;
  private final Map<SessionKey, Boolean> nodeHasTimeout = new ConcurrentHashMap<>();
  private boolean closed;

  private JschCommandRunner(Builder b) {
    this.connectTimeout = b.connectTimeout;
    this.strictHostKeyChecking = b.strictHostKeyChecking;
    this.reuseSessions = b.reuseSessions;
    this.defaultKnownHosts = b.defaultKnownHosts;
    this.remoteTimeout = b.remoteTimeout;
  }

  /** Host keys verified, sessions reused, 10 s connect timeout. */
  public static JschCommandRunner create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether host keys are verified (false only when explicitly turned off). */
  public boolean strictHostKeyChecking() {
    return strictHostKeyChecking;
  }

  @Override
  public CommandResult run(Node node, String command, Duration timeout) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(timeout, "timeout");
    long start = System.nanoTime();
    try {
      CommandResult result = execute(node, command, timeout, start);
      log.info("RUN: {} {} RESULT: {}", node.name(), command, result.summary());
      return result;
    } catch (RemoteException e) {
      log.warn("RUN: {} {} RESULT: error ({}) {}", node.name(), command,
          e.transientFailure() ? "transient" : "permanent", e.getMessage());
      throw e;
    }
  }

  private CommandResult execute(Node node, String command, Duration timeout, long start) {
    if (node.privateKey() == null) {
      throw new RemoteException(where(node) + ": no SSH private key configured", false, null);
    }
    SessionKey key = SessionKey.of(node, knownHostsOf(node));
    Lease lease = null;
    ChannelExec channel = null;
    boolean keepSession = false;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      // A reused session may have died with the node's sshd (restart): one fresh attempt.
      for (int attempt = 0; channel == null; attempt++) {
        lease = acquire(node, key);
        try {
          String sent = remoteTimeout && nodeHasTimeout(node, key, lease.session())
              ? withRemoteTimeout(command, timeout) : command;
          channel = openChannel(lease.session(), sent, out, err);
        } catch (JSchException e) {
          discard(key, lease.session());
          if (!lease.reused() || attempt > 0) {
            throw classify(node, key, "opening an exec channel", e);
          }
          log.debug("{}: cached session unusable ({}), reconnecting", where(node), e.getMessage());
        }
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      long pollMillis = 1;
      while (!channel.isClosed()) {
        if (System.nanoTime() - deadline >= 0) {
          kill(channel);
          discard(key, lease.session());
          throw new RemoteException(where(node) + ": command timed out after " + timeout.toMillis()
              + " ms (channel killed, session closed): " + oneLine(command), true, null);
        }
        Thread.sleep(pollMillis);
        pollMillis = Math.min(20, pollMillis + 1);
      }
      int exit = channel.getExitStatus();
      if (exit == -1 && !lease.session().isConnected()) {
        discard(key, lease.session());
        throw new RemoteException(where(node) + ": connection lost while running: "
            + oneLine(command), true, null);
      }
      keepSession = reuseSessions;
      return new CommandResult(node.name(), command, exit,
          out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
          Duration.ofNanos(System.nanoTime() - start).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(channel);
      throw new RemoteException(where(node) + ": interrupted while running: " + oneLine(command),
          true, e);
    } finally {
      if (channel != null) {
        channel.disconnect();
      }
      if (lease != null && !keepSession) {
        discard(key, lease.session());
      }
    }
  }

  /**
   * {@code command} under the node's own deadline: the timeout plus 1 s of grace (this side gives
   * up first and reports it), then {@code TERM} to the command's process group, {@code KILL} 2 s
   * later. The command runs in the login shell, as it would unwrapped.
   */
  /** What every command sent starts with: the remote shell's stdin is /dev/null. */
  static final String STDIN_NULL = "exec </dev/null; ";

  static String withRemoteTimeout(String command, Duration timeout) {
    long millis = timeout.toMillis() + 1000;
    String seconds = String.format(Locale.ROOT, "%d.%03d", millis / 1000, millis % 1000);
    return "exec timeout -k 2 " + seconds + " \"${SHELL:-/bin/sh}\" -c "
        + Shell.singleQuoted(command);
  }

  /** Whether the node has coreutils {@code timeout}: asked once per node, on the session at hand. */
  private boolean nodeHasTimeout(Node node, SessionKey key, Session session)
      throws JSchException {
    Boolean known = nodeHasTimeout.get(key);
    if (known != null) {
      return known;
    }
    ByteArrayOutputStream ignored = new ByteArrayOutputStream();
    ChannelExec probe = openChannel(session, "command -v timeout >/dev/null 2>&1", ignored,
        ignored);
    try {
      long deadline = System.nanoTime() + connectTimeout.toNanos();
      while (!probe.isClosed()) {
        if (System.nanoTime() - deadline >= 0) {
          throw new JSchException("no answer within " + connectTimeout.toMillis()
              + " ms to 'command -v timeout'");
        }
        Thread.sleep(2);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JSchException("interrupted while probing for 'timeout'", e);
    } finally {
      probe.disconnect();
    }
    boolean has = probe.getExitStatus() == 0;
    if (!has) {
      log.warn("{}: no 'timeout' command (coreutils) on the node: a command that outlives its"
          + " timeout keeps running there", where(node));
    }
    nodeHasTimeout.put(key, has);
    return has;
  }

  private ChannelExec openChannel(Session session, String command, ByteArrayOutputStream out,
      ByteArrayOutputStream err) throws JSchException {
    ChannelExec channel = (ChannelExec) session.openChannel("exec");
    try {
      // stdin from /dev/null on the node: a command reading stdin must not hang. No local input
      // stream: JSch would start a thread to pump it, and when the remote command ends before
      // that thread is set up (a fast command on a loaded machine), JSch's own channel close
      // races its start-up and connect() fails with a NullPointerException although the command
      // ran (seen once in four compose runs: "opening an exec channel failed").
      channel.setCommand(STDIN_NULL + command);
      channel.setInputStream(null);
      // JSch's session thread writes both streams as data arrives: no pipe to fill up.
      channel.setOutputStream(out);
      channel.setErrStream(err);
      channel.connect(millis(connectTimeout));
      return channel;
    } catch (JSchException | RuntimeException e) {
      channel.disconnect();
      throw e;
    }
  }

  private static void kill(ChannelExec channel) {
    if (channel == null || channel.isClosed()) {
      return;
    }
    try {
      channel.sendSignal("KILL");
    } catch (Exception e) {
      log.debug("could not signal the remote command: {}", e.toString());
    }
    channel.disconnect();
  }

  private Lease acquire(Node node, SessionKey key) {
    Slot slot;
    synchronized (sessions) {
      if (closed) {
        throw new RemoteException(where(node) + ": runner is closed", false, null);
      }
      slot = reuseSessions ? sessions.computeIfAbsent(key, k -> new Slot()) : new Slot();
    }
    synchronized (slot) {
      if (slot.session != null && slot.session.isConnected()) {
        return new Lease(slot.session, true);
      }
      Session session = connect(node, key);
      if (reuseSessions) {
        synchronized (sessions) {
          if (closed) {
            session.disconnect();
            throw new RemoteException(where(node) + ": runner is closed", false, null);
          }
        }
        slot.session = session;
      }
      return new Lease(session, false);
    }
  }

  private Session connect(Node node, SessionKey key) {
    if (!strictHostKeyChecking && warnedNodes.add(node.name())) {
      log.warn("{}: host key checking is DISABLED: the server's identity is not verified",
          where(node));
    }
    JSch jsch = new JSch();
    Session session = null;
    try {
      jsch.addIdentity(node.privateKey().toString());
      if (strictHostKeyChecking) {
        if (!Files.isReadable(key.knownHosts())) {
          throw new RemoteException(where(node) + ": known_hosts file " + key.knownHosts()
              + " is not readable (host keys are verified)", false, null);
        }
        jsch.setKnownHosts(key.knownHosts().toString());
      }
      session = jsch.getSession(node.user(), node.address(), node.sshPort());
      session.setConfig("StrictHostKeyChecking", strictHostKeyChecking ? "yes" : "no");
      session.setConfig("PreferredAuthentications", "publickey");
      session.setConfig("prefer_known_host_key_types", "yes");
      session.setDaemonThread(true);
      session.connect(millis(connectTimeout));
      return session;
    } catch (JSchException e) {
      if (session != null) {
        session.disconnect();
      }
      throw classify(node, key, "connecting", e);
    }
  }

  private void discard(SessionKey key, Session session) {
    if (session == null) {
      return;
    }
    Slot slot;
    synchronized (sessions) {
      slot = sessions.get(key);
    }
    if (slot != null) {
      synchronized (slot) {
        if (slot.session == session) {
          slot.session = null;
        }
      }
    }
    session.disconnect();
  }

  /** Disconnects every cached session; the runner cannot be used afterwards. */
  @Override
  public void close() {
    List<Slot> slots;
    synchronized (sessions) {
      closed = true;
      slots = new ArrayList<>(sessions.values());
      sessions.clear();
    }
    for (Slot slot : slots) {
      synchronized (slot) {
        if (slot.session != null) {
          slot.session.disconnect();
          slot.session = null;
        }
      }
    }
  }

  /** Number of live cached sessions (for tests). */
  int openSessions() {
    synchronized (sessions) {
      int n = 0;
      for (Slot slot : sessions.values()) {
        Session s = slot.session;
        if (s != null && s.isConnected()) {
          n++;
        }
      }
      return n;
    }
  }

  private Path knownHostsOf(Node node) {
    return node.knownHosts() != null ? node.knownHosts() : defaultKnownHosts;
  }

  /** Sorts a JSch failure into permanent (never retried) or transient, in one line. */
  RemoteException classify(Node node, SessionKey key, String doing, JSchException e) {
    String msg = oneLine(String.valueOf(e.getMessage()));
    String prefix = where(node) + ": " + doing + " failed: ";
    // With StrictHostKeyChecking=yes JSch reports a changed key as "HostKey has been changed"
    // and an unknown one as "reject HostKey" (both permanent).
    if (e instanceof JSchChangedHostKeyException
        || msg.startsWith("HostKey has been changed")) {
      return new RemoteException(prefix + "host key has CHANGED (verified against "
          + key.knownHosts() + "): " + msg, false, e);
    }
    if (e instanceof JSchUnknownHostKeyException || msg.startsWith("UnknownHostKey")
        || msg.startsWith("reject HostKey")) {
      return new RemoteException(prefix + "host key is UNKNOWN (not in " + key.knownHosts()
          + "): " + msg, false, e);
    }
    if (msg.startsWith("Auth fail") || msg.startsWith("Auth cancel")
        || msg.startsWith("Partial Auth")) {
      return new RemoteException(prefix + "authentication refused for user " + node.user()
          + " with key " + node.privateKey() + ": " + msg, false, e);
    }
    if (msg.startsWith("invalid privatekey") || msg.contains("FileNotFoundException")
        || msg.contains("NoSuchFileException")) {
      return new RemoteException(prefix + "cannot load private key " + node.privateKey() + ": "
          + msg, false, e);
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof UnknownHostException) {
        return new RemoteException(prefix + "unknown host: " + msg, false, e);
      }
      if (t instanceof ConnectException) {
        return new RemoteException(prefix + "connection refused: " + msg, true, e);
      }
      if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
        return new RemoteException(prefix + "timed out: " + msg, true, e);
      }
      if (t instanceof NoRouteToHostException || t instanceof SocketException
          || t instanceof IOException) {
        return new RemoteException(prefix + "connection error: " + msg, true, e);
      }
    }
    String lower = msg.toLowerCase();
    if (lower.contains("timeout") || lower.contains("timed out") || lower.contains("refused")
        || lower.contains("reset") || lower.contains("session is down")
        || lower.contains("channel is not opened") || lower.contains("end of io stream")
        || lower.contains("broken pipe") || lower.contains("connection closed")) {
      return new RemoteException(prefix + msg, true, e);
    }
    return new RemoteException(prefix + msg, false, e);
  }

  private static String where(Node node) {
    return "node " + node.name() + " (" + node.sshTarget() + ")";
  }

  private static String oneLine(String s) {
    return s.strip().replaceAll("\\s+", " ");
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
  }

  /** Options; every one has a safe default. */
  public static final class Builder {
    private Duration connectTimeout = Duration.ofSeconds(10);
    private boolean strictHostKeyChecking = true;
    private boolean reuseSessions = true;
    private boolean remoteTimeout = true;
    private Path defaultKnownHosts =
        Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");

    private Builder() {}

    /** TCP connect + SSH handshake + channel open bound (default 10 s). */
    public Builder connectTimeout(Duration connectTimeout) {
      if (connectTimeout.isNegative() || connectTimeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
      }
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * Whether host keys are verified against known_hosts (default true). False accepts any host
     * key; it is logged as a warning once per node and must be recorded by the caller.
     */
    public Builder strictHostKeyChecking(boolean strictHostKeyChecking) {
      this.strictHostKeyChecking = strictHostKeyChecking;
      return this;
    }

    /** Keep one session per node between commands (default true); false: one per command. */
    public Builder reuseSessions(boolean reuseSessions) {
      this.reuseSessions = reuseSessions;
      return this;
    }

    /**
     * Whether the node enforces each command's timeout too, with coreutils {@code timeout}
     * (default true): without it, a command this side gave up on may keep running on the node,
     * since OpenSSH refuses channel signals for root sessions.
     */
    public Builder remoteTimeout(boolean remoteTimeout) {
      this.remoteTimeout = remoteTimeout;
      return this;
    }

    /** known_hosts for nodes without their own (default {@code ~/.ssh/known_hosts}). */
    public Builder defaultKnownHosts(Path defaultKnownHosts) {
      this.defaultKnownHosts = Objects.requireNonNull(defaultKnownHosts, "defaultKnownHosts");
      return this;
    }

    public JschCommandRunner build() {
      return new JschCommandRunner(this);
    }
  }

  record SessionKey(String user, String address, int port, Path privateKey, Path knownHosts) {
    static SessionKey of(Node node, Path knownHosts) {
      return new SessionKey(node.user(), node.address(), node.sshPort(), node.privateKey(),
          knownHosts);
    }
  }

  private record Lease(Session session, boolean reused) {}

  private static final class Slot {
    Session session;
  }
}
