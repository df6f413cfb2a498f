package dev.shipgate.producer.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RespConnectionTest {

  private static final Duration T = Duration.ofSeconds(2);

  /** Canned raw replies, chosen by the command's first argument. */
  private static final Map<String, String> REPLIES = Map.of(
      "SIMPLE", "+OK\r\n",
      "ERROR", "-READONLY You can't write against a read only replica.\r\n",
      "INTEGER", ":42\r\n",
      "BULK", "$12\r\nhello\r\nworld\r\n",
      "EMPTY", "$0\r\n\r\n",
      "NIL", "$-1\r\n",
      "NILARRAY", "*-1\r\n",
      "ARRAY", "*2\r\n$2\r\n17\r\n*3\r\n$4\r\nns:a\r\n:5\r\n$-1\r\n",
      "GARBAGE", "?what\r\n");

  private FakeRespServer server;
  private RespConnection conn;

  @BeforeEach
  void start() throws IOException {
    server = new FakeRespServer(cmd -> cmd.get(0).equals("SLOW") ? sleepThen("+late\r\n")
        : REPLIES.get(cmd.get(0)));
    conn = RespConnection.open("127.0.0.1", server.port(), T);
  }

  private static String sleepThen(String reply) {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return reply;
  }

  @AfterEach
  void stop() throws IOException {
    conn.close();
    server.close();
  }

  @Test
  void commandsAreSentAsArraysOfBulkStringsWithByteLengths() throws IOException {
    conn.call(T, "SIMPLE", "key with space", "é\r\n€");
    assertEquals(List.of(List.of("SIMPLE", "key with space", "é\r\n€")), server.commands);
  }

  @Test
  void simpleStringIsReturnedAsText() throws IOException {
    assertEquals("OK", conn.call(T, "SIMPLE"));
  }

  @Test
  void errorReplyIsReturnedAsAnErrorWithItsMessage() throws IOException {
    assertEquals(new RespConnection.ErrorReply(
        "READONLY You can't write against a read only replica."), conn.call(T, "ERROR"));
  }

  @Test
  void integerReplyIsALong() throws IOException {
    assertEquals(42L, conn.call(T, "INTEGER"));
  }

  @Test
  void bulkStringKeepsEmbeddedLineBreaks() throws IOException {
    assertEquals("hello\r\nworld", conn.call(T, "BULK"));
    assertEquals("", conn.call(T, "EMPTY"));
  }

  @Test
  void nilBulkAndNilArrayAreNull() throws IOException {
    assertNull(conn.call(T, "NIL"));
    assertNull(conn.call(T, "NILARRAY"));
  }

  @Test
  void nestedArraysKeepTheirElementTypes() throws IOException {
    assertEquals(List.of("17", java.util.Arrays.asList("ns:a", 5L, null)), conn.call(T, "ARRAY"));
  }

  @Test
  void repliesOnOneConnectionStayInOrder() throws IOException {
    assertEquals(42L, conn.call(T, "INTEGER"));
    assertEquals("OK", conn.call(T, "SIMPLE"));
    assertEquals(42L, conn.call(T, "INTEGER"));
  }

  @Test
  void anUnknownTypeByteIsAProtocolError() {
    assertThrows(RespConnection.ProtocolException.class, () -> conn.call(T, "GARBAGE"));
  }

  @Test
  void aClosedConnectionWithoutReplyIsEof() {
    assertThrows(EOFException.class, () -> conn.call(T, "HANGUP"));
  }

  @Test
  void aReplySlowerThanTheTimeoutIsASocketTimeout() {
    assertThrows(SocketTimeoutException.class, () -> conn.call(Duration.ofMillis(100), "SLOW"));
  }
}
