package dev.shipgate.producer.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shipgate.producer.publish.CapturingEventPublisher.Captured;
import dev.shipgate.producer.publish.KafkaEventPublisher;
import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.InMemorySchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** Every imported event survives the real Avro serde and keeps key, topic and timestamp. */
class ImportThroughKafkaPublisherTest {

  @Test
  void shouldPublishEveryImportedEventOfTheReferenceRunsAndTheSampleThroughTheAvroSerde() {
    for (Path path : List.of(Imported.referenceRuns(), Imported.demoSample())) {
      InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
      MockProducer<byte[], byte[]> mock =
          new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
      ImportReport report;
      try (KafkaEventPublisher publisher = new KafkaEventPublisher(mock, registry)) {
        report = new ArtifactImporter(publisher, Clock.fixed(Imported.IMPORT_TIME,
            ZoneOffset.UTC)).importPath(path, ImportOptions.defaults());
      }
      List<Captured> expected = Imported.of(path).publisher.all();

      assertEquals(List.of(), report.errors());
      List<ProducerRecord<byte[], byte[]>> sent = mock.history();
      assertEquals(expected.size(), sent.size());
      for (int i = 0; i < sent.size(); i++) {
        ProducerRecord<byte[], byte[]> record = sent.get(i);
        Captured want = expected.get(i);
        assertEquals(want.topic(), record.topic());
        assertEquals(want.key(), new String(record.key(), StandardCharsets.UTF_8));
        assertEquals(want.timestamp().toEpochMilli(), record.timestamp());
        assertEquals(want.value(), deserialize(registry, record));
      }
      assertEquals(expected.stream().map(Captured::topic).distinct().sorted()
          .collect(Collectors.toList()), report.eventsByTopic().keySet().stream().sorted()
          .collect(Collectors.toList()));
    }
  }

  private static SpecificRecord deserialize(InMemorySchemaRegistry registry,
      ProducerRecord<byte[], byte[]> record) {
    for (Topic<String, ? extends SpecificRecord> topic : Topics.all()) {
      if (topic.name().equals(record.topic())) {
        return topic.valueSerde(registry).deserializer().deserialize(topic.name(),
            record.value());
      }
    }
    throw new AssertionError("unknown topic " + record.topic());
  }
}
