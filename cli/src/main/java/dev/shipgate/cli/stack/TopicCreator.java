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

  /** What was created and what was already there. */
  public record Result(List<String> created, List<String> existing) {}

  public static Result createMissing(Admin admin, short replicationFactor) {
    List<String> created = new ArrayList<>();
    List<String> existing = new ArrayList<>();
    try {
      Set<String> present = admin.listTopics().names().get(15, TimeUnit.SECONDS);
      List<NewTopic> toCreate = new ArrayList<>();
      for (Topic<?, ?> t : Topics.all()) {
        if (present.contains(t.name())) {
          existing.add(t.name());
          continue;
        }
        Map<String, String> cfg = new HashMap<>(t.configs());
        cfg.put("cleanup.policy", t.cleanupPolicy());
        toCreate.add(new NewTopic(t.name(), t.partitions(), replicationFactor).configs(cfg));
      }
      if (toCreate.isEmpty()) {
        return new Result(created, existing);
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
      return new Result(created, existing);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new StackException("cannot list/create topics: " + e, e);
    }
  }
}
