package dev.shipgate.streams;

import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.SchemaRegistry;
import dev.shipgate.schemas.serde.ConfluentAvroSerializer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * One sink for every output: the value's class names its topic (each output topic has its own
 * record type), and the value is written with that topic's serde.
 */
final class OutputRouting {
  private OutputRouting() {}

  private static final Map<Class<?>, String> TOPIC_BY_CLASS = new HashMap<>();

  static {
    for (Topic<String, ? extends SpecificRecord> topic : Topics.outputs()) {
      TOPIC_BY_CLASS.put(topic.valueClass(), topic.name());
    }
  }

  /** The output topic of {@code value}'s class, under {@code prefix}. */
  static TopicNameExtractor<String, SpecificRecord> topicOfValue(String prefix) {
    return (key, value, context) -> {
      String topic = TOPIC_BY_CLASS.get(value.getClass());
      if (topic == null) {
        throw new IllegalStateException("no output topic for " + value.getClass().getName());
      }
      return prefix + topic;
    };
  }

  static Produced<String, SpecificRecord> produced(SchemaRegistry registry, String prefix) {
    return Produced.with(Topics.CAMPAIGN_VERDICTS.keySerde(), valueSerde(registry, prefix),
        new CampaignPartitioner<>());
  }

  /**
   * Each output value written with its own topic's serde; a prefixed topic uses the subject of the
   * live topic it mirrors (the same schema), so a re-analysis registers nothing new.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Serde<SpecificRecord> valueSerde(SchemaRegistry registry, String prefix) {
    Map<String, Serializer<SpecificRecord>> byTopic = new HashMap<>();
    for (Topic<String, ? extends SpecificRecord> topic : Topics.outputs()) {
      Serializer<SpecificRecord> live = (Serializer) topic.valueSerde(registry).serializer();
      byTopic.put(prefix + topic.name(), framing(topic.name(), live));
    }
    Serializer<SpecificRecord> serializer = (topic, value) -> {
      Serializer<SpecificRecord> s = byTopic.get(topic);
      if (s == null) {
        throw new IllegalStateException("not an output topic: " + topic);
      }
      return s.serialize(topic, value);
    };
    Deserializer<SpecificRecord> deserializer = (topic, bytes) -> {
      throw new UnsupportedOperationException("output values are only written");
    };
    return org.apache.kafka.common.serialization.Serdes.serdeFrom(serializer, deserializer);
  }

  /**
   * {@code live} writing to {@code liveTopic}'s subject; a record being emitted is framed from the
   * encoding its hash was taken of ({@link Hashing#lent}), the same bytes.
   */
  private static Serializer<SpecificRecord> framing(String liveTopic,
      Serializer<SpecificRecord> live) {
    if (!(live instanceof ConfluentAvroSerializer<?> avro)) {
      return (t, v) -> live.serialize(liveTopic, v);
    }
    return (t, v) -> {
      byte[] framed = Hashing.lent(v, (body, length) -> avro.framed(liveTopic, body, length));
      return framed != null ? framed : live.serialize(liveTopic, v);
    };
  }
}
