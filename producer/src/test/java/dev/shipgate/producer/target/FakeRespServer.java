package dev.shipgate.producer.target;

import dev.shipgate.producer.remote.Node;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A RESP server on 127.0.0.1 that parses each command the client sends (checking the client's
 * encoding), records it, and answers with the raw bytes a test's function returns for it
 * ({@code null}: close the connection without answering).
 */
final class FakeRespServer implements AutoCloseable {

  final List<List<String>> commands = new CopyOnWriteArrayList<>();
  private final ServerSocket server;
  private final Function<List<String>, String> replies;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  FakeRespServer(Function<List<String>, String> replies) throws IOException {
    this.replies = replies;
    this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread acceptor = new Thread(this::accept, "fake-resp-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  Node node(String name, int index) {
    return new Node(name, index, "127.0.0.1", 0, null, null, null, server.getLocalPort(), 0,
        null, null, null);
  }

  /** Connections accepted so far. */
  int connections() {
    return sockets.size();
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        sockets.add(s);
        Thread t = new Thread(() -> serve(s), "fake-resp-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (true) {
        List<String> command = readCommand(in);
        if (command == null) {
          return;
        }
        commands.add(command);
        String reply = replies.apply(command);
        if (reply == null) {
          return;
        }
        out.write(reply.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException e) {
      // client went away
    }
  }

  /** A command as clients send it: an array of bulk strings. */
  private static List<String> readCommand(InputStream in) throws IOException {
    int type = in.read();
    if (type < 0) {
      return null;
    }
    if (type != '*') {
      throw new IOException("client sent a non-array command: " + (char) type);
    }
    int count = Integer.parseInt(line(in));
    List<String> args = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (in.read() != '$') {
        throw new IOException("client sent a non-bulk argument");
      }
      int len = Integer.parseInt(line(in));
      byte[] data = in.readNBytes(len);
      if (in.read() != '\r' || in.read() != '\n') {
        throw new IOException("argument length does not match its bytes");
      }
      args.add(new String(data, StandardCharsets.UTF_8));
    }
    return args;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new IOException("eof");
      }
      b.write(c);
    }
    in.read();
    return b.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
