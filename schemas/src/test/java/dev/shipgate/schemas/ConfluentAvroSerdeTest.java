package dev.shipgate.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.events.WriteOutcome;
import dev.shipgate.events.WriteResult;
import dev.shipgate.schemas.registry.InMemorySchemaRegistry;
import dev.shipgate.schemas.registry.SchemaRegistryException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class ConfluentAvroSerdeTest {

  private static WriteResult write() {
    return WriteResult.newBuilder()
        .setCampaignId("r1").setEventId("e1").setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
        .setPhase(4).setFault("partition_minority").setCycle(7).setSeq(42).setWriteId("c7-w42")
        .setNode("a").setStatus(201).setOutcome(WriteOutcome.OK).setLatencyMs(12L).build();
  }

  @Test
  void shouldWriteMagicByteThenRegisteredSchemaIdThenAvro() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    Serde<WriteResult> serde = Topics.WRITES.valueSerde(registry);

    byte[] bytes = serde.serializer().serialize(Topics.WRITES.name(), write());

    assertEquals(0, bytes[0], "magic byte");
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    assertEquals(registry.register("shipgate.writes-value", WriteResult.getClassSchema()), id);
    assertEquals(write(), serde.deserializer().deserialize(Topics.WRITES.name(), bytes));
  }

  @Test
  void shouldReadRecordsWrittenWithAnOlderCompatibleSchema() throws Exception {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    Schema current = WriteResult.getClassSchema();
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : current.getFields()) {
      if (!f.name().equals("error")) {
        fields.add(new Schema.Field(f, f.schema()));
      }
    }
    Schema older = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(),
        false, fields);
    int olderId = registry.register(Topics.WRITES.valueSubject(), older);
    GenericRecord record = new GenericData.Record(older);
    for (Schema.Field f : older.getFields()) {
      Object v = write().get(f.name());
      record.put(f.name(), v instanceof Instant i ? i.toEpochMilli()
          : v instanceof Enum<?> e ? new GenericData.EnumSymbol(f.schema(), e.name()) : v);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(olderId).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(older).write(record, encoder);
    encoder.flush();

    WriteResult read = Topics.WRITES.valueSerde(registry).deserializer()
        .deserialize(Topics.WRITES.name(), out.toByteArray());

    assertEquals("c7-w42", read.getWriteId());
    assertEquals(Instant.ofEpochMilli(1_700_000_000_123L), read.getEventTime());
    assertEquals(null, read.getError());
  }

  @Test
  void shouldRefuseBytesThatAreNotInTheWireFormat() {
    Serde<WriteResult> serde = Topics.WRITES.valueSerde(new InMemorySchemaRegistry());
    SerializationException e = assertThrows(SerializationException.class,
        () -> serde.deserializer().deserialize("shipgate.writes", "{\"json\":1}".getBytes()));
    assertTrue(e.getMessage().contains("not in the Confluent wire format"), e.getMessage());
  }

  @Test
  void shouldPassNullsThroughAsTombstones() {
    Serde<WriteResult> serde = Topics.WRITES.valueSerde(new InMemorySchemaRegistry());
    assertEquals(null, serde.serializer().serialize("t", null));
    assertEquals(null, serde.deserializer().deserialize("t", null));
  }

  @Test
  void shouldRefuseAnIncompatibleChangeUnderBackwardCompatibility() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    SchemaBootstrap.registerAll(registry);
    Schema withRequiredField = SchemaBuilder.record("WriteResult").namespace("dev.shipgate.events")
        .fields().requiredString("campaign_id").requiredString("brand_new_required").endRecord();

    SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
        () -> registry.register(Topics.WRITES.valueSubject(), withRequiredField));
    assertTrue(e.isIncompatible());
  }

  @Test
  void shouldRegisterEveryTopicUnderItsValueSubject() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    var ids = SchemaBootstrap.registerAll(registry);
    assertEquals(Topics.all().size(), ids.size());
    assertTrue(ids.containsKey("shipgate.campaign-verdicts-value"));
    assertArrayEquals(new String[] {"BACKWARD"},
        new String[] {registry.compatibility("shipgate.writes-value")});
  }
}
