package dev.shipgate.cli.bench;

import dev.shipgate.cli.Home;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * What the benchmarks ask of the broker they start and of this machine: client properties, end
 * offsets and bytes on disk of topics, the broker's own tools as a command, the work directory.
 */
final class BenchBroker {
  private BenchBroker() {}

  /** The input topics, as a regex. */
  static final String INPUTS = "shipgate\\.(campaigns|writes|faults|observations|checks)";

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static Properties props(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    return p;
  }

  /** A command running one of the broker's own tools ({@code org.apache.kafka.tools.*}). */
  static List<String> tool(String mainClass, String... args) throws IOException {
    Path cp = Home.dir().resolve("broker/target/broker.classpath");
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx512m", "-cp",
        Files.readString(cp).strip(), mainClass));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** The end offset of every partition of the topics matching {@code topics}. */
  static Map<TopicPartition, Long> endOffsets(Admin admin, String topics) throws Exception {
    List<String> names = admin.listTopics().names().get().stream()
        .filter(t -> t.matches(topics)).toList();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    admin.describeTopics(names).allTopicNames().get().forEach((t, d) ->
        d.partitions().forEach(p -> latest.put(new TopicPartition(t, p.partition()),
            OffsetSpec.latest())));
    Map<TopicPartition, Long> end = new HashMap<>();
    admin.listOffsets(latest).all().get().forEach((tp, r) -> end.put(tp, r.offset()));
    return end;
  }

  /** Bytes on the broker's disks of the topics {@code which} accepts. */
  static long logBytes(Admin admin, Predicate<String> which) throws Exception {
    Collection<Integer> brokers = admin.describeCluster().nodes().get().stream()
        .map(org.apache.kafka.common.Node::id).toList();
    long total = 0;
    for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions()
        .get().values()) {
      for (LogDirDescription d : dirs.values()) {
        for (Map.Entry<TopicPartition, ReplicaInfo> e : d.replicaInfos().entrySet()) {
          if (which.test(e.getKey().topic())) {
            total += e.getValue().size();
          }
        }
      }
    }
    return total;
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
