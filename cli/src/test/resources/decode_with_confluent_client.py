#!/usr/bin/python3
"""Reads a topic to its end with Confluent's own client (Debian python3-confluent-kafka: its
consumer, CachedSchemaRegistryClient and MessageSerializer, over the `avro` library): a reader
this project did not write. Keys are plain strings; values are decoded from the Confluent wire
format through the registry. Prints one line per record: key, a tab, the value as JSON."""
import json
import sys

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.avro.cached_schema_registry_client import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

bootstrap, registry, topic = sys.argv[1:4]
serializer = MessageSerializer(CachedSchemaRegistryClient({"url": registry}))
consumer = Consumer({
    "bootstrap.servers": bootstrap,
    "group.id": "confluent-python-reader",
    "isolation.level": "read_committed",
    "enable.auto.commit": False,
})
metadata = consumer.list_topics(topic, timeout=15)
partitions = [TopicPartition(topic, p, 0) for p in metadata.topics[topic].partitions]
ends = {}
for tp in partitions:
    low, high = consumer.get_watermark_offsets(tp, timeout=15)
    ends[tp.partition] = high
consumer.assign(partitions)
done = {p for p, high in ends.items() if high == 0}
idle = 0
while len(done) < len(ends) and idle < 50:
    msg = consumer.poll(0.2)
    if msg is None:
        idle += 1
        # under read_committed the last offset is a transaction marker, never delivered
        for tp in consumer.position(partitions):
            if tp.offset >= ends[tp.partition] - 1:
                done.add(tp.partition)
        continue
    idle = 0
    if msg.error():
        print("error: %s" % msg.error(), file=sys.stderr)
        sys.exit(2)
    key = msg.key().decode("utf-8") if msg.key() is not None else None
    value = serializer.decode_message(msg.value(), is_key=False)
    print("%s\t%s" % (key, json.dumps(value, default=str)))
    if msg.offset() >= ends[msg.partition()] - 1:
        done.add(msg.partition())
consumer.close()
