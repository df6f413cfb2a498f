package dev.shipgate.cli.stack;

import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics of {@link Topics#all()} that are missing, with their partitions and configs,
 * on the local stack or on any cluster.
 */
public final class TopicCreator {
  private TopicCreator() {}

  /**
   * What was created, what was already there, and the configs set on existing topics to the
   * declared values ({@code topic: key=value}).
   */
  public record Result(List<String> created, List<String> existing, List<String> updated) {
    public Result(List<String> created, List<String> existing) {
      this(created, existing, List.of());
    }
  }

  public static Result createMissing(Admin admin, short replicationFactor) {
    return createMissing(admin, replicationFactor, Topics.all());
  }

  /** The output topics under {@code prefix} (a re-analysis's namespace), those missing. */
  public static Result createOutputs(Admin admin, short replicationFactor, String prefix) {
    return createMissing(admin, replicationFactor,
        Topics.outputs().stream().<Topic<?, ?>>map(t -> t.prefixed(prefix)).toList());
  }

  /**
   * {@code min.insync.replicas} for topics of {@code replicationFactor} replicas: 2 from 3 replicas
   * on (an acknowledged event survives the loss of one broker), the broker's default below that.
   */
  public static java.util.Optional<String> minInsyncReplicas(int replicationFactor) {
    return replicationFactor >= 3 ? java.util.Optional.of("2") : java.util.Optional.empty();
  }

  private static Result createMissing(Admin admin, short replicationFactor,
      List<? extends Topic<?, ?>> topics) {
    List<String> created = new ArrayList<>();
    List<String> existing = new ArrayList<>();
    try {
      Set<String> present = admin.listTopics().names().get(15, TimeUnit.SECONDS);
      List<NewTopic> toCreate = new ArrayList<>();
      for (Topic<?, ?> t : topics) {
        if (present.contains(t.name())) {
          existing.add(t.name());
          continue;
        }
        Map<String, String> cfg = new HashMap<>(t.configs());
        cfg.put("cleanup.policy", t.cleanupPolicy());
        minInsyncReplicas(replicationFactor).ifPresent(n -> cfg.put("min.insync.replicas", n));
        toCreate.add(new NewTopic(t.name(), t.partitions(), replicationFactor).configs(cfg));
      }
      List<String> updated = alignConfigs(admin, existing);
      if (toCreate.isEmpty()) {
        return new Result(created, existing, updated);
      }
      CreateTopicsResult result = admin.createTopics(toCreate);
      for (var e : result.values().entrySet()) {
        try {
          e.getValue().get(30, TimeUnit.SECONDS);
          created.add(e.getKey());
        } catch (ExecutionException ex) {
          if (ex.getCause() instanceof TopicExistsException) {
            existing.add(e.getKey());
          } else {
            throw new StackException("cannot create topic " + e.getKey() + ": " + ex.getCause(),
                ex.getCause());
          }
        }
      }
      return new Result(created, existing, updated);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new StackException("cannot list/create topics: " + e, e);
    }
  }

  /**
   * Sets, on topics that already exist, every declared config whose value differs (a stack made
   * before a config was declared: its compacted topics would otherwise never compact). Only the
   * declared keys are touched.
   */
  static List<String> alignConfigs(Admin admin, List<String> existing)
      throws InterruptedException, ExecutionException, TimeoutException {
    List<String> updated = new ArrayList<>();
    if (existing.isEmpty()) {
      return updated;
    }
    List<org.apache.kafka.common.config.ConfigResource> resources = new ArrayList<>();
    for (String name : existing) {
      resources.add(new org.apache.kafka.common.config.ConfigResource(
          org.apache.kafka.common.config.ConfigResource.Type.TOPIC, name));
    }
    Map<org.apache.kafka.common.config.ConfigResource, org.apache.kafka.clients.admin.Config>
        current = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
    Map<org.apache.kafka.common.config.ConfigResource,
        java.util.Collection<org.apache.kafka.clients.admin.AlterConfigOp>> changes =
        new HashMap<>();
    for (Topic<?, ?> t : Topics.all()) {
      var resource = new org.apache.kafka.common.config.ConfigResource(
          org.apache.kafka.common.config.ConfigResource.Type.TOPIC, t.name());
      var config = current.get(resource);
      if (config == null) {
        continue;
      }
      for (Map.Entry<String, String> want : t.configs().entrySet()) {
        var have = config.get(want.getKey());
        if (have == null || !want.getValue().equals(have.value())) {
          changes.computeIfAbsent(resource, r -> new ArrayList<>()).add(
              new org.apache.kafka.clients.admin.AlterConfigOp(
                  new org.apache.kafka.clients.admin.ConfigEntry(want.getKey(), want.getValue()),
                  org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET));
          updated.add(t.name() + ": " + want.getKey() + "=" + want.getValue());
        }
      }
    }
    if (!changes.isEmpty()) {
      admin.incrementalAlterConfigs(changes).all().get(30, TimeUnit.SECONDS);
    }
    return updated;
  }
}
