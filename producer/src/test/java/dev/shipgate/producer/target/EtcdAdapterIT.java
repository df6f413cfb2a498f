package dev.shipgate.producer.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.WriteOutcome;
import dev.shipgate.producer.remote.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A real 3-member etcd 3.4 (Debian's /usr/bin/etcd) on 127.0.0.11–13. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdAdapterIT {

  private static final Logger log = LoggerFactory.getLogger(EtcdAdapterIT.class);
  private static final String[] NAMES = {"a", "b", "c"};

  private final LocalProcesses processes = new LocalProcesses();
  private final EtcdAdapter adapter = new EtcdAdapter(Duration.ofSeconds(2), Duration.ofSeconds(1));
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Process> byName = new ConcurrentHashMap<>();
  private Path dataRoot;

  @BeforeAll
  void startCluster() throws Exception {
    dataRoot = Path.of("target", "it-etcd-" + System.currentTimeMillis()).toAbsolutePath();
    Files.createDirectories(dataRoot);
    int[] client = new int[3];
    int[] peer = new int[3];
    StringBuilder cluster = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      String addr = "127.0.0.1" + (i + 1);
      client[i] = LocalProcesses.freePort(addr);
      peer[i] = LocalProcesses.freePort(addr);
      cluster.append(i == 0 ? "" : ",").append(NAMES[i]).append("=http://").append(addr)
          .append(':').append(peer[i]);
    }
    String token = "shipgate-it-" + System.nanoTime();
    for (int i = 0; i < 3; i++) {
      String addr = "127.0.0.1" + (i + 1);
      String clientUrl = "http://" + addr + ":" + client[i];
      String peerUrl = "http://" + addr + ":" + peer[i];
      Process p = processes.start(List.of("/usr/bin/etcd", "--name", NAMES[i],
          "--data-dir", dataRoot.resolve(NAMES[i]).toString(),
          "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
          "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
          "--initial-cluster", cluster.toString(), "--initial-cluster-token", token,
          "--initial-cluster-state", "new",
          "--heartbeat-interval", "100", "--election-timeout", "1000"),
          dataRoot.resolve(NAMES[i] + ".log"));
      byName.put(NAMES[i], p);
      nodes.add(new Node(NAMES[i], i, addr, 0, null, null, null, client[i], peer[i], null, null,
          null));
    }
    long deadline = System.currentTimeMillis() + 20_000;
    while (!(nodes.stream().allMatch(adapter::healthy) && adapter.primary(nodes).isPresent())) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("etcd cluster not healthy within 20 s; logs in " + dataRoot);
      }
      Thread.sleep(100);
    }
  }

  @AfterAll
  void stopCluster() throws Exception {
    processes.close();
    adapter.close();
    LocalProcesses.deleteTree(dataRoot);
  }

  @Test
  @Order(1)
  void fiftyAcknowledgedWritesAreHeldByEveryMemberLocally() throws Exception {
    List<String> ids = IntStream.rangeClosed(1, 50).mapToObj(i -> "c1-w" + i).toList();
    for (int i = 0; i < ids.size(); i++) {
      WriteAttempt w = adapter.write(nodes.get(i % 3), "chaos-c1", ids.get(i));
      assertEquals(WriteOutcome.OK, w.outcome(), ids.get(i) + ": " + w.error());
      assertEquals(201, w.status());
    }
    // a follower applies a committed entry a moment after the leader answers
    Map<String, NodeState> states = settle("chaos-c1", new HashSet<>(ids), nodes, 5_000);
    for (Node n : nodes) {
      NodeState s = states.get(n.name());
      assertEquals(50L, s.count(), n.name());
      assertEquals(new TreeSet<>(ids), new TreeSet<>(s.ids()), n.name());
      assertEquals(50L, adapter.count(n, "chaos-c1").count(), n.name() + " count_only");
    }
  }

  @Test
  @Order(2)
  void exactlyOneMemberReportsItselfLeader() {
    Optional<Node> leader = adapter.primary(nodes);
    assertTrue(leader.isPresent());
    long claims = nodes.stream().filter(n -> adapter.primary(List.of(n)).isPresent()).count();
    assertEquals(1, claims);
  }

  @Test
  @Order(3)
  void throughputWithEightConcurrentWritersForFiveSeconds() throws Exception {
    Burst burst = new Burst("bench", nodes, 8);
    burst.start();
    Thread.sleep(5_000);
    burst.stop();
    double perSecond = burst.ok.size() / burst.seconds();
    String line = String.format(java.util.Locale.ROOT,
        "etcd 3.4.23, 3 members on 127.0.0.11-13, 8 writers round-robin over all members, %.1f s:"
            + " %d ok = %.0f writes/s; outcomes %s",
        burst.seconds(), burst.ok.size(), perSecond, burst.outcomes);
    log.info("THROUGHPUT {}", line);
    System.out.println("THROUGHPUT " + line);
    Files.writeString(Path.of("target", "etcd-throughput.txt"), line + "\n");
    assertEquals(0, burst.outcomes.get(WriteOutcome.FAIL).get(), "no write refused");
    assertTrue(burst.ok.size() > 0);
  }

  @Test
  @Order(4)
  void killingTheLeaderMidBurstLosesNoAcknowledgedWrite() throws Exception {
    Node leader = adapter.primary(nodes).orElseThrow();
    Burst burst = new Burst("chaos-c2", nodes, 8);
    burst.start();
    Thread.sleep(1_000);
    LocalProcesses.signal(byName.get(leader.name()).pid(), "KILL");
    Thread.sleep(4_000);
    burst.stop();
    log.info("leader {} killed mid-burst: outcomes {}", leader.name(), burst.outcomes);

    assertTrue(burst.outcomes.get(WriteOutcome.INDETERMINATE).get() > 0,
        "writes in flight to or through the killed leader are indeterminate");
    List<Node> survivors = nodes.stream().filter(n -> !n.equals(leader)).toList();
    assertTrue(adapter.primary(survivors).isPresent(), "the survivors elected a new leader");
    Set<String> acked = new HashSet<>(burst.ok);
    Map<String, NodeState> states = settle("chaos-c2", acked, survivors, 10_000);
    for (Node n : survivors) {
      Set<String> missing = new TreeSet<>(acked);
      missing.removeAll(states.get(n.name()).ids());
      assertEquals(Set.of(), missing, "acknowledged writes missing on " + n.name());
    }
    assertFalse(adapter.healthy(leader));
  }

  /** Polls until every node holds {@code expected} or the deadline passes; the last states. */
  private Map<String, NodeState> settle(String ns, Set<String> expected, List<Node> on,
      long maxMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + maxMillis;
    while (true) {
      Map<String, NodeState> states = on.stream()
          .collect(Collectors.toMap(Node::name, n -> adapter.observe(n, ns)));
      boolean done = states.values().stream()
          .allMatch(s -> s.ids() != null && s.ids().containsAll(expected));
      if (done || System.currentTimeMillis() > deadline) {
        return states;
      }
      Thread.sleep(100);
    }
  }

  /** {@code writers} threads writing {@code <ns>-w<seq>} round-robin over the nodes. */
  private final class Burst {
    final Set<String> ok = ConcurrentHashMap.newKeySet();
    final Map<WriteOutcome, AtomicInteger> outcomes = new EnumMap<>(WriteOutcome.class);
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger seq = new AtomicInteger();
    private final CountDownLatch go = new CountDownLatch(1);
    private volatile boolean running = true;
    private long startNanos;
    private long stopNanos;

    Burst(String ns, List<Node> targets, int writers) {
      for (WriteOutcome o : WriteOutcome.values()) {
        outcomes.put(o, new AtomicInteger());
      }
      for (int t = 0; t < writers; t++) {
        threads.add(new Thread(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            return;
          }
          while (running) {
            int s = seq.incrementAndGet();
            String id = ns + "-w" + s;
            WriteAttempt w = adapter.write(targets.get(s % targets.size()), ns, id);
            outcomes.get(w.outcome()).incrementAndGet();
            if (w.outcome() == WriteOutcome.OK) {
              ok.add(id);
            }
          }
        }, "burst-" + t));
      }
    }

    void start() {
      threads.forEach(Thread::start);
      startNanos = System.nanoTime();
      go.countDown();
    }

    void stop() throws InterruptedException {
      running = false;
      stopNanos = System.nanoTime();
      for (Thread t : threads) {
        t.join();
      }
    }

    double seconds() {
      return (stopNanos - startNanos) / 1e9;
    }
  }
}
