package dev.shipgate.producer.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.EventSource;
import dev.shipgate.results.DeadLetter;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.InMemorySchemaRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class KafkaEventPublisherTest {
  private static final Instant T = Instant.parse("2026-04-20T14:06:38Z");

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  private static CheckResult check(String campaign) {
    return CheckResult.newBuilder().setCampaignId(campaign).setEventId("e-1").setEventTime(T)
        .setSource(EventSource.IMPORTED).setPhase(2).setCheck("phase2.probe1")
        .setValues(Map.of("status", "201")).build();
  }

  private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
    return new MockProducer<>(autoComplete, null, new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  @Test
  void shouldSendEachEventToItsTopicKeyedByCampaignWithEventTimeAsTimestamp() {
    MockProducer<byte[], byte[]> mock = producer(true);
    KafkaEventPublisher publisher = new KafkaEventPublisher(mock, registry);

    publisher.publish(CampaignEvent.newBuilder().setCampaignId("r20").setEventId("e-0")
        .setEventTime(T.minusMillis(5)).setType(CampaignEventType.FINISHED)
        .setSource(EventSource.IMPORTED).build());
    publisher.publish(check("r20"));
    publisher.flush();

    List<ProducerRecord<byte[], byte[]>> sent = mock.history();
    assertEquals(List.of(Topics.CAMPAIGNS.name(), Topics.CHECKS.name()),
        sent.stream().map(ProducerRecord::topic).toList());
    assertEquals("r20", new String(sent.get(1).key(), StandardCharsets.UTF_8));
    assertEquals(T.toEpochMilli(), sent.get(1).timestamp());
    assertEquals(T.minusMillis(5).toEpochMilli(), sent.get(0).timestamp());
    CheckResult back = Topics.CHECKS.valueSerde(registry).deserializer()
        .deserialize(Topics.CHECKS.name(), sent.get(1).value());
    assertEquals(check("r20"), back);
  }

  @Test
  void shouldThrowOnFlushWhenAnySendFailed() {
    MockProducer<byte[], byte[]> mock = producer(false);
    KafkaEventPublisher publisher = new KafkaEventPublisher(mock, registry);
    publisher.publish(check("r20"));
    publisher.publish(check("r21"));
    mock.completeNext();
    mock.errorNext(new TimeoutException("broker gone"));

    PublishException e = assertThrows(PublishException.class, publisher::flush);

    assertTrue(e.getMessage().startsWith("1 of 2 events failed to publish"), e.getMessage());
    assertTrue(e.getMessage().contains("broker gone"), e.getMessage());
    assertEquals(1, publisher.failedCount());
    assertThrows(PublishException.class, publisher::close, "a failure is never forgotten");
  }

  @Test
  void shouldKeyADeadLetterWithAnInvalidCampaignIdByItsSource() {
    MockProducer<byte[], byte[]> mock = producer(true);
    KafkaEventPublisher publisher = new KafkaEventPublisher(mock, registry);

    publisher.publish(DeadLetter.newBuilder().setSourceTopic("runs/x/campaign-summary.json")
        .setCampaignId("../x").setValue(ByteBuffer.wrap(new byte[] {1}))
        .setReason("campaign_id '../x' is invalid").setComponent("shipgate-import")
        .setEventTime(T).build());
    publisher.close();

    assertEquals(Topics.DEAD_LETTERS.name(), mock.history().get(0).topic());
    assertEquals("runs/x/campaign-summary.json",
        new String(mock.history().get(0).key(), StandardCharsets.UTF_8));
    assertTrue(mock.closed());
  }

  @Test
  void shouldRefuseToPublishAfterClose() {
    KafkaEventPublisher publisher = new KafkaEventPublisher(producer(true), registry);
    publisher.close();

    assertThrows(PublishException.class, () -> publisher.publish(check("r20")));
  }

  @Test
  void shouldForceAcksAllAndIdempotenceAndRefuseWeakerSettings() {
    Map<String, Object> config = KafkaEventPublisher.producerConfig(
        Map.of("bootstrap.servers", "127.0.0.1:9092"));

    assertEquals("all", config.get("acks"));
    assertEquals("true", config.get("enable.idempotence"));
    IllegalArgumentException acks = assertThrows(IllegalArgumentException.class,
        () -> KafkaEventPublisher.producerConfig(
            Map.of("bootstrap.servers", "127.0.0.1:9092", "acks", "1")));
    assertEquals("acks '1' is not allowed: events must be published with acks=all",
        acks.getMessage());
    assertThrows(IllegalArgumentException.class, () -> KafkaEventPublisher.producerConfig(
        Map.of("bootstrap.servers", "127.0.0.1:9092", "enable.idempotence", "false")));
    assertThrows(IllegalArgumentException.class,
        () -> KafkaEventPublisher.producerConfig(Map.of()));
  }
}
