package dev.shipgate.cli.alerts;

import dev.shipgate.cli.ConnectionOptions;
import dev.shipgate.cli.ExitCodes;
import dev.shipgate.cli.ShipgateException;
import dev.shipgate.results.Alert;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shipgate alerts tail}: prints the alerts of shipgate.alerts, one per line. */
@Command(name = "tail", mixinStandardHelpOptions = true,
    description = {"Prints shipgate.alerts, one alert per line: <event_time> <KIND> <campaign>"
        + "[ phase N][ fault F][ gate G]: <message>, or with --json one JSON object per line (every"
        + " field). Reads committed records only, every partition, as no consumer group (nothing"
        + " is committed).",
        "Without --follow it stops at the end offsets it saw when it started; with --follow it"
            + " keeps printing until Ctrl-C/SIGTERM. Exit 2 with one line for a bad --kind or an"
            + " unreadable broker/registry."})
public final class TailCommand implements Callable<Integer> {
  private static final Duration POLL = Duration.ofMillis(300);
  private static final Duration METADATA = Duration.ofSeconds(15);

  @Option(names = "--follow", description = "keep printing new alerts until Ctrl-C/SIGTERM")
  boolean follow;

  @Option(names = "--campaign", paramLabel = "ID", description = "only this campaign's alerts")
  String campaign;

  @Option(names = "--kind", paramLabel = "KIND[,KIND...]",
      description = "only these kinds (repeatable; one of: VERDICT_CHANGED, THRESHOLD_BREACHED,"
          + " FAULT_NOT_APPLIED, DEAD_LETTER, LATE_EVIDENCE, VERDICT_FINAL, CAMPAIGN_STALLED,"
          + " CAMPAIGN_RESUMED, CAMPAIGN_ABANDONED, SOAK_REGRESSION, SOAK_FINAL)")
  List<String> kinds;

  @Option(names = "--json", description = "one JSON object per alert (every field of the record)")
  boolean json;

  @Option(names = "--from-beginning", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "start at the oldest retained alert (default); --no-from-beginning: only"
          + " alerts published from now on (with --follow)")
  boolean fromBeginning;

  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() {
    AlertFilter filter = AlertFilter.of(kinds, campaign);
    PrintStream out = System.out;
    PrintStream err = System.err;
    String topic = Topics.ALERTS.name();
    Properties p = connection.clientProperties();
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, follow ? "500" : "50");
    long shown = 0;
    long read = 0;
    try (StopSignal stop = follow ? StopSignal.onShutdown("shipgate-alerts-tail-shutdown")
            : StopSignal.manual();
        SchemaRegistry registry = connection.registry();
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
            new ByteArrayDeserializer())) {
      AlertDecoder decoder = new AlertDecoder(registry);
      List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA);
      if (infos == null || infos.isEmpty()) {
        throw new ShipgateException("topic " + topic + " does not exist (run `shipgate topics"
            + " create`)");
      }
      List<TopicPartition> partitions = infos.stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(partitions);
      if (fromBeginning) {
        consumer.seekToBeginning(partitions);
      } else {
        consumer.seekToEnd(partitions);
      }
      Map<TopicPartition, Long> end = follow ? Map.of() : consumer.endOffsets(partitions, METADATA);
      while (!stop.stopping()) {
        if (!follow && caughtUp(consumer, partitions, end)) {
          break;
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
          read++;
          AlertDecoder.Decoded d = decoder.decode(r);
          if (d.registryUnavailable()) {
            throw new ShipgateException("cannot decode " + AlertDecoder.where(r) + ": "
                + d.problem());
          }
          if (d.alert() == null) {
            err.println("tail: skipped " + AlertDecoder.where(r) + ": " + d.problem());
            continue;
          }
          Alert a = d.alert();
          if (filter.accepts(a)) {
            out.println(json ? AlertLine.json(a) : AlertLine.human(a));
            shown++;
          }
        }
      }
      out.flush();
      if (!follow) {
        err.println("tail: " + shown + " alert" + (shown == 1 ? "" : "s") + " shown of " + read
            + " read from " + topic + " (" + filter.describe() + ")");
      }
    } catch (KafkaException e) {
      throw new ShipgateException("cannot read " + topic + " at " + connection.bootstrapServers()
          + ": " + AlertLine.clean(e.getMessage()), e);
    }
    return ExitCodes.OK;
  }

  private static boolean caughtUp(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions,
      Map<TopicPartition, Long> end) {
    for (TopicPartition tp : partitions) {
      if (consumer.position(tp, METADATA) < end.getOrDefault(tp, 0L)) {
        return false;
      }
    }
    return true;
  }
}
