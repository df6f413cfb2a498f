package dev.shipgate.cli;

import dev.shipgate.streams.ShipgateStreams;
import dev.shipgate.streams.query.QueryServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.apache.kafka.streams.state.HostInfo;
import picocli.CommandLine;

/** The HOST:PORT of a Streams instance's query server, parsed and bound with clear errors. */
final class QueryEndpoint {
  private QueryEndpoint() {}

  /** {@code text} as host and port, or a usage error naming {@code option} and the value. */
  static HostInfo parse(String text, String option) {
    int colon = text.lastIndexOf(':');
    String host = colon <= 0 ? "" : text.substring(0, colon);
    int port = -1;
    if (colon > 0) {
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
    }
    if (host.isEmpty() || port < 1 || port > 65535 || !host.matches("[A-Za-z0-9.-]+")) {
      throw new CommandLine.ParameterException(new CommandLine(new Main()), option
          + ": expected HOST:PORT (port 1-65535) or off, got \"" + text + "\"");
    }
    return new HostInfo(host, port);
  }

  /** Starts the query server of {@code streams} at {@code server}, or fails naming the address. */
  static QueryServer serve(ShipgateStreams streams, HostInfo server) {
    try {
      return QueryServer.start(streams, server,
          new InetSocketAddress(server.host(), server.port()));
    } catch (IOException e) {
      throw new ShipgateException("cannot serve queries on " + server.host() + ":"
          + server.port() + ": " + Main.describe(e)
          + " (another instance there? give this one its own --http, or --http off)");
    }
  }
}
