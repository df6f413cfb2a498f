package dev.shipgate.producer.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetAdaptersTest {

  @Test
  void eachKnownNameGivesItsAdapter() {
    assertInstanceOf(EtcdAdapter.class, TargetAdapters.create("etcd", Map.of()));
    assertInstanceOf(RedisAdapter.class, TargetAdapters.create("redis", Map.of("write_quorum", "3")));
    assertEquals("ai-memory", TargetAdapters.create("ai-memory", null).name());
  }

  @Test
  void anUnknownTargetIsAOneLineErrorListingTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TargetAdapters.create("cassandra", Map.of()));
    assertEquals("unknown target 'cassandra'; known targets: etcd, redis, ai-memory",
        e.getMessage());
  }

  @Test
  void aBadSettingNamesTheKeyAndTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TargetAdapters.create("etcd", Map.of("write_timeout_ms", "2s")));
    assertEquals("etcd: write_timeout_ms must be a positive number of milliseconds, got '2s'",
        e.getMessage());
  }
}
