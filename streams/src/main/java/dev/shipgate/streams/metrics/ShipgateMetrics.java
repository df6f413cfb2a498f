package dev.shipgate.streams.metrics;

import dev.shipgate.results.AlertKind;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.Verdict;
import dev.shipgate.streams.EvidenceStores;
import dev.shipgate.streams.OutputCounts;
import dev.shipgate.streams.ShipgateStreams;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What one Streams instance exposes to Prometheus: its own campaigns and fault bounds (the local
 * store partitions only, as {@code /campaigns?local=true} answers; each instance is scraped for
 * its own), what it has written since it started (alerts by kind, dead letters), its Streams
 * state and a few of Kafka Streams' own metrics. Everything is computed at scrape time, in a
 * registry of its own (never the static default one: several instances may run in one JVM).
 *
 * <ul>
 *   <li>{@code shipgate_campaign_info{campaign,target,version,state,verdict} 1} (version:
 *       target_version, else target_ref, as in the soak gate key),
 *       {@code shipgate_campaign_final{campaign}} (FINISHED or ABORTED: 1),
 *       {@code shipgate_campaign_pass{campaign}} (overall pass: 1), at most
 *       {@value #MAX_CAMPAIGNS} campaigns ({@code shipgate_campaigns_truncated} 1 beyond);
 *   <li>{@code shipgate_fault_bound}, {@code shipgate_fault_wilson_lower} (where known),
 *       {@code shipgate_fault_threshold}, {@code shipgate_fault_pass} and
 *       {@code shipgate_fault_lost_writes} (where known), each {@code {campaign,fault}};
 *   <li>{@code shipgate_alerts_total{kind}} and {@code shipgate_dead_letters_total};
 *   <li>{@code shipgate_streams_state{state}}: 1 for the current state, 0 for the others;
 *       {@code shipgate_state_queryable} 0 while the stores cannot be read (rebalancing), when
 *       the campaign and fault series are left out;
 *   <li>{@code kafka_streams_<name>{thread,...}}: the metrics of {@link #KAFKA_METRICS} from
 *       {@link KafkaStreams#metrics()}, named with {@code -} as {@code _}, their tags as labels
 *       ({@code thread-id} as {@code thread}; a client's thread read from its client id); NaN,
 *       infinite and non-numeric values are left out.
 * </ul>
 */
public final class ShipgateMetrics {
  /** The content type of {@link #write}: Prometheus text format 0.0.4. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  /** At most this many campaigns are exposed per scrape. */
  public static final int MAX_CAMPAIGNS = 10_000;

  /** The Kafka Streams metrics exposed, by metric group. */
  public static final Map<String, Set<String>> KAFKA_METRICS = Map.of(
      "stream-thread-metrics", Set.of("process-rate", "process-total", "commit-rate",
          "commit-total", "commit-latency-avg", "commit-latency-max", "poll-rate", "poll-total"),
      "consumer-fetch-manager-metrics", Set.of("records-lag-max", "records-lag",
          "records-consumed-rate", "records-consumed-total"),
      "stream-metrics", Set.of("alive-stream-threads", "failed-stream-threads"));

  /**
   * The thread inside a client id: {@code <client>-StreamThread-1-consumer}, or the state
   * updater's {@code <client>-StateUpdater-1-restore-consumer}.
   */
  private static final Pattern THREAD_IN_CLIENT_ID =
      Pattern.compile("^(.*-(?:StreamThread|StateUpdater)-\\d+)-.*$");

  /**
   * What the metrics are computed from: one instance's local stores, state, Kafka metrics and
   * output counts ({@link #of(ShipgateStreams)} in production; a test can feed it from a
   * TopologyTestDriver).
   */
  public interface Source {
    KafkaStreams.State state();

    /**
     * This instance's campaign verdicts (its active partitions only).
     *
     * @throws InvalidStateStoreException while the store cannot be queried
     */
    ReadOnlyKeyValueStore<String, CampaignVerdict> verdicts();

    /**
     * This instance's fault bounds, keyed {@code <campaign>/<fault>}.
     *
     * @throws InvalidStateStoreException while the store cannot be queried
     */
    ReadOnlyKeyValueStore<String, FaultBound> bounds();

    Map<MetricName, ? extends Metric> kafkaMetrics();

    OutputCounts outputCounts();

    /** The running application's: local stores through interactive queries. */
    static Source of(ShipgateStreams app) {
      KafkaStreams streams = app.kafkaStreams();
      return new Source() {
        @Override
        public KafkaStreams.State state() {
          return streams.state();
        }

        @Override
        public ReadOnlyKeyValueStore<String, CampaignVerdict> verdicts() {
          return streams.store(StoreQueryParameters.fromNameAndType(EvidenceStores.VERDICTS,
              QueryableStoreTypes.<String, CampaignVerdict>keyValueStore()));
        }

        @Override
        public ReadOnlyKeyValueStore<String, FaultBound> bounds() {
          return streams.store(StoreQueryParameters.fromNameAndType(EvidenceStores.BOUNDS,
              QueryableStoreTypes.<String, FaultBound>keyValueStore()));
        }

        @Override
        public Map<MetricName, ? extends Metric> kafkaMetrics() {
          return streams.metrics();
        }

        @Override
        public OutputCounts outputCounts() {
          return app.outputCounts();
        }
      };
    }
  }

  private final Source source;
  private final int maxCampaigns;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  /** The metrics of a running application. */
  public ShipgateMetrics(ShipgateStreams app) {
    this(Source.of(app));
  }

  public ShipgateMetrics(Source source) {
    this(source, MAX_CAMPAIGNS);
  }

  ShipgateMetrics(Source source, int maxCampaigns) {
    this.source = source;
    this.maxCampaigns = maxCampaigns;
    registry.register((MultiCollector) this::collect);
  }

  /** The registry the collectors are in (this instance's own). */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** Scrapes and writes the text exposition format ({@link #CONTENT_TYPE}) to {@code out}. */
  public void write(OutputStream out) throws IOException {
    writer.write(out, registry.scrape());
  }

  /** Scrapes and returns the text exposition format. */
  public String text() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private MetricSnapshots collect() {
    List<MetricSnapshot> out = new ArrayList<>();
    KafkaStreams.State state = source.state();
    GaugeSnapshot.Builder states = GaugeSnapshot.builder().name("shipgate_streams_state")
        .help("The Streams instance's state: 1 for the current one");
    for (KafkaStreams.State s : KafkaStreams.State.values()) {
      states.dataPoint(gauge(Labels.of("state", s.name()), s == state ? 1 : 0));
    }
    out.add(states.build());
    stores(out);
    counts(out);
    kafka(out);
    return new MetricSnapshots(out);
  }

  /** The campaign and fault series, read from the local stores at once, or none at all. */
  private void stores(List<MetricSnapshot> out) {
    List<CampaignVerdict> campaigns = new ArrayList<>();
    List<FaultBound> bounds = new ArrayList<>();
    boolean truncated = false;
    boolean queryable = true;
    try {
      ReadOnlyKeyValueStore<String, CampaignVerdict> verdicts = source.verdicts();
      try (KeyValueIterator<String, CampaignVerdict> it = verdicts.all()) {
        while (it.hasNext()) {
          CampaignVerdict v = it.next().value;
          if (v == null) {
            continue;
          }
          if (campaigns.size() == maxCampaigns) {
            truncated = true;
            break;
          }
          campaigns.add(v);
        }
      }
      Set<String> ids = new LinkedHashSet<>();
      campaigns.forEach(v -> ids.add(v.getCampaignId()));
      ReadOnlyKeyValueStore<String, FaultBound> store = source.bounds();
      if (!truncated) {
        try (KeyValueIterator<String, FaultBound> it = store.all()) {
          it.forEachRemaining(kv -> {
            if (kv.value != null && ids.contains(kv.value.getCampaignId())) {
              bounds.add(kv.value);
            }
          });
        }
      } else {
        // only the exposed campaigns' bounds, without walking every bound the instance holds
        StringSerializer keys = new StringSerializer();
        for (String id : ids) {
          try (KeyValueIterator<String, FaultBound> it = store.prefixScan(id + "/", keys)) {
            it.forEachRemaining(kv -> {
              if (kv.value != null && kv.value.getCampaignId().equals(id)) {
                bounds.add(kv.value);
              }
            });
          }
        }
      }
    } catch (InvalidStateStoreException e) {
      queryable = false;
      campaigns.clear();
      bounds.clear();
      truncated = false;
    }
    out.add(GaugeSnapshot.builder().name("shipgate_state_queryable")
        .help("1 when this instance's campaign stores could be read for this scrape (0 while"
            + " rebalancing: the campaign and fault series are left out)")
        .dataPoint(gauge(Labels.EMPTY, queryable ? 1 : 0)).build());
    out.add(GaugeSnapshot.builder().name("shipgate_campaigns_truncated")
        .help("1 when this instance holds more than " + maxCampaigns
            + " campaigns and only that many are exposed")
        .dataPoint(gauge(Labels.EMPTY, truncated ? 1 : 0)).build());

    InfoSnapshot.Builder info = InfoSnapshot.builder().name("shipgate_campaign")
        .help("A campaign held by this instance: target, version, lifecycle state and verdict");
    GaugeSnapshot.Builder isFinal = GaugeSnapshot.builder().name("shipgate_campaign_final")
        .help("1 when the campaign's verdict is final (FINISHED or ABORTED)");
    GaugeSnapshot.Builder pass = GaugeSnapshot.builder().name("shipgate_campaign_pass")
        .help("1 when the campaign's verdict is PASS (overall_pass)");
    for (CampaignVerdict v : campaigns) {
      Labels campaign = Labels.of("campaign", v.getCampaignId());
      info.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(Labels.of(
          "campaign", v.getCampaignId(),
          "target", orEmpty(v.getTargetName()),
          "version", orEmpty(v.getTargetVersion() != null ? v.getTargetVersion()
              : v.getTargetRef()),
          "state", v.getState().name(),
          "verdict", v.getVerdict().name())).build());
      boolean fin = v.getState() == CampaignState.FINISHED || v.getState() == CampaignState.ABORTED;
      isFinal.dataPoint(gauge(campaign, fin ? 1 : 0));
      pass.dataPoint(gauge(campaign, v.getOverallPass() ? 1 : 0));
    }
    out.add(info.build());
    out.add(isFinal.build());
    out.add(pass.build());

    GaugeSnapshot.Builder bound = GaugeSnapshot.builder().name("shipgate_fault_bound")
        .help("A fault class's convergence bound: floor(1000 * sum(min_peer) / sum(ok)) / 1000");
    GaugeSnapshot.Builder wilson = GaugeSnapshot.builder().name("shipgate_fault_wilson_lower")
        .help("Wilson score lower bound of sum(min_peer) / sum(ok) (measured bounds at most 1)");
    GaugeSnapshot.Builder threshold = GaugeSnapshot.builder().name("shipgate_fault_threshold")
        .help("The threshold the fault class's bound is judged against");
    GaugeSnapshot.Builder faultPass = GaugeSnapshot.builder().name("shipgate_fault_pass")
        .help("1 when the fault class's verdict is PASS");
    GaugeSnapshot.Builder lost = GaugeSnapshot.builder().name("shipgate_fault_lost_writes")
        .help("Acknowledged writes missing on some node at the end of their cycle's settle"
            + " (where ids are observed)");
    Set<Labels> seen = new LinkedHashSet<>();
    for (FaultBound b : bounds) {
      Labels labels = Labels.of("campaign", b.getCampaignId(), "fault", b.getFault());
      if (!seen.add(labels)) {
        continue;
      }
      bound.dataPoint(gauge(labels, b.getBoundThousandths() / 1000.0));
      if (b.getWilsonLower() != null && Double.isFinite(b.getWilsonLower())) {
        wilson.dataPoint(gauge(labels, b.getWilsonLower()));
      }
      Double t = number(b.getThreshold());
      if (t != null) {
        threshold.dataPoint(gauge(labels, t));
      }
      faultPass.dataPoint(gauge(labels, b.getVerdict() == Verdict.PASS ? 1 : 0));
      if (b.getLostWrites() != null) {
        lost.dataPoint(gauge(labels, b.getLostWrites()));
      }
    }
    out.add(bound.build());
    out.add(wilson.build());
    out.add(threshold.build());
    out.add(faultPass.build());
    out.add(lost.build());
  }

  private void counts(List<MetricSnapshot> out) {
    OutputCounts counts = source.outputCounts();
    CounterSnapshot.Builder alerts = CounterSnapshot.builder().name("shipgate_alerts")
        .help("Alerts this instance has written since it started, by kind");
    for (AlertKind k : AlertKind.values()) {
      alerts.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
          .labels(Labels.of("kind", k.name())).value(counts.alerts(k)).build());
    }
    out.add(alerts.build());
    out.add(CounterSnapshot.builder().name("shipgate_dead_letters")
        .help("Dead letters this instance has written since it started")
        .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
            .value(counts.deadLetters()).build())
        .build());
  }

  /** The metrics of {@link #KAFKA_METRICS}, one family per name, sorted by name. */
  private void kafka(List<MetricSnapshot> out) {
    Map<String, Map<Labels, Double>> families = new TreeMap<>();
    Map<String, String> help = new LinkedHashMap<>();
    for (Map.Entry<MetricName, ? extends Metric> e : source.kafkaMetrics().entrySet()) {
      MetricName name = e.getKey();
      Set<String> names = KAFKA_METRICS.get(name.group());
      if (names == null || !names.contains(name.name())) {
        continue;
      }
      // records-lag-max: the consumer's (the per-partition one is records-lag's window max)
      if (name.name().equals("records-lag-max") && name.tags().containsKey("partition")) {
        continue;
      }
      Object value;
      try {
        value = e.getValue().metricValue();
      } catch (RuntimeException ex) {
        continue;
      }
      if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
        continue;
      }
      String family = "kafka_streams_" + name.name().replace('-', '_');
      families.computeIfAbsent(family, f -> new LinkedHashMap<>())
          .putIfAbsent(labels(name.tags()), n.doubleValue());
      help.putIfAbsent(family, name.description() == null || name.description().isBlank()
          ? "Kafka Streams' " + name.name() + " (" + name.group() + ")"
          : name.description() + " (" + name.group() + ")");
    }
    for (Map.Entry<String, Map<Labels, Double>> f : families.entrySet()) {
      GaugeSnapshot.Builder g = GaugeSnapshot.builder().name(f.getKey())
          .help(help.get(f.getKey()));
      f.getValue().forEach((labels, value) -> g.dataPoint(gauge(labels, value)));
      out.add(g.build());
    }
  }

  /** A Kafka metric's tags as labels: thread-id as thread, else the thread of a client id. */
  static Labels labels(Map<String, String> tags) {
    Map<String, String> labels = new TreeMap<>();
    for (Map.Entry<String, String> t : tags.entrySet()) {
      String key = t.getKey().equals("thread-id") ? "thread"
          : PrometheusNaming.sanitizeLabelName(t.getKey().replace('-', '_'));
      labels.putIfAbsent(key, t.getValue() == null ? "" : t.getValue());
    }
    String client = tags.get("client-id");
    if (!labels.containsKey("thread") && client != null) {
      Matcher m = THREAD_IN_CLIENT_ID.matcher(client);
      if (m.matches()) {
        labels.put("thread", m.group(1));
      }
    }
    return Labels.of(new ArrayList<>(labels.keySet()), new ArrayList<>(labels.values()));
  }

  private static GaugeSnapshot.GaugeDataPointSnapshot gauge(Labels labels, double value) {
    return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static Double number(String s) {
    if (s == null) {
      return null;
    }
    try {
      double d = Double.parseDouble(s.trim());
      return Double.isFinite(d) ? d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
