package dev.shipgate.cli.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.shipgate.cli.Captured;
import dev.shipgate.cli.Child;
import dev.shipgate.cli.Main;
import dev.shipgate.cli.io.FileTrees;
import dev.shipgate.cli.stack.LocalStack;
import dev.shipgate.results.Alert;
import dev.shipgate.results.AlertKind;
import dev.shipgate.schemas.JsonRecords;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.RestSchemaRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code shipgate alerts webhook} and {@code alerts tail} against real parts: the local stack (a
 * real KRaft broker and schema registry, each its own process), alerts produced through the
 * registry in Kafka transactions (one of them aborted), and a real HTTP server on 127.0.0.1 that
 * answers 503 to the first requests, checks every request's HMAC signature (401 for a bad one)
 * and drops repeats by Idempotency-Key. The webhook runs in-process with --once, then in child
 * JVMs: one SIGKILLed while a request is in flight, the next one resuming from the group's
 * committed offsets and stopped with SIGTERM. Every alert arrives, none twice past the
 * receiver's de-duplication, none of the aborted transaction at all.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhookDeliveryIT {
  static final int KAFKA_PORT = 31092;
  static final int CONTROLLER_PORT = 31093;
  static final int REGISTRY_PORT = 31081;
  static final Path WORK = Path.of("target", "it-alerts-webhook").toAbsolutePath();
  static final String SECRET = "it-webhook-s3cret";
  static final List<String> CAMPAIGNS = List.of("camp-a", "camp-b", "camp-c");
  static final int ALERTS = 30;

  static LocalStack.Running stack;
  static RestSchemaRegistry registry;
  static Receiver receiver;
  static Path secretFile;
  static Path wrongSecretFile;
  /** The committed alerts, in the order produced. */
  static final List<Alert> produced = new ArrayList<>();

  @BeforeAll
  static void startStackReceiverAndProduce() throws Exception {
    FileTrees.delete(WORK);
    Files.createDirectories(WORK);
    secretFile = WORK.resolve("webhook.secret");
    Files.writeString(secretFile, SECRET + "\n");
    wrongSecretFile = WORK.resolve("wrong.secret");
    Files.writeString(wrongSecretFile, "not-the-secret\n");
    stack = LocalStack.startForTests(WORK.resolve("stack"), KAFKA_PORT, CONTROLLER_PORT,
        REGISTRY_PORT);
    registry = new RestSchemaRegistry(stack.registryUrl());
    receiver = Receiver.start(SECRET.getBytes(StandardCharsets.UTF_8));

    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-alerts-producer");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
    try (KafkaProducer<String, Alert> producer = new KafkaProducer<>(p,
        Topics.ALERTS.keySerde().serializer(), Topics.ALERTS.valueSerde(registry).serializer())) {
      producer.initTransactions();
      AlertKind[] kinds = AlertKind.values();
      for (int batch = 0; batch < 3; batch++) {
        producer.beginTransaction();
        for (int i = batch * 10; i < batch * 10 + 10; i++) {
          String campaign = CAMPAIGNS.get(i % CAMPAIGNS.size());
          AlertKind kind = kinds[i % kinds.length];
          Alert a = Alert.newBuilder().setAlertId(String.format("it-alert-%02d", i))
              .setCampaignId(campaign).setKind(kind)
              .setMessage("alert " + i + " of " + campaign)
              .setPhase(i % 2 == 0 ? 4 : null)
              .setFault(i % 3 == 0 ? "partition_minority" : null)
              .setGate(kind.name().startsWith("SOAK") ? "etcd@3.4.23" : null)
              .setEventTime(t0.plusSeconds(i)).build();
          producer.send(new ProducerRecord<>(Topics.ALERTS.name(), campaign, a));
          produced.add(a);
        }
        producer.commitTransaction();
        if (batch == 1) {
          // read_committed: these must never be printed nor sent
          producer.beginTransaction();
          for (String campaign : CAMPAIGNS) {
            producer.send(new ProducerRecord<>(Topics.ALERTS.name(), campaign,
                Alert.newBuilder().setAlertId("it-aborted-" + campaign).setCampaignId(campaign)
                    .setKind(AlertKind.DEAD_LETTER).setMessage("aborted").setEventTime(t0)
                    .build()));
          }
          producer.flush();
          producer.abortTransaction();
        }
      }
    }
    assertEquals(ALERTS, produced.size());
  }

  @AfterAll
  static void stopEverything() {
    if (receiver != null) {
      receiver.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {registry, stack}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          System.err.println("closing " + c + ": " + e);
        }
      }
    }
  }

  static String[] conn(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--bootstrap-servers", stack.bootstrapServers(),
        "--schema-registry-url", stack.registryUrl()));
    return all.toArray(String[]::new);
  }

  static Set<String> ids(List<Alert> alerts) {
    return alerts.stream().map(Alert::getAlertId).collect(Collectors.toSet());
  }

  @Test
  @Order(1)
  void shouldTailOneCampaignAsJsonAndKindsAsLinesCommittedRecordsOnly() {
    Captured json = Captured.of(() -> Main.run(conn("alerts", "tail", "--json", "--campaign",
        "camp-b")));
    assertEquals(0, json.exit(), json.stderr());
    List<String> lines = json.stdout().lines().toList();
    List<Alert> expected = produced.stream().filter(a -> a.getCampaignId().equals("camp-b"))
        .toList();
    assertEquals(expected.size(), lines.size(), json.stdout());
    List<Alert> read = new ArrayList<>();
    for (String line : lines) {
      JsonNode j = JsonRecords.parse(line);
      assertEquals(Alert.getClassSchema().getFields().size(), j.size(), "every field: " + line);
      read.add(JsonRecords.fromJson(j, Alert.class));
    }
    assertEquals(expected, read, "camp-b's alerts, whole and in the order published (one"
        + " partition), none of the aborted transaction");
    assertTrue(json.stderr().contains("tail: 10 alerts shown of 30 read from shipgate.alerts"
        + " (all kinds, campaign camp-b)"), json.stderr());

    Captured human = Captured.of(() -> Main.run(conn("alerts", "tail", "--kind",
        "THRESHOLD_BREACHED,soak_final")));
    assertEquals(0, human.exit(), human.stderr());
    List<String> want = produced.stream().filter(a -> a.getKind() == AlertKind.THRESHOLD_BREACHED
        || a.getKind() == AlertKind.SOAK_FINAL).map(AlertLine::human).sorted().toList();
    assertEquals(want, human.stdout().lines().sorted().toList());
    assertTrue(want.contains("2026-12-01T10:00:12Z THRESHOLD_BREACHED camp-a phase 4 fault"
        + " partition_minority: alert 12 of camp-a"), want.toString());
    assertTrue(want.contains("2026-12-01T10:00:21Z SOAK_FINAL camp-a fault partition_minority"
        + " gate etcd@3.4.23: alert 21 of camp-a"), want.toString());
  }

  @Test
  @Order(2)
  void shouldDeliverEveryAlertOnceThroughFailuresAndResendNothingOnTheNextRun() {
    receiver.reset(4, 0);
    Captured first = Captured.of(() -> Main.run(conn("alerts", "webhook", receiver.url(),
        "--secret-file", secretFile.toString(), "--group-id", "it-once", "--once",
        "--max-backoff", "1s")));
    assertEquals(0, first.exit(), first.stdout() + first.stderr());
    assertTrue(first.stdout().contains("webhook: sent 30, retries 4, refused 0\n"), first.stdout());
    assertEquals(4, first.stdout().lines().filter(l -> l.startsWith("retry ")
        && l.contains(": HTTP 503")).count(), first.stdout());
    assertEquals(ids(produced), receiver.unique(), "every committed alert, none aborted");
    assertEquals(0, receiver.duplicates.get());
    assertEquals(0, receiver.badSignatures.get());
    assertEquals(0, receiver.badRequests.get(), receiver.problems.toString());
    assertEquals(34, receiver.requests.get());
    Map<String, List<String>> perCampaign = receiver.acceptedByCampaign();
    for (String c : CAMPAIGNS) {
      assertEquals(produced.stream().filter(a -> a.getCampaignId().equals(c))
          .map(Alert::getAlertId).toList(), perCampaign.get(c), "in order per campaign: " + c);
    }
    System.out.printf("[shipgate] alerts webhook --once: %d alerts, %d requests, 503 answered %d,"
        + " retried %d, sent %d, duplicates suppressed %d, lost %d%n", ALERTS,
        receiver.requests.get(), receiver.failed.get(), 4, receiver.unique().size(),
        receiver.duplicates.get(), ALERTS - receiver.unique().size());

    int before = receiver.requests.get();
    Captured again = Captured.of(() -> Main.run(conn("alerts", "webhook", receiver.url(),
        "--secret-file", secretFile.toString(), "--group-id", "it-once", "--once")));
    assertEquals(0, again.exit(), again.stdout() + again.stderr());
    assertTrue(again.stdout().contains("webhook: sent 0, retries 0, refused 0\n"), again.stdout());
    assertEquals(before, receiver.requests.get(), "the committed offsets are the queue");
  }

  @Test
  @Order(3)
  void shouldCountAndSkipRefusalsOfABadSignatureAndCommitFilteredAlerts() {
    receiver.reset(0, 0);
    Captured bad = Captured.of(() -> Main.run(conn("alerts", "webhook", receiver.url(),
        "--secret-file", wrongSecretFile.toString(), "--group-id", "it-bad-secret",
        "--campaign", "camp-c", "--once")));
    assertEquals(2, bad.exit(), "a refused alert makes the run fail: " + bad.stdout());
    assertTrue(bad.stdout().contains("webhook: sent 0, retries 0, refused 10\n"), bad.stdout());
    assertEquals(10, bad.stdout().lines().filter(l -> l.startsWith("refused ")
        && l.contains(": HTTP 401 on attempt 1, not retried")).count(), bad.stdout());
    assertEquals(10, receiver.badSignatures.get());
    assertEquals(0, receiver.unique().size());

    Captured after = Captured.of(() -> Main.run(conn("alerts", "webhook", receiver.url(),
        "--secret-file", secretFile.toString(), "--group-id", "it-bad-secret", "--once")));
    assertEquals(0, after.exit(), after.stdout());
    assertTrue(after.stdout().contains("webhook: sent 0, retries 0, refused 0\n"),
        "refused and filtered alerts were committed: " + after.stdout());
    System.out.printf("[shipgate] alerts webhook with a wrong secret: refused %d of 10 (HTTP 401),"
        + " the other 20 filtered by --campaign; nothing resent on the next run%n",
        receiver.badSignatures.get());
  }

  @Test
  @Order(4)
  void shouldLoseNothingWhenSigkilledMidDeliveryAndResumeFromTheCommittedOffsets()
      throws Exception {
    int holdAt = 12;
    receiver.reset(3, holdAt);
    String[] args = conn("alerts", "webhook", receiver.url(), "--secret-file",
        secretFile.toString(), "--group-id", "it-crash", "--max-backoff", "1s");
    Child first = Child.run(WORK, args);
    long killedAt;
    int retriesFirst;
    try {
      assertTrue(receiver.held.await(90, TimeUnit.SECONDS),
          "the receiver held request " + holdAt + ":\n" + first.output());
      assertEquals(holdAt, receiver.unique().size());
      // a crash while a request is in flight: the alert reached the receiver, no 2xx came back,
      // so its offset (and nothing after it) was committed
      assertTrue(first.process().toHandle().destroyForcibly(), "SIGKILL not sent");
      assertTrue(first.process().waitFor(30, TimeUnit.SECONDS), "child 1 ended");
      killedAt = System.nanoTime();
      assertEquals(137, first.process().exitValue(), "killed by SIGKILL");
    } finally {
      first.stop();
      receiver.release.countDown();
    }
    String out1 = first.output();
    retriesFirst = (int) out1.lines().filter(l -> l.startsWith("retry ")).count();
    assertFalse(out1.contains("webhook: sent"), "no summary from a SIGKILLed process: " + out1);
    assertEquals(holdAt - 1, out1.lines().filter(l -> l.startsWith("sent ")).count(), out1);

    Child second = Child.run(WORK, args);
    String lastKey;
    try {
      await(() -> receiver.unique().size() == ALERTS, Duration.ofSeconds(90),
          () -> "all alerts delivered after the restart:\n" + second.output());
      lastKey = receiver.lastKey();
      await(() -> second.output().contains("sent " + lastKey + " "), Duration.ofSeconds(30),
          second::output);
      // SIGTERM (ProcessHandle.destroy only signals; Process.destroy would also close the pipe
      // the summary comes through): stop cleanly, commit, print the summary
      assertTrue(second.process().toHandle().destroy(), "SIGTERM not sent");
      assertTrue(second.process().waitFor(30, TimeUnit.SECONDS), "child 2 ended on SIGTERM");
      assertEquals(143, second.process().exitValue(), "ended by SIGTERM");
    } finally {
      second.stop();
    }
    String out2 = second.output();
    Matcher m = Pattern.compile("webhook: sent (\\d+), retries (\\d+), refused (\\d+)")
        .matcher(out2);
    assertTrue(m.find(), "summary on SIGTERM:\n" + out2);
    int sentSecond = Integer.parseInt(m.group(1));
    int retriesSecond = Integer.parseInt(m.group(2));
    assertEquals(0, Integer.parseInt(m.group(3)));

    int duplicates = receiver.duplicates.get();
    assertEquals(ids(produced), receiver.unique(), "lost 0");
    assertTrue(duplicates >= 1, "the alert in flight at the SIGKILL was sent again: " + duplicates);
    assertEquals(ALERTS - holdAt + duplicates, sentSecond,
        "the restart resent only what was not committed");
    assertTrue(retriesFirst >= 3, "the 503s were retried: " + retriesFirst);
    assertEquals(0, receiver.badSignatures.get());
    assertEquals(0, receiver.badRequests.get(), receiver.problems.toString());

    // the clean stop committed everything: nothing left to send
    Captured after = Captured.of(() -> Main.run(conn("alerts", "webhook", receiver.url(),
        "--secret-file", secretFile.toString(), "--group-id", "it-crash", "--once")));
    assertEquals(0, after.exit(), after.stdout());
    assertTrue(after.stdout().contains("webhook: sent 0, retries 0, refused 0\n"), after.stdout());

    System.out.printf("[shipgate] alerts webhook SIGKILLed at request %d, restarted, SIGTERMed:"
        + " %d alerts, %d requests, 503 answered %d, retried %d, sent %d unique, duplicates"
        + " suppressed %d, lost %d (restart resent %d, first delivery after the restart %d ms"
        + " after the kill)%n", holdAt, ALERTS, receiver.requests.get(), receiver.failed.get(),
        retriesFirst + retriesSecond, receiver.unique().size(), duplicates,
        ALERTS - receiver.unique().size(), sentSecond,
        (receiver.firstAfter(killedAt) - killedAt) / 1_000_000);
  }

  @Test
  @Order(5)
  void shouldFollowNewAlertsUntilSigterm() throws Exception {
    Child tail = Child.run(WORK, conn("alerts", "tail", "--follow", "--json", "--campaign", "camp-c"));
    long printedAfter;
    long stoppedIn;
    try {
      await(() -> tail.output().lines().filter(l -> l.startsWith("{")).count() == 10,
          Duration.ofSeconds(60), tail::output);
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
      try (KafkaProducer<String, Alert> producer = new KafkaProducer<>(p,
          Topics.ALERTS.keySerde().serializer(), Topics.ALERTS.valueSerde(registry).serializer())) {
        Alert late = Alert.newBuilder().setAlertId("it-alert-late").setCampaignId("camp-c")
            .setKind(AlertKind.VERDICT_FINAL).setMessage("published while tail follows")
            .setEventTime(Instant.parse("2026-12-01T11:00:00Z")).build();
        long t0 = System.nanoTime();
        producer.send(new ProducerRecord<>(Topics.ALERTS.name(), "camp-c", late)).get();
        await(() -> tail.output().contains("\"alert_id\":\"it-alert-late\""),
            Duration.ofSeconds(30), tail::output);
        printedAfter = (System.nanoTime() - t0) / 1_000_000;
      }
      long t1 = System.nanoTime();
      assertTrue(tail.process().toHandle().destroy(), "SIGTERM not sent");
      assertTrue(tail.process().waitFor(30, TimeUnit.SECONDS), "tail --follow ended on SIGTERM");
      stoppedIn = (System.nanoTime() - t1) / 1_000_000;
      assertEquals(143, tail.process().exitValue());
    } finally {
      tail.stop();
    }
    assertEquals(11, tail.output().lines().filter(l -> l.startsWith("{")).count(), tail.output());
    System.out.printf("[shipgate] alerts tail --follow: a new alert printed %d ms after it was"
        + " published; SIGTERM ended it in %d ms%n", printedAfter, stoppedIn);
  }

  static void await(BooleanSupplier done, Duration limit, java.util.function.Supplier<String> why)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + limit + ": " + why.get());
      }
      Thread.sleep(50);
    }
  }

  /**
   * A webhook receiver on 127.0.0.1 (port 0): 503 for the first {@code failFirst} requests, 401
   * for a missing or wrong signature, 400 for a request that does not say what its body says,
   * 200 for the rest, counting an Idempotency-Key seen before as a duplicate (200 as well:
   * idempotent). With {@code holdAt}, the request that makes that many unique alerts is recorded
   * and then held without an answer until {@link #release} (a crash in flight).
   */
  static final class Receiver implements AutoCloseable {
    final HttpServer server;
    final ExecutorService threads = Executors.newFixedThreadPool(4);
    final byte[] secret;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger badSignatures = new AtomicInteger();
    final AtomicInteger badRequests = new AtomicInteger();
    final AtomicInteger duplicates = new AtomicInteger();
    final List<String> problems = new CopyOnWriteArrayList<>();
    final Set<String> seen = ConcurrentHashMap.newKeySet();
    /** Accepted (first-time) alerts: key, campaign, nano time. */
    final List<Object[]> accepted = new CopyOnWriteArrayList<>();
    final List<Long> requestTimes = new CopyOnWriteArrayList<>();
    volatile String lastKey;
    volatile int failFirst;
    volatile int holdAt;
    volatile CountDownLatch held = new CountDownLatch(1);
    volatile CountDownLatch release = new CountDownLatch(1);

    private Receiver(byte[] secret) throws IOException {
      this.secret = secret;
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      server.createContext("/hook", this::handle);
      server.setExecutor(threads);
    }

    static Receiver start(byte[] secret) throws IOException {
      Receiver r = new Receiver(secret);
      r.server.start();
      return r;
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    synchronized void reset(int failFirst, int holdAt) {
      requests.set(0);
      failed.set(0);
      badSignatures.set(0);
      badRequests.set(0);
      duplicates.set(0);
      problems.clear();
      seen.clear();
      accepted.clear();
      requestTimes.clear();
      lastKey = null;
      this.failFirst = failFirst;
      this.holdAt = holdAt;
      held = new CountDownLatch(1);
      release = new CountDownLatch(1);
    }

    Set<String> unique() {
      return Set.copyOf(seen);
    }

    String lastKey() {
      return lastKey;
    }

    Map<String, List<String>> acceptedByCampaign() {
      Map<String, List<String>> m = new LinkedHashMap<>();
      for (Object[] a : accepted) {
        m.computeIfAbsent((String) a[1], k -> new ArrayList<>()).add((String) a[0]);
      }
      return m;
    }

    /** Nano time of the first request after {@code t}. */
    long firstAfter(long t) {
      return requestTimes.stream().filter(x -> x > t).min(Long::compare).orElse(t);
    }

    private void handle(HttpExchange ex) throws IOException {
      try (ex) {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
          body = in.readAllBytes();
        }
        requestTimes.add(System.nanoTime());
        int n = requests.incrementAndGet();
        if (!"POST".equals(ex.getRequestMethod())) {
          answer(ex, 405, "POST only");
          return;
        }
        String signature = ex.getRequestHeaders().getFirst("X-Shipgate-Signature");
        if (signature == null || !MessageDigest.isEqual(
            ("sha256=" + hmac(body)).getBytes(StandardCharsets.US_ASCII),
            signature.getBytes(StandardCharsets.US_ASCII))) {
          badSignatures.incrementAndGet();
          answer(ex, 401, "bad signature");
          return;
        }
        if (n <= failFirst) {
          failed.incrementAndGet();
          answer(ex, 503, "not yet");
          return;
        }
        String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
        String problem = check(ex, body, key);
        if (problem != null) {
          problems.add(problem);
          badRequests.incrementAndGet();
          answer(ex, 400, problem);
          return;
        }
        lastKey = key;
        if (!seen.add(key)) {
          duplicates.incrementAndGet();
          answer(ex, 200, "duplicate");
          return;
        }
        JsonNode j = JsonRecords.parse(new String(body, StandardCharsets.UTF_8));
        accepted.add(new Object[] {key, j.get("campaign_id").asText(), System.nanoTime()});
        if (holdAt > 0 && seen.size() == holdAt) {
          held.countDown();
          try {
            release.await(120, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        answer(ex, 200, "ok");
      }
    }

    private static String check(HttpExchange ex, byte[] body, String key) {
      var h = ex.getRequestHeaders();
      if (!"application/json".equals(h.getFirst("Content-Type"))) {
        return "Content-Type " + h.getFirst("Content-Type");
      }
      String ts = h.getFirst("X-Shipgate-Timestamp");
      if (ts == null || !ts.matches("\\d+")
          || Math.abs(Long.parseLong(ts) - Instant.now().getEpochSecond()) > 300) {
        return "X-Shipgate-Timestamp " + ts;
      }
      JsonNode j;
      try {
        j = JsonRecords.parse(new String(body, StandardCharsets.UTF_8));
        JsonRecords.fromJson(j, Alert.class);
      } catch (IllegalArgumentException e) {
        return "body: " + e.getMessage();
      }
      if (key == null || !key.equals(j.get("alert_id").asText())) {
        return "Idempotency-Key " + key + " is not the body's alert_id " + j.get("alert_id");
      }
      if (!j.get("kind").asText().equals(h.getFirst("X-Shipgate-Alert-Kind"))) {
        return "X-Shipgate-Alert-Kind " + h.getFirst("X-Shipgate-Alert-Kind");
      }
      return null;
    }

    private String hmac(byte[] body) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    private static void answer(HttpExchange ex, int status, String text) throws IOException {
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      try {
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(b);
        }
      } catch (IOException clientGone) {
        // the client was killed while the request was held
      }
    }

    @Override
    public void close() {
      release.countDown();
      server.stop(0);
      threads.shutdownNow();
    }
  }


}
