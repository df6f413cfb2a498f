package dev.shipgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.cli.stack.LocalStack;
import dev.shipgate.producer.importer.ArtifactImporter;
import dev.shipgate.producer.importer.ImportOptions;
import dev.shipgate.producer.importer.ImportReport;
import dev.shipgate.producer.publish.KafkaEventPublisher;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.DeadLetter;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.SchemaBootstrap;
import dev.shipgate.schemas.SeedJson;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.RestSchemaRegistry;
import dev.shipgate.schemas.registry.SchemaRegistryException;
import dev.shipgate.sink.ArtifactSink;
import dev.shipgate.streams.ShipgateStreams;
import dev.shipgate.streams.StreamsConfigFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every reference run of the original gate, imported through a real broker and a real schema
 * registry, judged by the real Streams application (exactly once) and written by the sink: the
 * artifacts must equal the originals field by field, except where shipgate's strict rule differs
 * (named below).
 */
class ReferenceRunsIT {
  static final Path REFERENCE = Path.of(System.getProperty("shipgate.reference",
      "../testdata/reference-runs"));
  static final Path WORK = Path.of("target", "it-reference-runs");
  static final int KAFKA_PORT = 24092;
  static final int CONTROLLER_PORT = 24093;
  static final int REGISTRY_PORT = 24081;

  /**
   * The only differences allowed, file → JSON pointers. Each is a place where the original was
   * wrong or hand-edited, and a test below says why.
   */
  static final Map<String, Set<String>> NAMED_DIFFERENCES = Map.of(
      // the original reason was hand-annotated ("... (with PR #313's 3s post-write settle ...)")
      "v0.6.0.0-final-r20/phase4.json", Set.of("/reasons/0"),
      // the original summary was reconstructed from stdout without its phases; shipgate lists them
      "v0.6.0.0-final-r20/campaign-summary.json", Set.of("/phases"),
      // strict rule: no phase ran, so the campaign does not pass (the original said true)
      "soak-v0.6.0-r84/campaign-summary.json", Set.of("/overall_pass"));

  static LocalStack.Running stack;
  static RestSchemaRegistry registry;
  static ShipgateStreams streams;
  static Path runs;
  static final Map<String, CampaignVerdict> finalVerdicts = new ConcurrentHashMap<>();
  static List<String> campaigns;

  @BeforeAll
  static void runThePipeline() throws Exception {
    deleteRecursively(WORK);
    Files.createDirectories(WORK);
    runs = WORK.resolve("runs");
    try (Stream<Path> dirs = Files.list(REFERENCE)) {
      campaigns = dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted()
          .toList();
    }
    assertEquals(5, campaigns.size(), "reference runs found under " + REFERENCE.toAbsolutePath());

    stack = LocalStack.startForTests(WORK.resolve("stack"), KAFKA_PORT, CONTROLLER_PORT,
        REGISTRY_PORT);
    registry = new RestSchemaRegistry(stack.registryUrl());
    SchemaBootstrap.registerAll(registry);

    try (KafkaEventPublisher publisher =
        KafkaEventPublisher.create(stack.bootstrapServers(), registry)) {
      ImportReport report = new ArtifactImporter(publisher).importPath(REFERENCE,
          ImportOptions.defaults());
      assertEquals(List.of(), report.errors());
      assertEquals(Set.copyOf(campaigns), Set.copyOf(report.campaignIds()));
    }

    streams = new ShipgateStreams(StreamsConfigFactory.create(stack.bootstrapServers(),
        Map.of("application.id", "it-shipgate-streams",
            "state.dir", WORK.resolve("streams-state").toAbsolutePath().toString())), registry);
    streams.start();
    assertTrue(streams.awaitRunning(Duration.ofSeconds(90)), "streams RUNNING: " + streams.state());
    StreamsProgress.awaitCaughtUp(client(), "it-shipgate-streams", Duration.ofSeconds(90));

    Properties sinkProps = client();
    sinkProps.put("group.id", "it-shipgate-sink");
    finalVerdicts.putAll(sinkUntilFinished(sinkProps, registry, runs, campaigns,
        Duration.ofSeconds(90)));
  }

  /** Runs the sink into {@code runs} until every campaign's FINISHED verdict is out; those verdicts. */
  static Map<String, CampaignVerdict> sinkUntilFinished(Properties sinkProps,
      RestSchemaRegistry registry, Path runs, List<String> campaigns, Duration timeout)
      throws IOException {
    Map<String, CampaignVerdict> finals = new ConcurrentHashMap<>();
    try (ArtifactSink sink = new ArtifactSink(sinkProps, registry, runs)) {
      Optional<CampaignVerdict> last = sink.runUntil(v -> {
        if (v.getState() == CampaignState.FINISHED) {
          finals.put(v.getCampaignId(), v);
        }
        return finals.keySet().containsAll(campaigns);
      }, timeout);
      assertTrue(last.isPresent(), "final verdicts for " + campaigns + ", got " + finals.keySet());
    }
    return finals;
  }

  @AfterAll
  static void stopEverything() {
    if (streams != null) {
      streams.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  static Properties client() {
    Properties p = new Properties();
    p.put("bootstrap.servers", stack.bootstrapServers());
    return p;
  }

  @Test
  void shouldReproduceEveryOriginalArtifactFieldByFieldExceptTheNamedDifferences()
      throws IOException {
    assertEquals(new TreeMap<>(NAMED_DIFFERENCES), differencesFromOriginals(campaigns, runs));
  }

  /**
   * Every original JSON file of the reference runs against the one the sink wrote under
   * {@code runs}, field by field (all 24 must be there): file → differing JSON pointers.
   */
  static Map<String, Set<String>> differencesFromOriginals(List<String> campaigns, Path runs)
      throws IOException {
    Map<String, Set<String>> found = new TreeMap<>();
    int compared = 0;
    for (String campaign : campaigns) {
      try (Stream<Path> files = Files.list(REFERENCE.resolve(campaign))) {
        for (Path original : files.filter(f -> f.toString().endsWith(".json")).toList()) {
          String name = campaign + "/" + original.getFileName();
          Path ours = runs.resolve(campaign).resolve(original.getFileName());
          assertTrue(Files.exists(ours), "shipgate wrote " + ours);
          Set<String> diffs = new TreeSet<>();
          diff(SeedJson.parse(Files.readString(original)), SeedJson.parse(Files.readString(ours)),
              "", diffs);
          if (!diffs.isEmpty()) {
            found.put(name, diffs);
          }
          compared++;
        }
      }
    }
    assertEquals(24, compared, "reference files compared");
    return found;
  }

  @Test
  void shouldGiveTheGoldenVerdicts() {
    assertEquals(Verdict.FAIL, finalVerdicts.get("v0.6.0.0-final-r20").getVerdict());
    assertEquals(Verdict.FAIL, finalVerdicts.get("v0.6.0.0-final-r24").getVerdict());
    assertEquals(Verdict.FAIL, finalVerdicts.get("v0.6.0.0-final-r14").getVerdict());
    assertEquals(Verdict.PASS, finalVerdicts.get("ship-gate-v0.6.3-rc1-r2").getVerdict());
    assertTrue(finalVerdicts.get("ship-gate-v0.6.3-rc1-r2").getOverallPass());
    assertTrue(finalVerdicts.get("v0.6.0.0-final-r20").getReasons()
        .contains("phase 4: partition_minority: 0.2 < 0.995"),
        finalVerdicts.get("v0.6.0.0-final-r20").getReasons().toString());
  }

  /**
   * A soak window: the v0.6.3 reference run and 20 copies of it 4 h apart (every timestamp of
   * the artifacts shifted, so each has its own wall time), imported with a 20-run gate. The soak
   * verdict on shipgate.soak-verdicts must be final PASS, and `release-summary` must write a
   * summary valid against the original's schema and exit 0; the v0.6.0 window (its reference runs
   * are red) must give a valid summary with verdict fail and exit 3.
   */
  @Test
  void shouldGateASoakWindowOfImportedRunsAndWriteSchemaValidReleaseSummaries() throws Exception {
    Path source = REFERENCE.resolve("ship-gate-v0.6.3-rc1-r2");
    Path generated = WORK.resolve("soak-window");
    java.util.regex.Pattern iso = java.util.regex.Pattern.compile(
        "(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})");
    long lastPublished;
    try (KafkaEventPublisher publisher =
        KafkaEventPublisher.create(stack.bootstrapServers(), registry)) {
      ArtifactImporter importer = new ArtifactImporter(publisher);
      for (int n = 1; n <= 20; n++) {
        Path dir = generated.resolve("soak-v0.6.3-r" + n);
        Files.createDirectories(dir);
        long shift = 4L * 3600 * n + 7L * n; // 4 h apart, each 7 s longer than the one before
        try (Stream<Path> files = Files.list(source)) {
          for (Path f : files.toList()) {
            String text = Files.readString(f);
            java.util.regex.Matcher m = iso.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
              java.time.OffsetDateTime t = java.time.OffsetDateTime.parse(m.group(1)
                  + (m.group(3).equals("Z") ? "Z" : m.group(3)));
              // the completion time moves 7 s more per run than the start: a longer run
              boolean completion = text.startsWith("\"completed_at\"", m.start() - 17)
                  && f.getFileName().toString().equals("campaign-summary.json")
                  && m.group(2) == null;
              java.time.OffsetDateTime shifted = t.plusSeconds(completion ? shift
                  : shift - 7L * n);
              m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(
                  shifted.toLocalDateTime().withNano(0).toString().length() == 16
                      ? shifted.toLocalDateTime().withNano(0) + ":00"
                      : shifted.toLocalDateTime().withNano(0).toString())
                  + (m.group(2) == null ? "" : m.group(2)) + m.group(3));
            }
            m.appendTail(out);
            Files.writeString(dir.resolve(f.getFileName()), out.toString());
          }
        }
        ImportReport report = importer.importPath(dir, ImportOptions.defaults()
            .withCampaignId("soak-v0.6.3-r" + n)
            .withGate(dev.shipgate.events.GateConfig.newBuilder().setExpectedRuns(20).build()));
        assertEquals(List.of(), report.errors());
      }
      lastPublished = System.nanoTime();
    }
    String key = "ai-memory@release/v0.6.3";
    dev.shipgate.results.SoakVerdict soak = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      soak = TopicSnapshot.ofCampaign(client(), registry, Topics.SOAK_VERDICTS,
          "ai-memory@release", key::equals).get(key);
      if (soak != null && soak.getRunsCounted() == 21) {
        break;
      }
      Thread.sleep(200);
    }
    long finalAfterMs = (System.nanoTime() - lastPublished) / 1_000_000;
    assertTrue(soak != null && soak.getRunsCounted() == 21, "21 runs in the window: " + soak);
    System.out.println("[shipgate] soak " + key + ": " + soak.getVerdict() + " final="
        + soak.getFinal$() + ", " + soak.getRunsPassed() + "/" + soak.getRunsCounted()
        + " runs PASS, bound " + soak.getBoundMin() + ".." + soak.getBoundMax() + ", wall median "
        + soak.getWallMedianSeconds() + " s p99 " + soak.getWallP99Seconds()
        + " s; final " + finalAfterMs + " ms after the last run was published");
    assertEquals(Verdict.PASS, soak.getVerdict(), soak.getReasons().toString());
    assertTrue(soak.getFinal$());
    assertEquals(20, soak.getRunsExpected());
    assertEquals(1.0, soak.getBoundMin());
    // the reference run: 16:37:48.08 to 16:46:33; the copies run 7 s longer each
    assertEquals(524L, soak.getRuns().get(0).getWallSeconds());
    assertEquals(524L + 140, soak.getRuns().get(20).getWallSeconds());
    assertEquals("soak-v0.6.3-r20", soak.getRuns().get(20).getCampaignId());

    com.networknt.schema.Schema schema = com.networknt.schema.SchemaRegistry
        .withDefaultDialect(com.networknt.schema.SpecificationVersion.DRAFT_2020_12)
        .getSchema(Files.readString(REFERENCE.resolveSibling("ship-gate-docs")
            .resolve("release-summary.schema.json")));
    // the schema itself accepts the original's example, and refuses a broken copy of it
    JsonNode example = SeedJson.parse(Files.readString(REFERENCE.resolveSibling(
        "ship-gate-docs").resolve("release-summary-v0.6.3.json")));
    assertEquals(List.of(), schema.validate(example));
    assertFalse(schema.validate(((com.fasterxml.jackson.databind.node.ObjectNode) example
        .deepCopy()).put("verdict", "green")).isEmpty());

    String[] conn = {"--bootstrap-servers", stack.bootstrapServers(),
        "--schema-registry-url", stack.registryUrl()};
    Path releases = WORK.resolve("releases");
    CliOutput green = CliOutput.of(() -> Main.run(concat(new String[] {"release-summary",
        "ai-memory", "release/v0.6.3", "--releases-dir", releases.toString(), "--runs-dir",
        runs.toString()}, conn)));
    assertEquals(ExitCodes.OK, green.exit(), green.text());
    JsonNode summary = SeedJson.parse(Files.readString(releases.resolve("v0.6.3")
        .resolve("summary.json")));
    assertEquals(List.of(), schema.validate(summary), summary.toString());
    assertEquals("pass", summary.get("verdict").asText());
    assertEquals("soak-v0.6.3-r20", summary.get("campaign_run_id").asText());
    assertEquals(664, summary.get("wall_seconds").asInt());
    assertEquals(4, summary.get("pass_count").asInt());
    assertEquals(21, summary.get("soak").get("runs_counted").asInt());
    String page = Files.readString(runs.resolve("releases").resolve(
        "ai-memory-release-v0.6.3.html"));
    assertEquals(21, page.split("height=\"12\" fill=\"#2e7d32\"", -1).length - 1,
        "21 green cells in the strip");
    assertEquals(0, page.split("height=\"12\" fill=\"#c", -1).length - 1, "no red or grey");
    System.out.println("[shipgate] release summary " + Files.readString(releases
        .resolve("v0.6.3").resolve("summary.json")));

    // v0.6.0: four red reference runs (r14, r20, r24, and the soak run without phases)
    CliOutput red = CliOutput.of(() -> Main.run(concat(new String[] {"release-summary",
        "ai-memory", "release/v0.6.0", "--releases-dir", releases.toString(), "--runs-dir",
        runs.toString()}, conn)));
    assertEquals(ExitCodes.NOT_PASS, red.exit(), red.text());
    JsonNode redSummary = SeedJson.parse(Files.readString(releases.resolve("v0.6.0")
        .resolve("summary.json")));
    assertEquals(List.of(), schema.validate(redSummary), redSummary.toString());
    assertEquals("fail", redSummary.get("verdict").asText());
    assertEquals(3, redSummary.get("soak").get("runs_counted").asInt(),
        "r14, r20, r24 (the soak run's ref is v0.6.0, another key)");

    CliOutput none = CliOutput.of(() -> Main.run(concat(new String[] {"release-summary",
        "ai-memory", "v9.9.9", "--releases-dir", releases.toString()}, conn)));
    assertEquals(ExitCodes.FAILURE, none.exit(), none.text());
  }

  @Test
  void shouldGateOnAFinalImportedVerdictAtOnceWithWait() throws Exception {
    String[] conn = {"--bootstrap-servers", stack.bootstrapServers(),
        "--schema-registry-url", stack.registryUrl()};
    CliOutput r20 = CliOutput.of(() -> Main.run(concat(
        new String[] {"verdict", "--wait", "--timeout", "30", "v0.6.0.0-final-r20"}, conn)));
    assertEquals(ExitCodes.NOT_PASS, r20.exit(), r20.text());
    assertTrue(r20.text().contains("VERDICT: FAIL"), r20.text());
    CliOutput rc1 = CliOutput.of(() -> Main.run(concat(
        new String[] {"verdict", "ship-gate-v0.6.3-rc1-r2"}, conn)));
    assertEquals(ExitCodes.OK, rc1.exit(), rc1.text());
  }

  @Test
  void shouldReanalyseUnderOtherThresholdsWithoutTouchingTheLiveVerdict() throws Exception {
    String[] conn = {"--bootstrap-servers", stack.bootstrapServers(),
        "--schema-registry-url", stack.registryUrl()};
    CampaignVerdict before = finalVerdicts.get("v0.6.0.0-final-r20");
    CliOutput out = CliOutput.of(() -> Main.run(concat(new String[] {"reanalyze",
        "v0.6.0.0-final-r20", "--threshold", "0.1", "--as", "r20-lenient", "--timeout", "120"},
        conn)));
    // partition_minority's recorded bound 0.2 fails 0.995 live and passes 0.1 re-analysed
    assertTrue(out.text().matches("(?s).*partition_minority\\s+0\\.2 vs 0\\.995 FAIL\\s+"
        + "0\\.2 vs 0\\.1 PASS.*"), out.text());
    assertTrue(out.text().contains("re-analysis of v0.6.0.0-final-r20 as r20-lenient"), out.text());
    // r20 has no phase 1 artifacts: with phase 4 passing, the strict rule still does not pass it
    assertTrue(out.text().contains("VERDICT: NOT_RUN (overall_pass=false)"), out.text());
    assertEquals(ExitCodes.NOT_PASS, out.exit(), out.text());

    try (var registry2 = new RestSchemaRegistry(stack.registryUrl())) {
      CampaignVerdict after = VerdictCommand.find(client(), registry2, "v0.6.0.0-final-r20");
      assertEquals(before.getVerdict(), after.getVerdict());
      assertEquals(before.getReasons(), after.getReasons());
      assertEquals(null, VerdictCommand.find(client(), registry2, "r20-lenient"),
          "the re-analysis wrote nothing to the live verdicts");
    }
    try (var admin = org.apache.kafka.clients.admin.Admin.create(client())) {
      Set<String> left = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      assertEquals(List.of(), left.stream().filter(n -> n.startsWith("reanalysis.")
          || n.startsWith("shipgate-reanalysis-")).toList(), "re-analysis topics deleted");
    }
  }

  static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** What a CLI call printed on stdout, and its exit code. */
  record CliOutput(int exit, String text) {
    static synchronized CliOutput of(java.util.function.IntSupplier call) {
      java.io.PrintStream stdout = System.out;
      java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
      System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
      int exit;
      try {
        exit = call.getAsInt();
      } finally {
        System.setOut(stdout);
      }
      String text = captured.toString(StandardCharsets.UTF_8);
      stdout.print(text);
      return new CliOutput(exit, text);
    }
  }

  @Test
  void shouldNotPassTheSoakRunTheOriginalPassedWithNoPhases() throws IOException {
    CampaignVerdict soak = finalVerdicts.get("soak-v0.6.0-r84");
    assertEquals(Verdict.NOT_RUN, soak.getVerdict());
    assertFalse(soak.getOverallPass());
    JsonNode original = SeedJson.parse(Files.readString(
        REFERENCE.resolve("soak-v0.6.0-r84/campaign-summary.json")));
    JsonNode ours = SeedJson.parse(Files.readString(
        runs.resolve("soak-v0.6.0-r84/campaign-summary.json")));
    assertTrue(original.get("overall_pass").asBoolean());
    assertFalse(ours.get("overall_pass").asBoolean());
    String page = Files.readString(runs.resolve("soak-v0.6.0-r84/index.html"));
    assertTrue(page.contains("NOT RUN"), "the run page says NOT RUN");
  }

  @Test
  void shouldWriteARunPageForEveryCampaignAndAnIndexNewestFirst() throws IOException {
    String index = Files.readString(runs.resolve("index.html"));
    int previous = -1;
    // completed_at order, newest first
    for (String id : List.of("soak-v0.6.0-r84", "ship-gate-v0.6.3-rc1-r2", "v0.6.0.0-final-r24",
        "v0.6.0.0-final-r20", "v0.6.0.0-final-r14")) {
      int at = index.indexOf(id + "/index.html");
      assertTrue(at > previous, id + " listed after the newer runs");
      previous = at;
      assertTrue(Files.exists(runs.resolve(id).resolve("index.html")));
    }
  }

  @Test
  void shouldHaveTheRealRegistryRefuseAnIncompatibleSchemaChange() {
    Schema incompatible = SchemaBuilder.record("CampaignVerdict").namespace("dev.shipgate.results")
        .fields().requiredString("campaign_id").requiredLong("a_new_required_field").endRecord();
    SchemaRegistryException refused = assertThrows(SchemaRegistryException.class,
        () -> registry.register(Topics.CAMPAIGN_VERDICTS.valueSubject(), incompatible));
    assertEquals(409, refused.status(), refused.getMessage());
    assertEquals("BACKWARD", registry.compatibility(Topics.CAMPAIGN_VERDICTS.valueSubject()));
    // and a compatible evolution (a new optional field) is accepted
    Schema current = dev.shipgate.results.CampaignVerdict.getClassSchema();
    List<Schema.Field> fields = new ArrayList<>();
    current.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    fields.add(new Schema.Field("note", Schema.createUnion(Schema.create(Schema.Type.NULL),
        Schema.create(Schema.Type.STRING)), "an optional note", org.apache.avro.JsonProperties.NULL_VALUE));
    Schema evolved = Schema.createRecord(current.getName(), current.getDoc(),
        current.getNamespace(), false, fields);
    assertTrue(registry.isCompatible("it-evolution-value", evolved));
  }

  /**
   * kcat (Debian package; a client this project did not write) reads the raw record. Debian builds
   * kcat without libserdes ("This build of kcat lacks Avro/Schema-Registry support"), so here it
   * proves the framing: magic byte 0 and a schema id the registry resolves to the record's schema.
   */
  @Test
  void shouldFrameRecordsSoKcatReadsAConfluentHeaderTheRegistryResolves() throws Exception {
    String index = run(List.of("kcat", "-b", stack.bootstrapServers(), "-C",
        "-t", Topics.CAMPAIGN_VERDICTS.name(), "-X", "isolation.level=read_committed",
        "-o", "beginning", "-e", "-q", "-f", "%k\t%p\t%o\n"));
    String[] r20 = index.lines().filter(l -> l.startsWith("v0.6.0.0-final-r20\t"))
        .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no r20 record in:\n" + index))
        .split("\t");
    byte[] raw = runBytes(List.of("kcat", "-b", stack.bootstrapServers(), "-C",
        "-t", Topics.CAMPAIGN_VERDICTS.name(), "-p", r20[1], "-o", r20[2], "-c", "1", "-e", "-q",
        "-f", "%s"));
    assertEquals(0, raw[0], "magic byte");
    int id = java.nio.ByteBuffer.wrap(raw, 1, 4).getInt();
    var response = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
            stack.registryUrl() + "/schemas/ids/" + id)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    Schema schema = new Schema.Parser().parse(SeedJson.parse(response.body()).get("schema").asText());
    assertEquals("dev.shipgate.results.CampaignVerdict", schema.getFullName());
  }

  /**
   * Confluent's own client (Debian python3-confluent-kafka: CachedSchemaRegistryClient and
   * MessageSerializer over the avro library) decodes an output record through the registry.
   */
  @Test
  void shouldBeDecodedThroughTheRegistryByConfluentsOwnClient() throws Exception {
    Path script = Path.of("src/test/resources/decode_with_confluent_client.py").toAbsolutePath();
    String out = run(List.of("/usr/bin/python3", script.toString(), stack.bootstrapServers(),
        stack.registryUrl(), Topics.CAMPAIGN_VERDICTS.name()));
    String r20 = out.lines().filter(l -> l.startsWith("v0.6.0.0-final-r20\t"))
        .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no r20 verdict in:\n" + out));
    JsonNode decoded = SeedJson.parse(r20.substring(r20.indexOf('\t') + 1));
    assertEquals("v0.6.0.0-final-r20", decoded.get("campaign_id").asText());
    assertEquals("FINISHED", decoded.get("state").asText());
    assertEquals("FAIL", decoded.get("verdict").asText());
    assertFalse(decoded.get("overall_pass").asBoolean());
    assertEquals("2026-04-20T14:06:38Z", decoded.get("completed_at").asText());
  }

  static String run(List<String> command) throws Exception {
    return new String(runBytes(command), StandardCharsets.UTF_8);
  }

  static byte[] runBytes(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
    try {
      java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture
          .supplyAsync(() -> {
            try {
              return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
              return new byte[0];
            }
          });
      byte[] out = p.getInputStream().readAllBytes();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), command.get(0) + " finished");
      assertEquals(0, p.exitValue(), command + " failed: "
          + new String(err.get(), StandardCharsets.UTF_8));
      return out;
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void shouldSendARunWithAnInvalidCampaignIdToTheDeadLetterTopic() throws IOException {
    Path bad = WORK.resolve("bad-run");
    Files.createDirectories(bad);
    Files.writeString(bad.resolve("campaign-summary.json"), "{\n  \"campaign_id\": \"../../etc\",\n"
        + "  \"ai_memory_git_ref\": \"x\",\n  \"completed_at\": \"2026-01-01T00:00:00Z\",\n"
        + "  \"overall_pass\": true,\n  \"phases\": []\n}\n");
    ImportReport report;
    try (KafkaEventPublisher publisher =
        KafkaEventPublisher.create(stack.bootstrapServers(), registry)) {
      report = new ArtifactImporter(publisher).importPath(bad, ImportOptions.defaults());
    }
    assertEquals(1, report.errors().size(), report.errors().toString());
    assertTrue(report.errors().get(0).contains("campaign_id '../../etc' is invalid"),
        report.errors().get(0));
    Map<String, DeadLetter> letters = TopicSnapshot.latest(client(), registry,
        Topics.DEAD_LETTERS, k -> true);
    assertTrue(letters.values().stream().anyMatch(d -> d.getReason().contains("../../etc")
        && d.getValue() != null), "a dead letter carries the refused file: " + letters.keySet());
    assertFalse(Files.exists(runs.resolve("../../etc")));
  }

  /** Field-by-field comparison; numbers by value (1.0 == 1), objects by key set, arrays by index. */
  static void diff(JsonNode expected, JsonNode actual, String path, Set<String> out) {
    if (expected == null || actual == null) {
      out.add(path);
    } else if (expected.isNumber() && actual.isNumber()) {
      if (new BigDecimal(expected.asText()).compareTo(new BigDecimal(actual.asText())) != 0) {
        out.add(path);
      }
    } else if (expected.isObject() && actual.isObject()) {
      Set<String> keys = new TreeSet<>();
      expected.fieldNames().forEachRemaining(keys::add);
      actual.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        diff(expected.get(k), actual.get(k), path + "/" + k, out);
      }
    } else if (expected.isArray() && actual.isArray()) {
      if (expected.size() != actual.size()) {
        out.add(path);
        return;
      }
      Iterator<JsonNode> a = actual.elements();
      int i = 0;
      for (JsonNode e : expected) {
        diff(e, a.next(), path + "/" + i++, out);
      }
    } else if (!expected.equals(actual)) {
      out.add(path);
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    dev.shipgate.cli.io.FileTrees.delete(dir);
  }

}
