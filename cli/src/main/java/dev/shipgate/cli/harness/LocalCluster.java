package dev.shipgate.cli.harness;

import dev.shipgate.cli.io.FileTrees;
import dev.shipgate.producer.remote.Node;
import dev.shipgate.producer.remote.Shell;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real 3-node cluster on this machine, for the demo and the end-to-end tests: nodes a, b, c on
 * the loopback aliases 127.0.0.11–13, each with
 *
 * <ul>
 *   <li>its own OpenSSH daemon (Debian {@code /usr/sbin/sshd}, as root) on {@code <address>:<sshPort>},
 *       its own ed25519 host key, and an authorized_keys holding a client key the harness generates;
 *       a known_hosts file with every host key is written for strict host key checking;
 *   <li>its own OS user ({@code sg-<6 hex digits of the directory's hash>-a}...) that the target
 *       process runs as, so partitions can match packets by owner (on loopback every connection
 *       leaves from 127.0.0.1); the users are the cluster's own, so two clusters under different
 *       directories (a developer's and a test's) never share one, nor each other's partitions;
 *   <li>the target: an etcd member, or a Redis primary (a) / replica (b, c), started fully detached
 *       by {@link Node#startCommand()}, which also writes {@link Node#pidFile()}.
 * </ul>
 *
 * <p>Everything lives under one directory ({@code cluster.properties}, keys, known_hosts, and one
 * sub-directory per node with its sshd config, pid files, logs and data); outside it the harness
 * only touches {@code /run/sshd} and the users it creates. The state file lets another process
 * stop the cluster ({@link #down(Path)}): {@code shipgate cluster up} may exit while the cluster
 * keeps running.
 *
 * <p>{@link #close()} stops every process by PID (SIGCONT, SIGTERM, then SIGKILL), and only a PID
 * whose executable (and, for sshd, command line) is the one this harness started — PIDs get reused.
 * It deletes the members' data directories and the users the harness created (logs, keys and
 * the state file stay), and is idempotent.
 */
public final class LocalCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);

  public static final List<String> NAMES = List.of("a", "b", "c");
  public static final List<String> ADDRESSES = List.of("127.0.0.11", "127.0.0.12", "127.0.0.13");
  public static final int DEFAULT_SSH_PORT = 2222;
  /** The node users' prefix in state files written before it depended on the directory. */
  static final String LEGACY_USER_PREFIX = "sg-node-";

  static final String STATE_FILE = "cluster.properties";
  static final String SSHD = "/usr/sbin/sshd";
  static final String SSH_KEYGEN = "/usr/bin/ssh-keygen";
  static final String SETPRIV = "/usr/bin/setpriv";
  static final String CLIENT_KEY = "client_ed25519";

  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final Path dir;
  private final Target target;
  private final int sshPort;
  private final int clientPort;
  private final int peerPort;
  private final String userPrefix;
  private final List<Node> nodes;
  private final Set<String> createdUsers;
  private final List<UserIds> userIds;
  private volatile long startMillis;
  private boolean closed;

  private LocalCluster(Path dir, Target target, int sshPort, int clientPort, int peerPort,
      String userPrefix, List<Node> nodes, Set<String> createdUsers, List<UserIds> userIds) {
    this.userPrefix = userPrefix;
    this.userIds = new ArrayList<>(userIds);
    this.dir = dir;
    this.target = target;
    this.sshPort = sshPort;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
    this.nodes = List.copyOf(nodes);
    this.createdUsers = createdUsers;
  }

  // ---------------------------------------------------------------------------------------------
  // public API
  // ---------------------------------------------------------------------------------------------

  /**
   * Creates the cluster under {@code dir} and waits until every sshd accepts connections and the
   * target is healthy (etcd: {@code /health} true on every member; Redis: PING on every node and
   * both replicas' {@code master_link_status:up}).
   *
   * @param dir the harness directory (created; made traversable for the node users)
   * @param target what runs on the nodes
   * @param sshPort port every node's sshd listens on (each on its own address)
   * @return the running cluster; {@link #nodes()} index 0 is node a, the configured primary
   * @throws LocalClusterException when something is missing, a port is taken, or the cluster does
   *     not become healthy in time (whatever was started is stopped again)
   */
  public static LocalCluster start(Path dir, Target target, int sshPort) {
    return start(dir, target, sshPort, target.clientPort(), target.peerPort());
  }

  /**
   * {@link #start(Path, Target, int)} with the target on other ports than its defaults, so that
   * a second cluster (a test's) can run next to one on the default ports.
   *
   * @param clientPort the target's client port (etcd JSON gateway, Redis)
   * @param peerPort etcd's peer port; for Redis (replication uses the client port) it must equal
   *     {@code clientPort}
   */
  public static LocalCluster start(Path dir, Target target, int sshPort, int clientPort,
      int peerPort) {
    target.clusterTarget().checkPorts(clientPort, peerPort);
    long t0 = System.nanoTime();
    Path root = dir.toAbsolutePath().normalize();
    preflight(root, target, sshPort, clientPort, peerPort);
    Set<String> created = new LinkedHashSet<>(readState(root).map(p -> users(p)).orElse(List.of()));
    String prefix = userPrefix(root);
    LocalCluster cluster = null;
    try {
      mkdirs(root);
      chmod(root, "rwxr-xr-x");
      mkdirs(Path.of("/run/sshd"));
      List<UserIds> ids = new ArrayList<>();
      for (String name : NAMES) {
        ids.add(ensureUser(prefix + name, created));
        writeState(root, target, sshPort, clientPort, peerPort, prefix, created, false);
      }
      List<Node> nodes = new ArrayList<>();
      for (int i = 0; i < NAMES.size(); i++) {
        nodes.add(node(root, target, sshPort, clientPort, peerPort, prefix, i, ids.get(i)));
      }
      cluster = new LocalCluster(root, target, sshPort, clientPort, peerPort, prefix, nodes,
          created, ids);
      writeState(root, target, sshPort, clientPort, peerPort, prefix, created, false);
      cluster.prepareSsh();
      cluster.prepareTargets(ids);
      for (Node n : nodes) {
        cluster.startSshd(n);
      }
      for (Node n : nodes) {
        cluster.startTarget(n);
      }
      cluster.awaitReady(START_TIMEOUT);
      cluster.startMillis = (System.nanoTime() - t0) / 1_000_000;
      log.info("local {} cluster up in {} ms under {}: {}", target.name().toLowerCase(Locale.ROOT),
          cluster.startMillis, root, nodes.stream().map(Node::sshTarget).toList());
      return cluster;
    } catch (RuntimeException e) {
      log.warn("local cluster did not start, stopping what was started: {}", e.getMessage());
      try {
        if (cluster != null) {
          cluster.close();
        } else {
          deleteUsers(created);
          writeState(root, target, sshPort, clientPort, peerPort, prefix, created, true);
        }
      } catch (RuntimeException ce) {
        e.addSuppressed(ce);
      }
      throw e;
    }
  }

  /** {@link #start(Path, Target, int)} on {@link #DEFAULT_SSH_PORT}. */
  public static LocalCluster start(Path dir, Target target) {
    return start(dir, target, DEFAULT_SSH_PORT);
  }

  /**
   * The cluster described by {@code dir}'s state file (started by this or another process), for
   * {@link #close()} or checks; empty when {@code dir} holds no cluster.
   */
  public static Optional<LocalCluster> attach(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    Optional<Properties> state = readState(root);
    if (state.isEmpty()) {
      return Optional.empty();
    }
    Properties p = state.get();
    Target target = Target.parse(p.getProperty("target"));
    int sshPort = Integer.parseInt(p.getProperty("ssh.port"));
    // state files written before the ports were configurable hold the target's defaults
    int clientPort = Integer.parseInt(p.getProperty("client.port",
        String.valueOf(target.clientPort())));
    int peerPort = Integer.parseInt(p.getProperty("peer.port", String.valueOf(target.peerPort())));
    Set<String> created = new LinkedHashSet<>(users(p));
    // state files written before the users depended on the directory name them sg-node-*
    String prefix = p.getProperty("user.prefix", LEGACY_USER_PREFIX);
    List<Node> nodes = new ArrayList<>();
    List<UserIds> ids = new ArrayList<>();
    for (int i = 0; i < NAMES.size(); i++) {
      ids.add(lookupUser(prefix + NAMES.get(i)).orElse(null));
      nodes.add(node(root, target, sshPort, clientPort, peerPort, prefix, i, ids.get(i)));
    }
    LocalCluster c = new LocalCluster(root, target, sshPort, clientPort, peerPort, prefix, nodes,
        created, ids);
    c.closed = Boolean.parseBoolean(p.getProperty("closed", "false"));
    return Optional.of(c);
  }

  /** Stops the cluster under {@code dir} (see {@link #close()}); true when there was one. */
  public static boolean down(Path dir) {
    Optional<LocalCluster> c = attach(dir);
    if (c.isEmpty()) {
      return false;
    }
    c.get().closed = false; // a second down retries whatever the first could not stop
    c.get().close();
    return true;
  }

  /** The three nodes, a, b, c; index 0 is the configured primary. */
  public List<Node> nodes() {
    return nodes;
  }

  /** The node named {@code name} (a, b or c). */
  public Node node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + name));
  }

  /** Node a: the etcd member the campaign calls primary, or the Redis primary. */
  public Node primary() {
    return nodes.get(0);
  }

  public Path dir() {
    return dir;
  }

  /**
   * The target's version as its binary reports it ({@code etcd --version}: "etcd Version: 3.4.23";
   * {@code redis-server --version}: "Redis server v=7.0.15 ..."), or empty when it cannot be read.
   */
  public Optional<String> targetVersion() {
    ClusterTarget t = target.clusterTarget();
    CommandOutput r = run(List.of(t.binary(), "--version"), COMMAND_TIMEOUT);
    return r.exit() == 0 ? t.parseVersion(r.output()) : Optional.empty();
  }

  public Target target() {
    return target;
  }

  public int sshPort() {
    return sshPort;
  }

  /** The target's client port on every node. */
  public int clientPort() {
    return clientPort;
  }

  /** The target's peer port on every node (Redis: the client port). */
  public int peerPort() {
    return peerPort;
  }

  /** Milliseconds {@link #start} took from its call until the cluster was healthy (0 if attached). */
  public long startMillis() {
    return startMillis;
  }

  /** The users this harness created (and {@link #close()} deletes); pre-existing ones are kept. */
  public Set<String> createdUsers() {
    return Set.copyOf(createdUsers);
  }

  /** The generated client key every node's sshd accepts for root. */
  public Path clientKey() {
    return dir.resolve(CLIENT_KEY);
  }

  /** The known_hosts file holding every node's host key. */
  public Path knownHosts() {
    return dir.resolve("known_hosts");
  }

  /** The target's log on {@code node}. */
  public Path targetLog(Node node) {
    return nodeDir(dir, node.name()).resolve("target.log");
  }

  /** The PID in {@code node}'s pid file when that process is alive and is this harness's target. */
  public OptionalLong targetPid(Node node) {
    OptionalLong pid = Processes.readPid(Path.of(node.pidFile()));
    if (pid.isPresent() && Processes.alive(pid.getAsLong()) && isOurTarget(node, pid.getAsLong())) {
      return pid;
    }
    return OptionalLong.empty();
  }

  /**
   * Whether {@code node}'s target answers: etcd {@code GET /health} is {"health":"true"}; Redis
   * answers PING and, on a replica, reports {@code master_link_status:up}.
   */
  public boolean healthy(Node node) {
    return target.clusterTarget().healthy(node);
  }

  /** Waits until every node's target is {@link #healthy}; throws when {@code timeout} passes. */
  public void awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> sick = nodes.stream().filter(n -> !healthy(n)).map(Node::name).toList();
      if (sick.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new LocalClusterException(target + " not healthy on " + sick + " after "
            + timeout.toMillis() + " ms; logs: " + sick.stream()
                .map(s -> tail(targetLog(node(s)), 5)).collect(Collectors.joining(" | ")));
      }
      sleep(50);
    }
  }

  /**
   * Deletes the iptables OUTPUT rules commented {@code shipgate:<campaignId>} (every
   * {@code shipgate:} rule when {@code campaignId} is null) that mention a node address. For a
   * test or a demo that stopped half-way; the fault workers clean up their own rules.
   *
   * @return the deleted rules as {@code iptables -S} printed them
   */
  public List<String> flushShipgateRules(String campaignId) {
    CommandOutput listed = run(List.of("iptables", "-S", "OUTPUT"), COMMAND_TIMEOUT);
    if (listed.exit() != 0) {
      throw new LocalClusterException("iptables -S OUTPUT failed: " + listed.output());
    }
    List<String> deleted = new ArrayList<>();
    for (String rule : listed.output().split("\n")) {
      if (!rule.startsWith("-A OUTPUT ") || !matchesCampaign(rule, campaignId)
          || ADDRESSES.stream().noneMatch(a -> rule.contains(" " + a + "/32") || rule.contains(" " + a + " "))) {
        continue;
      }
      String spec = "-D" + rule.substring(2);
      CommandOutput d = run(List.of("/bin/sh", "-c", "iptables " + spec), COMMAND_TIMEOUT);
      if (d.exit() != 0) {
        throw new LocalClusterException("could not delete iptables rule '" + rule + "': " + d.output());
      }
      deleted.add(rule);
    }
    return deleted;
  }

  static boolean matchesCampaign(String rule, String campaignId) {
    String tag = campaignId == null ? "shipgate:" : "shipgate:" + campaignId;
    for (String token : rule.split("\\s+")) {
      String t = token.replace("\"", "");
      if (campaignId == null ? t.startsWith(tag) : t.equals(tag)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Stops every process this harness started, by PID: targets first, then the sshds. SIGCONT
   * (a test may have left one stopped), SIGTERM, up to {@code 5 s} grace, SIGKILL. Then deletes the
   * users the harness created. Idempotent; iptables rules are left to
   * {@link #flushShipgateRules(String)}.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    List<Long> pids = new ArrayList<>();
    for (Node n : nodes) {
      targetPid(n).ifPresent(pids::add);
    }
    if (target.clusterTarget().stopsOneAtATime()) {
      for (long pid : pids) {
        Processes.stop(List.of(pid), STOP_GRACE);
      }
    } else {
      Processes.stop(pids, STOP_GRACE);
    }
    List<Long> sshds = new ArrayList<>();
    for (Node n : nodes) {
      sshdPid(n).ifPresent(sshds::add);
    }
    Processes.stop(sshds, STOP_GRACE);
    List<Long> left = new ArrayList<>();
    for (Node n : nodes) {
      targetPid(n).ifPresent(left::add);
      sshdPid(n).ifPresent(left::add);
    }
    if (!left.isEmpty()) {
      throw new LocalClusterException("processes still alive after SIGKILL: " + left);
    }
    // the members' data (etcd preallocates 62 MB of WAL each) goes with them; the logs, keys and
    // state file stay for the record
    for (Node n : nodes) {
      deleteTree(nodeDir(dir, n.name()).resolve("data"));
    }
    deleteUsers(createdUsers);
    createdUsers.clear();
    writeState(dir, target, sshPort, clientPort, peerPort, userPrefix, createdUsers, true);
    closed = true;
    log.info("local cluster under {} stopped", dir);
  }

  /**
   * {@code up <dir> [etcd|redis] [sshPort]} starts a cluster and leaves it running;
   * {@code down <dir>} stops it.
   */
  public static void main(String[] args) {
    if (args.length < 2 || !(args[0].equals("up") || args[0].equals("down"))) {
      System.err.println("usage: LocalCluster up <dir> [etcd|redis] [sshPort] | down <dir>");
      System.exit(2);
    }
    Path dir = Path.of(args[1]);
    if (args[0].equals("down")) {
      System.out.println(down(dir) ? "stopped the cluster under " + dir : "no cluster under " + dir);
      return;
    }
    Target t = args.length > 2 ? Target.parse(args[2]) : Target.ETCD;
    int port = args.length > 3 ? Integer.parseInt(args[3]) : DEFAULT_SSH_PORT;
    LocalCluster c = start(dir, t, port);
    System.out.println(c.describe());
  }

  /** A few lines for a human: nodes, SSH, target ports, users, time to start. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append(target.name().toLowerCase(Locale.ROOT)).append(" cluster under ").append(dir)
        .append(startMillis > 0 ? " (up in " + startMillis + " ms)" : "").append('\n');
    for (Node n : nodes) {
      b.append(String.format("  %s  ssh %s  client %s:%d  peer %d  pid %s  user %s%n", n.name(),
          n.sshTarget(), n.address(), n.clientPort(), n.peerPort(),
          targetPid(n).isPresent() ? String.valueOf(targetPid(n).getAsLong()) : "-",
          n.processUser()));
    }
    b.append("  key ").append(clientKey()).append("  known_hosts ").append(knownHosts());
    return b.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // layout
  // ---------------------------------------------------------------------------------------------

  static Path nodeDir(Path root, String name) {
    return root.resolve(name);
  }

  private static Node node(Path root, Target target, int sshPort, int clientPort, int peerPort,
      String userPrefix, int i, UserIds ids) {
    String name = NAMES.get(i);
    Path nd = nodeDir(root, name);
    String pidFile = nd.resolve("target.pid").toString();
    String user = userPrefix + name;
    String start = ids == null ? null : startCommand(root, target, clientPort, peerPort, i, ids);
    return new Node(name, i, ADDRESSES.get(i), sshPort, "root", root.resolve(CLIENT_KEY),
        root.resolve("known_hosts"), clientPort, peerPort, pidFile, start, user);
  }

  /** {@link #startCommand(Path, Target, int, int, int, UserIds)} on the target's default ports. */
  static String startCommand(Path root, Target target, int i, UserIds ids) {
    return startCommand(root, target, target.clientPort(), target.peerPort(), i, ids);
  }

  /** The shell command (run by root's shell) that starts node {@code i}'s target detached. */
  static String startCommand(Path root, Target target, int clientPort, int peerPort, int i,
      UserIds ids) {
    Path nd = nodeDir(root, NAMES.get(i));
    List<String> argv = target.clusterTarget().startArgv(NAMES, ADDRESSES, i, nd.resolve("data"),
        clientPort, peerPort);
    // setpriv execs (runuser forks and would leave a root parent as the PID); setsid in a
    // non-interactive shell's background job is not a group leader, so it execs too: $! is the
    // target's own PID
    return "setsid " + SETPRIV + " --reuid=" + ids.uid() + " --regid=" + ids.gid()
        + " --clear-groups " + argv.stream().map(Shell::quote).collect(Collectors.joining(" "))
        + " </dev/null >>" + Shell.quote(nd.resolve("target.log").toString()) + " 2>&1 & echo $! >"
        + Shell.quote(nd.resolve("target.pid").toString());
  }

  /**
   * The node's sshd configuration.
   *
   * <p>{@code SetEnv SHLVL=1}: sshd runs every command as {@code bash -c}, and Debian's bash then
   * sources root's {@code ~/.bashrc} (it was "run by sshd") unless the shell is nested. A heavy
   * bashrc costs every command: measured here, root's (it runs {@code pyenv init}) took about
   * 200 ms of each command's 220 ms; with the variable set, bash counts itself nested (level 2)
   * and skips it, 20 ms per command.
   */
  static String sshdConfig(Path root, String name, String address, int sshPort) {
    Path nd = nodeDir(root, name);
    return String.join("\n",
        "# sshd of local cluster node " + name + " (shipgate harness)",
        "Port " + sshPort,
        "ListenAddress " + address,
        "HostKey " + nd.resolve("ssh_host_ed25519_key"),
        "AuthorizedKeysFile " + root.resolve("authorized_keys"),
        "PidFile " + nd.resolve("sshd.pid"),
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "X11Forwarding no",
        "PrintMotd no",
        "MaxStartups 100",
        "SetEnv SHLVL=1",
        "") ;
  }

  // ---------------------------------------------------------------------------------------------
  // start
  // ---------------------------------------------------------------------------------------------

  /** The executables {@link #start} needs for {@code target} (checked before it starts anything). */
  public static List<String> executables(Target target) {
    return List.of(SSHD, SSH_KEYGEN, SETPRIV, target.clusterTarget().binary());
  }

  private static void preflight(Path root, Target target, int sshPort, int clientPort,
      int peerPort) {
    List<String> missing = new ArrayList<>();
    for (String bin : executables(target)) {
      if (!Files.isExecutable(Path.of(bin))) {
        missing.add(bin);
      }
    }
    if (!missing.isEmpty()) {
      throw new LocalClusterException("missing " + missing + ": apt-get install -y"
          + " --no-install-recommends openssh-server etcd-server etcd-client redis-server");
    }
    Optional<LocalCluster> previous = attach(root);
    if (previous.isPresent()) {
      List<String> alive = new ArrayList<>();
      for (Node n : previous.get().nodes) {
        previous.get().targetPid(n).ifPresent(p -> alive.add(n.name() + " target pid " + p));
        previous.get().sshdPid(n).ifPresent(p -> alive.add(n.name() + " sshd pid " + p));
      }
      if (!alive.isEmpty()) {
        throw new LocalClusterException("a local cluster is already running under " + root + " ("
            + String.join(", ", alive) + "); stop it first (down)");
      }
    }
    List<String> taken = new ArrayList<>();
    for (String a : ADDRESSES) {
      for (int port : new LinkedHashSet<>(List.of(sshPort, clientPort, peerPort))) {
        if (portOpen(a, port)) {
          taken.add(a + ":" + port);
        }
      }
    }
    if (!taken.isEmpty()) {
      throw new LocalClusterException("ports already in use: " + taken
          + " (another local cluster? stop it with down on its dir, or choose another ssh port)");
    }
  }

  private void prepareSsh() {
    Path key = clientKey();
    deleteQuietly(key);
    deleteQuietly(Path.of(key + ".pub"));
    keygen(key, "shipgate-harness-client");
    StringBuilder known = new StringBuilder();
    for (Node n : nodes) {
      Path nd = nodeDir(dir, n.name());
      mkdirs(nd);
      chmod(nd, "rwxr-xr-x");
      Path hostKey = nd.resolve("ssh_host_ed25519_key");
      deleteQuietly(hostKey);
      deleteQuietly(Path.of(hostKey + ".pub"));
      keygen(hostKey, "shipgate-harness-" + n.name());
      String[] pub = readString(Path.of(hostKey + ".pub")).trim().split("\\s+");
      String entry = pub[0] + " " + pub[1];
      // JSch matches a plain address for any port; OpenSSH wants [address]:port off port 22
      known.append(n.address()).append(' ').append(entry).append('\n');
      known.append('[').append(n.address()).append("]:").append(n.sshPort()).append(' ')
          .append(entry).append('\n');
      Path cfg = nd.resolve("sshd_config");
      writeString(cfg, sshdConfig(dir, n.name(), n.address(), n.sshPort()));
      CommandOutput check = run(List.of(SSHD, "-t", "-f", cfg.toString()), COMMAND_TIMEOUT);
      if (check.exit() != 0) {
        throw new LocalClusterException("sshd -t -f " + cfg + " rejected the config: "
            + check.output());
      }
    }
    writeString(dir.resolve("authorized_keys"), readString(Path.of(key + ".pub")));
    writeString(knownHosts(), known.toString());
  }

  private void prepareTargets(List<UserIds> ids) {
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      Path nd = nodeDir(dir, n.name());
      Path data = nd.resolve("data");
      deleteTree(data);
      mkdirs(data);
      run(List.of("chown", ids.get(i).uid() + ":" + ids.get(i).gid(), data.toString()),
          COMMAND_TIMEOUT);
      chmod(data, "rwx------");
      deleteQuietly(nd.resolve("target.pid"));
      // every parent of the data dir must be traversable by the node's user
      CommandOutput probe = run(List.of(SETPRIV, "--reuid=" + ids.get(i).uid(),
          "--regid=" + ids.get(i).gid(), "--clear-groups", "test", "-w", data.toString()),
          COMMAND_TIMEOUT);
      if (probe.exit() != 0) {
        throw new LocalClusterException("user " + n.processUser() + " cannot write " + data
            + ": every parent directory of " + dir + " must be world-executable (o+x)");
      }
    }
  }

  private void startSshd(Node n) {
    Path nd = nodeDir(dir, n.name());
    deleteQuietly(nd.resolve("sshd.pid"));
    // sshd daemonises itself and writes PidFile
    CommandOutput r = run(List.of(SSHD, "-f", nd.resolve("sshd_config").toString(),
        "-E", nd.resolve("sshd.log").toString()), COMMAND_TIMEOUT);
    if (r.exit() != 0) {
      throw new LocalClusterException("sshd of node " + n.name() + " did not start: " + r.output()
          + " " + tail(nd.resolve("sshd.log"), 5));
    }
  }

  private void startTarget(Node n) {
    CommandOutput r = run(List.of("/bin/bash", "-c", n.startCommand()), COMMAND_TIMEOUT);
    if (r.exit() != 0) {
      throw new LocalClusterException(target + " on node " + n.name() + " did not start: "
          + r.output());
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> waiting;
    while (true) {
      waiting = new ArrayList<>();
      for (Node n : nodes) {
        if (sshdPid(n).isEmpty() || !sshBanner(n)) {
          waiting.add(n.name() + " sshd");
        }
        OptionalLong pid = targetPid(n);
        if (pid.isEmpty()) {
          Path pf = Path.of(n.pidFile());
          OptionalLong recorded = Files.exists(pf) ? Processes.readPid(pf) : OptionalLong.empty();
          // alive but not the target yet: setsid and setpriv are still exec'ing into it (seen
          // once in CI as "REDIS on node a exited: " with an empty log); the deadline catches a
          // process that never becomes it
          if (recorded.isPresent() && !Processes.alive(recorded.getAsLong())) {
            throw new LocalClusterException(target + " on node " + n.name() + " exited: "
                + tail(targetLog(n), 10));
          }
          waiting.add(n.name() + " " + target.name().toLowerCase(Locale.ROOT) + " pid");
        } else if (!healthy(n)) {
          waiting.add(n.name() + " " + target.name().toLowerCase(Locale.ROOT) + " health");
        }
      }
      if (waiting.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new LocalClusterException("local cluster not ready after " + timeout.toMillis()
            + " ms, waiting for " + waiting + "; logs: " + nodes.stream()
                .map(n -> n.name() + ": " + tail(targetLog(n), 5)).collect(Collectors.joining(" | ")));
      }
      sleep(50);
    }
  }

  private boolean sshBanner(Node n) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(n.address(), n.sshPort()), 500);
      s.setSoTimeout(1000);
      byte[] b = s.getInputStream().readNBytes(4);
      return new String(b, StandardCharsets.US_ASCII).equals("SSH-");
    } catch (IOException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // processes
  // ---------------------------------------------------------------------------------------------

  private OptionalLong sshdPid(Node n) {
    Path nd = nodeDir(dir, n.name());
    OptionalLong pid = Processes.readPid(nd.resolve("sshd.pid"));
    if (pid.isPresent() && Processes.alive(pid.getAsLong())
        && Processes.realPath(SSHD).equals(Processes.exe(pid.getAsLong()))
        && Processes.cmdline(pid.getAsLong()).contains(nd.resolve("sshd_config").toString())) {
      return pid;
    }
    return OptionalLong.empty();
  }

  private boolean isOurTarget(Node n, long pid) {
    // Debian's redis-server is a symlink to redis-check-rdb: compare real paths
    if (!Processes.realPath(target.clusterTarget().binary()).equals(Processes.exe(pid))) {
      return false;
    }
    UserIds ids = userIds.get(n.index());
    return ids != null && ids.uid() == Processes.uid(pid);
  }

  // ---------------------------------------------------------------------------------------------
  // users
  // ---------------------------------------------------------------------------------------------

  /**
   * The node users' prefix for a cluster under {@code root}: {@code sg-} and the first 6 hex digits
   * of the SHA-256 of the absolute path, so each directory has its own users ({@code sg-1a2b3c-a},
   * 11 characters, well inside useradd's 32).
   */
  static String userPrefix(Path root) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256")
          .digest(root.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
      return "sg-" + HexFormat.of().formatHex(h, 0, 3) + "-";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  record UserIds(long uid, long gid) {}

  private static Optional<UserIds> lookupUser(String user) {
    CommandOutput u = run(List.of("id", "-u", user), COMMAND_TIMEOUT);
    CommandOutput g = run(List.of("id", "-g", user), COMMAND_TIMEOUT);
    if (u.exit() != 0 || g.exit() != 0) {
      return Optional.empty();
    }
    return Optional.of(new UserIds(Long.parseLong(u.output().trim()), Long.parseLong(g.output().trim())));
  }

  private static UserIds ensureUser(String user, Set<String> created) {
    Optional<UserIds> ids = lookupUser(user);
    if (ids.isPresent()) {
      return ids.get();
    }
    CommandOutput r = run(List.of("useradd", "--system", "--no-create-home", "--shell",
        "/usr/sbin/nologin", user), COMMAND_TIMEOUT);
    if (r.exit() != 0) {
      throw new LocalClusterException("useradd " + user + " failed: " + r.output());
    }
    created.add(user);
    return lookupUser(user).orElseThrow(
        () -> new LocalClusterException("user " + user + " missing right after useradd"));
  }

  private static void deleteUsers(Set<String> users) {
    List<String> failed = new ArrayList<>();
    for (String user : users) {
      if (lookupUser(user).isEmpty()) {
        continue;
      }
      // a just-killed process of the user can linger as a zombie and make userdel refuse
      CommandOutput r = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        r = run(List.of("userdel", user), COMMAND_TIMEOUT);
        if (r.exit() == 0 || lookupUser(user).isEmpty()) {
          break;
        }
        sleep(200);
      }
      if (lookupUser(user).isPresent()) {
        failed.add(user + " (" + (r == null ? "" : r.output().trim()) + ")");
      }
    }
    if (!failed.isEmpty()) {
      throw new LocalClusterException("could not delete users " + failed);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // state file
  // ---------------------------------------------------------------------------------------------

  private static Optional<Properties> readState(Path root) {
    Path f = root.resolve(STATE_FILE);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(f)) {
      p.load(in);
      return Optional.of(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> users(Properties p) {
    String s = p.getProperty("created.users", "").trim();
    return s.isEmpty() ? List.of() : List.of(s.split(","));
  }

  private static void writeState(Path root, Target target, int sshPort, int clientPort,
      int peerPort, String userPrefix, Set<String> created, boolean closed) {
    Properties p = new Properties();
    p.setProperty("target", target.name().toLowerCase(Locale.ROOT));
    p.setProperty("ssh.port", String.valueOf(sshPort));
    p.setProperty("client.port", String.valueOf(clientPort));
    p.setProperty("peer.port", String.valueOf(peerPort));
    p.setProperty("user.prefix", userPrefix);
    p.setProperty("created.users", String.join(",", created));
    p.setProperty("closed", String.valueOf(closed));
    Path tmp = root.resolve(STATE_FILE + ".tmp");
    try {
      mkdirs(root);
      try (OutputStream out = Files.newOutputStream(tmp)) {
        p.store(out, "shipgate local cluster (LocalCluster); stop it with: down " + root);
      }
      Files.move(tmp, root.resolve(STATE_FILE), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // commands and files
  // ---------------------------------------------------------------------------------------------

  record CommandOutput(int exit, String output) {}

  /** Runs a local command, output and errors to a temp file (a daemon keeping a pipe open cannot hang us). */
  static CommandOutput run(List<String> argv, Duration timeout) {
    Path out = null;
    try {
      out = Files.createTempFile("shipgate-harness", ".out");
      Process p = new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        log.info("RUN: {} RESULT: timed out after {} ms", argv, timeout.toMillis());
        return new CommandOutput(-1, "timed out after " + timeout.toMillis() + " ms");
      }
      String text = Files.readString(out);
      log.info("RUN: {} RESULT: exit={} output={}", argv, p.exitValue(), text.strip());
      return new CommandOutput(p.exitValue(), text);
    } catch (IOException e) {
      log.info("RUN: {} RESULT: {}", argv, e.toString());
      return new CommandOutput(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalClusterException("interrupted running " + argv, e);
    } finally {
      if (out != null) {
        deleteQuietly(out);
      }
    }
  }

  private static void keygen(Path key, String comment) {
    CommandOutput r = run(List.of(SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", comment,
        "-f", key.toString()), COMMAND_TIMEOUT);
    if (r.exit() != 0) {
      throw new LocalClusterException("ssh-keygen " + key + " failed: " + r.output());
    }
  }

  private static boolean portOpen(String address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 300);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String tail(Path f, int lines) {
    try {
      return String.join("\n", Processes.tail(f, lines));
    } catch (IOException | RuntimeException e) {
      return "(no " + f + ")";
    }
  }

  private static void mkdirs(Path p) {
    try {
      Files.createDirectories(p);
    } catch (IOException e) {
      throw new LocalClusterException("cannot create " + p + ": " + e, e);
    }
  }

  private static void chmod(Path p, String perms) {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    } catch (IOException e) {
      throw new LocalClusterException("cannot chmod " + p + ": " + e, e);
    }
  }

  private static String readString(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeString(Path p, String s) {
    try {
      Files.writeString(p, s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.debug("could not delete {}: {}", p, e.toString());
    }
  }

  private static void deleteTree(Path p) {
    try {
      FileTrees.delete(p);
    } catch (IOException e) {
      throw new LocalClusterException("cannot delete " + p + ": " + e, e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalClusterException("interrupted", e);
    }
  }
}
