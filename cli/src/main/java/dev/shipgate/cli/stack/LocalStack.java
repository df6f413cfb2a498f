package dev.shipgate.cli.stack;

import dev.shipgate.cli.harness.Processes;
import dev.shipgate.cli.io.FileTrees;
import dev.shipgate.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stack: a real single-node KRaft Kafka broker and an Apicurio registry (Confluent API),
 * each a separate, fully detached JVM process whose PID is kept in a file under the data dir. The
 * CLI that started them may exit; {@link #down()} stops them again by PID.
 *
 * <p>Each process carries a marker system property {@code -Dshipgate.stack.service=<name>@<dataDir>}
 * as its first JVM argument, so a PID is only treated as ours when its command line has the marker
 * (PIDs get reused) and a process whose PID file was lost can still be found and stopped.
 *
 * <p>Nothing is static: tests build a {@link StackConfig} with their own ports and data dir, see
 * {@link #startForTests(Path, int, int, int)}.
 */
public final class LocalStack {
  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

  public static final String KAFKA = "kafka";
  public static final String REGISTRY = "registry";
  private static final List<String> SERVICES = List.of(KAFKA, REGISTRY);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  private final StackConfig config;

  public LocalStack(StackConfig config) {
    this.config = config;
  }

  /** The stack on the default ports and data dir (see {@link StackConfig#defaults()}). */
  public static LocalStack withDefaults() {
    return new LocalStack(StackConfig.defaults());
  }

  public StackConfig config() {
    return config;
  }

  // ---------------------------------------------------------------------------------------------
  // up
  // ---------------------------------------------------------------------------------------------

  /**
   * Starts whatever of the stack is not running, waits until it is ready and creates the missing
   * topics of {@link Topics#all()}. Idempotent: a running stack is left alone ("already running").
   *
   * @throws StackException when an artifact is missing, a port is taken by a process that is not
   *     ours, or a service does not become ready in time (whatever this call started is stopped)
   */
  public StackReport up() {
    long t0 = System.nanoTime();
    checkArtifacts();

    Map<String, ProcessHandle> running = new LinkedHashMap<>();
    for (String name : SERVICES) {
      ours(name).ifPresent(h -> running.put(name, h));
    }
    // refuse before starting anything when a port we need is held by someone else
    for (String name : SERVICES) {
      if (!running.containsKey(name)) {
        for (int port : ports(name)) {
          if (!bindable(port)) {
            throw new StackException("port " + config.host() + ":" + port + " (" + name
                + ") is already in use by a process that is not this stack's (this stack's data dir is "
                + config.dataDir() + "; no live process in " + pidFile(name)
                + "). Stop it, or use other ports." + ephemeralHint(port));
          }
        }
      }
    }

    try {
      Files.createDirectories(config.logDir());
    } catch (IOException e) {
      throw new StackException("cannot create data dir " + config.dataDir() + ": " + e, e);
    }

    Map<String, Started> started = new LinkedHashMap<>();
    try {
      for (String name : SERVICES) {
        if (running.containsKey(name)) {
          continue;
        }
        deleteQuietly(pidFile(name));
        started.put(name, KAFKA.equals(name) ? startKafka() : startRegistry());
      }

      // wait for all services in parallel, so each one's ready time is its own
      Map<String, CompletableFuture<Long>> waits = new LinkedHashMap<>();
      for (String name : SERVICES) {
        ProcessHandle h = started.containsKey(name) ? started.get(name).handle : running.get(name);
        long spawnNanos = started.containsKey(name) ? started.get(name).spawnNanos : System.nanoTime();
        waits.put(name, CompletableFuture.supplyAsync(() -> awaitReady(name, h, spawnNanos)));
      }
      Map<String, Long> readyMillis = new HashMap<>();
      StackException failure = null;
      for (var e : waits.entrySet()) {
        try {
          readyMillis.put(e.getKey(), e.getValue().get());
        } catch (ExecutionException ex) {
          Throwable c = ex.getCause();
          StackException se = c instanceof StackException s ? s
              : new StackException(e.getKey() + " did not become ready: " + c, c);
          if (failure == null) {
            failure = se;
          } else {
            failure.addSuppressed(se);
          }
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new StackException("interrupted while waiting for " + e.getKey(), ex);
        }
      }
      if (failure != null) {
        throw failure;
      }

      long tt = System.nanoTime();
      List<String> created = new ArrayList<>();
      List<String> existing = new ArrayList<>();
      createTopics(created, existing);
      long topicsMillis = (System.nanoTime() - tt) / 1_000_000;

      List<StackReport.Service> services = new ArrayList<>();
      for (String name : SERVICES) {
        boolean now = started.containsKey(name);
        long pid = now ? started.get(name).handle.pid() : running.get(name).pid();
        services.add(new StackReport.Service(name, pid, address(name), now,
            now ? readyMillis.get(name) : 0, outLog(name)));
      }
      StackReport report = new StackReport(config.dataDir(), services, created, existing,
          topicsMillis, (System.nanoTime() - t0) / 1_000_000);
      log.info("{}", report);
      return report;
    } catch (RuntimeException e) {
      // leave nothing half-started behind: stop exactly what this call started
      for (var s : started.entrySet()) {
        log.warn("stopping {} (pid {}) after a failed start", s.getKey(), s.getValue().handle.pid());
        Processes.stop(List.of(s.getValue().handle.pid()), STOP_GRACE);
        deleteQuietly(pidFile(s.getKey()));
      }
      throw e;
    }
  }

  private record Started(ProcessHandle handle, long spawnNanos) {}

  private void checkArtifacts() {
    List<String> missing = new ArrayList<>();
    for (Path p : List.of(config.brokerClasspathFile(), config.brokerLog4jConfig(),
        config.registryJar())) {
      if (!Files.isRegularFile(p)) {
        missing.add(p.toString());
      }
    }
    if (!missing.isEmpty()) {
      throw new StackException("local stack artifacts missing: " + String.join(", ", missing)
          + ". Build them first: (cd " + config.home()
          + " && mvn -q -pl broker,registry package), or point -Dshipgate.home / $SHIPGATE_HOME"
          + " at the repo root.");
    }
  }

  private Started startKafka() {
    Path kdir = config.kafkaDir();
    Path props = kdir.resolve("server.properties");
    Path logDirs = kdir.resolve("data");
    try {
      Files.createDirectories(kdir);
      String content = serverProperties(logDirs);
      if (Files.exists(logDirs.resolve("meta.properties")) && Files.exists(props)) {
        String old = Files.readString(props);
        if (!old.contains("controller.quorum.bootstrap.servers=" + config.controllerAddress()
            + "\n")) {
          throw new StackException("the Kafka data in " + logDirs + " was formatted for another"
              + " controller address than " + config.controllerAddress() + " (see " + props
              + "). Use the same ports, or reset the stack (down + delete " + config.dataDir()
              + ").");
        }
      }
      Files.writeString(props, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String classpath;
    try {
      classpath = Files.readString(config.brokerClasspathFile()).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    if (!Files.exists(logDirs.resolve("meta.properties"))) {
      String clusterId = Uuid.randomUuid().toString();
      List<String> format = new ArrayList<>(List.of(javaBin(),
          "-Dlog4j2.configurationFile=" + config.brokerLog4jConfig(),
          "-Dkafka.logs.dir=" + config.logDir(), "-cp", classpath, "kafka.tools.StorageTool",
          "format", "--standalone", "-t", clusterId, "-c", props.toString()));
      Path formatLog = config.logDir().resolve("kafka-format.log");
      try {
        Process p = new ProcessBuilder(format)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectErrorStream(true).redirectOutput(formatLog.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new StackException("formatting Kafka storage timed out; see " + formatLog);
        }
        if (p.exitValue() != 0) {
          throw new StackException("formatting Kafka storage failed (exit " + p.exitValue()
              + "); see " + formatLog + "\n" + tail(formatLog, 20));
        }
        Files.writeString(kdir.resolve("cluster.id"), clusterId + "\n");
        log.debug("formatted {} with cluster id {}", logDirs, clusterId);
      } catch (IOException e) {
        throw new StackException("cannot run kafka.tools.StorageTool: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StackException("interrupted while formatting Kafka storage", e);
      }
    }

    List<String> cmd = new ArrayList<>(List.of(javaBin(), marker(KAFKA),
        "-Xmx" + config.brokerHeap(), "-Xms256m",
        "-Dlog4j2.configurationFile=" + config.brokerLog4jConfig(),
        "-Dkafka.logs.dir=" + config.logDir(), "-Djava.awt.headless=true",
        "-cp", classpath, "kafka.Kafka", props.toString()));
    return spawn(KAFKA, cmd, Map.of());
  }

  private String serverProperties(Path logDirs) {
    String h = config.host();
    return String.join("\n",
        "# written by shipgate's LocalStack; single combined KRaft node on loopback",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.bootstrap.servers=" + config.controllerAddress(),
        "listeners=PLAINTEXT://" + h + ":" + config.kafkaPort() + ",CONTROLLER://" + h + ":"
            + config.controllerPort(),
        "advertised.listeners=PLAINTEXT://" + h + ":" + config.kafkaPort(),
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "log.dirs=" + logDirs,
        "");
  }

  private Started startRegistry() {
    try {
      Files.createDirectories(config.registryDir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> cmd = List.of(javaBin(), marker(REGISTRY), "-Xmx" + config.registryHeap(),
        "-Dquarkus.http.host=" + config.host(),
        "-Dquarkus.banner.enabled=false",
        "-jar", config.registryJar().toString());
    Map<String, String> env = Map.of(
        // the app's application.properties reads %prod.quarkus.http.port=${HTTP_PORT:8080}; a
        // -Dquarkus.http.port would lose to that profile key, the env var does not
        "HTTP_PORT", String.valueOf(config.registryPort()),
        "LOG_LEVEL", "WARN",
        "REGISTRY_LOG_LEVEL", "WARN",
        // H2 in a file under the data dir instead of in memory: schema ids survive a restart,
        // so records already in Kafka stay decodable
        "REGISTRY_DATASOURCE_URL",
        "jdbc:h2:file:" + config.registryDir().resolve("registry") + ";DB_CLOSE_ON_EXIT=FALSE");
    return spawn(REGISTRY, cmd, env);
  }

  private Started spawn(String name, List<String> command, Map<String, String> env) {
    List<String> cmd = new ArrayList<>();
    // setsid: own session and process group, so a Ctrl-C or hangup of the CLI's terminal does not
    // reach the services. setsid execs in place (the child is not a group leader): same PID.
    Path setsid = Path.of("/usr/bin/setsid");
    if (Files.isExecutable(setsid)) {
      cmd.add(setsid.toString());
    }
    cmd.addAll(command);
    Path out = outLog(name);
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .directory(config.dataDir().toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
    pb.environment().putAll(env);
    try {
      Files.writeString(out, "---- " + java.time.Instant.now() + " starting " + name + "\n",
          StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      long spawn = System.nanoTime();
      Process p = pb.start();
      ProcessHandle h = p.toHandle();
      Files.writeString(pidFile(name), h.pid() + "\n");
      log.debug("started {} pid {}: {}", name, h.pid(), String.join(" ", command));
      return new Started(h, spawn);
    } catch (IOException e) {
      throw new StackException("cannot start " + name + ": " + e, e);
    }
  }

  private long awaitReady(String name, ProcessHandle h, long spawnNanos) {
    long deadline = spawnNanos + config.startTimeout().toNanos();
    int port = KAFKA.equals(name) ? config.kafkaPort() : config.registryPort();
    String lastError = "port " + port + " never opened";
    while (System.nanoTime() < deadline) {
      if (!Processes.alive(h.pid())) {
        throw new StackException(name + " (pid " + h.pid() + ") exited during start-up; see "
            + logHint(name) + "\n" + logTails(name));
      }
      if (portOpen(port)) {
        try {
          if (KAFKA.equals(name)) {
            kafkaReady(deadline);
          } else {
            registryReady();
          }
          return (System.nanoTime() - spawnNanos) / 1_000_000;
        } catch (Exception e) {
          lastError = e.toString();
          log.debug("{} not ready yet: {}", name, e.toString());
        }
      }
      sleep(100);
    }
    throw new StackException(name + " (pid " + h.pid() + ") did not become ready within "
        + config.startTimeout().toMillis() + " ms (" + lastError + "); see " + logHint(name) + "\n"
        + logTails(name));
  }

  /** describeCluster answers, and the transaction coordinator can init a transactional producer. */
  private void kafkaReady(long deadlineNanos) throws Exception {
    int remainingMs = (int) Math.max(1000, (deadlineNanos - System.nanoTime()) / 1_000_000);
    try (Admin admin = Admin.create(adminProps(Math.min(remainingMs, 5000)))) {
      admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "shipgate-stack-readiness-probe");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(Math.min(remainingMs, 30_000)));
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "shipgate-stack-probe");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
    }
  }

  private void registryReady() throws IOException {
    // HttpURLConnection, not java.net.http: a JVM ending with that client's selector thread
    // waits 300 ms for it (see RestSchemaRegistry)
    HttpURLConnection c = (HttpURLConnection) URI.create(config.registryCcompatUrl()
        + "/subjects").toURL().openConnection();
    c.setConnectTimeout(2000);
    c.setReadTimeout(5000);
    try {
      int status = c.getResponseCode();
      if (status != 200) {
        throw new IOException("GET /apis/ccompat/v7/subjects -> " + status);
      }
      c.getInputStream().readAllBytes();
    } finally {
      c.disconnect();
    }
  }

  private void createTopics(List<String> created, List<String> existing) {
    try (Admin admin = Admin.create(adminProps(15_000))) {
      TopicCreator.Result result = TopicCreator.createMissing(admin, (short) 1);
      created.addAll(result.created());
      existing.addAll(result.existing());
    }
  }


  private Properties adminProps(int timeoutMs) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs));
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs));
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "shipgate-stack");
    return p;
  }

  // ---------------------------------------------------------------------------------------------
  // down / status / reset
  // ---------------------------------------------------------------------------------------------

  /**
   * Stops the stack's processes (SIGCONT and SIGTERM, up to 15 s, then SIGKILL) and removes the
   * PID files. Idempotent.
   *
   * @return one line per service saying what was done
   */
  public List<String> down() {
    Map<String, Long> live = new LinkedHashMap<>();
    for (String name : SERVICES) {
      ours(name).ifPresent(h -> live.put(name, h.pid()));
    }
    // SIGTERM to all first, so they shut down in parallel; times are from that signal
    Map<Long, Processes.Stopped> stopped = new HashMap<>();
    for (Processes.Stopped s : Processes.stop(List.copyOf(live.values()), STOP_GRACE)) {
      stopped.put(s.pid(), s);
    }
    List<String> lines = new ArrayList<>();
    for (String name : SERVICES) {
      Long pid = live.get(name);
      if (pid == null) {
        lines.add(name + ": not running");
      } else {
        Processes.Stopped s = stopped.get(pid);
        lines.add(String.format("%s: stopped pid %d in %d ms%s", name, pid, s.millis(),
            s.killed() ? " (killed after " + STOP_GRACE.toSeconds() + " s)" : ""));
      }
      deleteQuietly(pidFile(name));
    }
    lines.forEach(l -> log.info("{}", l));
    return lines;
  }

  /** {@link #down()}, then deletes the data directory (Kafka data, registry DB, logs). */
  public List<String> reset() {
    List<String> lines = new ArrayList<>(down());
    Path dir = config.dataDir();
    if (Files.isDirectory(dir)) {
      if (!looksLikeStackDir(dir)) {
        throw new StackException("refusing to delete " + dir
            + ": it does not look like a shipgate stack data dir");
      }
      deleteRecursively(dir);
      lines.add("deleted " + dir);
    }
    return lines;
  }

  /** The truth about each service: live PID and whether its port answers. */
  public StackStatus status() {
    List<StackStatus.Service> list = new ArrayList<>();
    for (String name : SERVICES) {
      Optional<ProcessHandle> h = ours(name);
      long pid = h.map(ProcessHandle::pid)
          .orElseGet(() -> Processes.readPid(pidFile(name)).orElse(-1L));
      boolean open = true;
      for (int port : ports(name)) {
        open &= portOpen(port);
      }
      list.add(new StackStatus.Service(name, pid, h.isPresent(), open, address(name),
          outLog(name)));
    }
    return new StackStatus(config.dataDir(), list);
  }

  // ---------------------------------------------------------------------------------------------
  // tests
  // ---------------------------------------------------------------------------------------------

  /**
   * Starts a stack for integration tests on the given loopback ports with its own data dir.
   * Close it in {@code @AfterAll} (it stops both processes; the data dir is left to the test).
   */
  public static Running startForTests(Path dataDir, int kafkaPort, int controllerPort,
      int registryPort) {
    LocalStack stack = new LocalStack(StackConfig.forTests(dataDir, kafkaPort, controllerPort,
        registryPort));
    StackReport report = stack.up();
    return new Running(stack, report);
  }

  /** A started stack that stops on {@link #close()}. */
  public static final class Running implements AutoCloseable {
    private final LocalStack stack;
    private final StackReport report;

    Running(LocalStack stack, StackReport report) {
      this.stack = stack;
      this.report = report;
    }

    public LocalStack stack() {
      return stack;
    }

    public StackReport report() {
      return report;
    }

    public String bootstrapServers() {
      return stack.config.bootstrapServers();
    }

    /** Base URL of the registry's Confluent API, {@code http://127.0.0.1:<port>/apis/ccompat/v7}. */
    public String registryUrl() {
      return stack.config.registryCcompatUrl();
    }

    @Override
    public void close() {
      stack.down();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // helpers
  // ---------------------------------------------------------------------------------------------

  public Path pidFile(String name) {
    return config.dataDir().resolve(name + ".pid");
  }

  public Path outLog(String name) {
    return config.logDir().resolve(name + ".out");
  }

  private String address(String name) {
    return KAFKA.equals(name) ? config.bootstrapServers() : config.registryUrl();
  }

  private int[] ports(String name) {
    return KAFKA.equals(name) ? new int[] {config.kafkaPort(), config.controllerPort()}
        : new int[] {config.registryPort()};
  }

  private String marker(String name) {
    return "-Dshipgate.stack.service=" + name + "@" + config.dataDir();
  }

  /** The live process of this stack's service {@code name}: by PID file, else by marker. */
  Optional<ProcessHandle> ours(String name) {
    String marker = marker(name);
    OptionalLong pid = Processes.readPid(pidFile(name));
    if (pid.isPresent() && isOurs(pid.getAsLong(), marker)) {
      return ProcessHandle.of(pid.getAsLong());
    }
    // the PID file may be gone or stale while the process runs on (e.g. deleted by hand)
    return ProcessHandle.allProcesses().filter(h -> isOurs(h.pid(), marker)).findFirst();
  }

  private static boolean isOurs(long pid, String marker) {
    // a zombie (exited, not yet reaped) counts as dead
    return Processes.alive(pid) && Processes.arguments(pid).contains(marker);
  }

  /**
   * Whether a listener could bind the port now. A connect probe is not enough: the local end of an
   * outgoing connection (any client on this host, in the kernel's ephemeral range) holds the port
   * without listening on it, and the broker then fails to bind.
   */
  private boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(config.host(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A hint when the port lies in the range the kernel hands out to outgoing connections. */
  static String ephemeralHint(int port) {
    try {
      String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
          .get(0).trim().split("\\s+");
      int lo = Integer.parseInt(range[0]);
      int hi = Integer.parseInt(range[1]);
      return port >= lo && port <= hi ? " Port " + port + " is in the kernel's ephemeral range "
          + lo + "-" + hi + ", where any outgoing connection may hold it; prefer a port below "
          + lo + "." : "";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private boolean portOpen(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(config.host(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String logHint(String name) {
    return KAFKA.equals(name) ? outLog(name) + " and " + config.logDir().resolve("broker.log")
        : outLog(name).toString();
  }

  private String logTails(String name) {
    StringBuilder sb = new StringBuilder();
    List<Path> files = KAFKA.equals(name)
        ? List.of(outLog(name), config.logDir().resolve("broker.log")) : List.of(outLog(name));
    for (Path f : files) {
      sb.append("---- last lines of ").append(f).append('\n').append(tail(f, 15));
    }
    return sb.toString();
  }

  private static String tail(Path f, int n) {
    try {
      StringBuilder sb = new StringBuilder();
      for (String l : Processes.tail(f, n)) {
        sb.append(l).append('\n');
      }
      return sb.toString();
    } catch (NoSuchFileException e) {
      return "(no such file)\n";
    } catch (IOException | UncheckedIOException e) {
      return "(unreadable: " + e + ")\n";
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static boolean looksLikeStackDir(Path dir) {
    try (var s = Files.list(dir)) {
      Set<String> known = Set.of("kafka", "registry", "logs", "kafka.pid", "registry.pid");
      return s.allMatch(p -> known.contains(p.getFileName().toString()));
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteRecursively(Path dir) {
    try {
      FileTrees.delete(dir);
    } catch (IOException e) {
      throw new StackException("cannot delete " + dir + ": " + e, e);
    }
  }

  private static void deleteQuietly(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted", e);
    }
  }
}
