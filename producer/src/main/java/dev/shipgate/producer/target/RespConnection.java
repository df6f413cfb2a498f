package dev.shipgate.producer.target;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One Redis connection speaking RESP2. Not thread-safe: one caller at a time (the adapter's pool
 * lends it out exclusively). Replies map to Java as: simple string → {@link String}, error →
 * {@link ErrorReply}, integer → {@link Long}, bulk string → {@link String} (UTF-8), array →
 * {@link List}, nil bulk or nil array → {@code null}.
 */
public final class RespConnection implements AutoCloseable {

  /** An error reply ({@code -ERR ...}): the server answered, and refused. */
  public record ErrorReply(String message) {}

  /** The connection broke or the reply was not valid RESP: the connection must be discarded. */
  public static final class ProtocolException extends IOException {
    public ProtocolException(String message) {
      super(message);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String target;

  private RespConnection(Socket socket, String target) throws IOException {
    this.socket = socket;
    this.target = target;
    this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
  }

  public static RespConnection open(String host, int port, Duration connectTimeout)
      throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
      return new RespConnection(socket, host + ":" + port);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** Sends one command and waits up to {@code timeout} for its reply. */
  public Object call(Duration timeout, String... args) throws IOException {
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    writeCommand(args);
    return readReply();
  }

  public String target() {
    return target;
  }

  private void writeCommand(String... args) throws IOException {
    out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      out.write(('$' + Integer.toString(bytes.length) + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.write('\r');
      out.write('\n');
    }
    out.flush();
  }

  private Object readReply() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("connection closed by " + target);
    }
    String line = readLine();
    switch (type) {
      case '+':
        return line;
      case '-':
        return new ErrorReply(line);
      case ':':
        return parseLong(line);
      case '$': {
        long length = parseLong(line);
        if (length < 0) {
          return null;
        }
        byte[] data = in.readNBytes((int) length);
        if (data.length != length) {
          throw new EOFException("connection closed by " + target + " inside a bulk string");
        }
        expectCrlf();
        return new String(data, StandardCharsets.UTF_8);
      }
      case '*': {
        long count = parseLong(line);
        if (count < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>((int) Math.min(count, 1024));
        for (long i = 0; i < count; i++) {
          items.add(readReply());
        }
        return items;
      }
      default:
        throw new ProtocolException("unexpected RESP type byte '" + (char) type + "' from "
            + target);
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(32);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed by " + target + " inside a reply");
      }
      if (b == '\r') {
        int next = in.read();
        if (next != '\n') {
          throw new ProtocolException("CR without LF in a reply from " + target);
        }
        return buf.toString(StandardCharsets.UTF_8);
      }
      buf.write(b);
    }
  }

  private void expectCrlf() throws IOException {
    if (in.read() != '\r' || in.read() != '\n') {
      throw new ProtocolException("bulk string from " + target + " not ended by CRLF");
    }
  }

  private long parseLong(String line) throws ProtocolException {
    try {
      return Long.parseLong(line);
    } catch (NumberFormatException e) {
      throw new ProtocolException("not an integer in a reply from " + target + ": " + line);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a broken socket: nothing left to release
    }
  }
}
