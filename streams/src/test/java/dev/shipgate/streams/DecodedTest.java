package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.state.CampaignBook;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DecodedTest {
  private KeyValueStore<String, CampaignBook> store;

  @BeforeEach
  void open() {
    store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("books"), Serdes.String(),
        StateSerde.<CampaignBook>of(CampaignBook.getClassSchema())).withLoggingDisabled().build();
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static CampaignBook book(long maxEventTime) {
    return CampaignBook.newBuilder().setSeen(new HashMap<>()).setFaultsSeen(new ArrayList<>())
        .setMaxEventTime(maxEventTime).build();
  }

  @Test
  void shouldKeepWhatItWritesThroughAndReadTheStoreForTheRest() {
    Decoded<CampaignBook> books = new Decoded<>(store, 2);
    CampaignBook a = book(1);
    books.put("a", a);
    assertSame(a, books.get("a"));
    assertEquals(a, store.get("a"), "written through");
    store.put("b", book(2)); // stored by another judge instance before this one
    assertEquals(2, books.get("b").getMaxEventTime());
    books.put("c", book(3));
    books.put("d", book(4)); // "a" is out of memory, not out of the store
    assertEquals(1, books.get("a").getMaxEventTime());
    assertSame(books.get("d"), books.scan("d").get(0).getValue(), "a scan hands out the kept one");
  }

  @Test
  void shouldForgetADeletedPrefixInMemoryToo() {
    Decoded<CampaignBook> books = new Decoded<>(store, 8);
    books.put("c/1", book(1));
    books.put("c/2", book(2));
    books.put("d/1", book(3));
    books.deleteAll("c/");
    assertNull(books.get("c/1"));
    assertNull(books.get("c/2"));
    assertEquals(3, books.get("d/1").getMaxEventTime());
  }

  @Test
  void shouldCatchABookChangedAndNotPutBackWhenTheTestsAskForIt() {
    assertTrue(Decoded.VERIFY, "the build sets shipgate.streams.verify-kept for the tests");
    Decoded<CampaignBook> books = new Decoded<>(store, 8);
    books.put("a", book(1));
    CampaignBook a = books.get("a");
    a.setSeen(new HashMap<>(Map.of("4/writes", 1L))); // and no put
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> books.get("a"));
    assertTrue(e.getMessage().contains("changed and not put back"), e.getMessage());
  }
}
