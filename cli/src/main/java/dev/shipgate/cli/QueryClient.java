package dev.shipgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.FaultBound;
import dev.shipgate.schemas.JsonRecords;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A client of a Streams instance's query server ({@code shipgate streams --http}), used by
 * {@code shipgate verdict} when one is reachable and judges the cluster the command means.
 */
final class QueryClient {

  /** The instance could not answer this time (rebalancing, not reachable): read the topics. */
  static final class Unavailable extends Exception {
    Unavailable(String message) {
      super(message);
    }
  }

  /** A campaign's verdict and bounds as the instance holds them. */
  record Found(CampaignVerdict verdict, List<FaultBound> bounds) {}

  private final String base;

  private QueryClient(String base) {
    this.base = base;
  }

  /** Status and body of one GET (plain HttpURLConnection: no TLS set-up, so it starts fast). */
  record Response(int status, String body) {}

  static Response get(String url, int connectMillis, int readMillis) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setConnectTimeout(connectMillis);
    c.setReadTimeout(readMillis);
    c.setRequestProperty("Accept", "application/json");
    try {
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Response(status, body);
    } finally {
      c.disconnect();
    }
  }

  /**
   * The query server at {@code url} if it answers within a moment and is the live application of
   * {@code bootstrapServers}; otherwise empty, with why in {@code why}.
   */
  static Optional<QueryClient> reach(String url, String bootstrapServers, StringBuilder why) {
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    JsonNode health;
    try {
      Response r = get(base + "/health", 500, 2000);
      health = JsonRecords.parse(r.body());
      if (r.status() != 200) {
        why.append(base).append(" is ").append(health.path("state").asText("not healthy"));
        return Optional.empty();
      }
    } catch (IOException | IllegalArgumentException e) {
      why.append("no query server at ").append(base);
      return Optional.empty();
    }
    if (!health.path("live").asBoolean(false)) {
      why.append(base).append(" serves a re-analysis (outputs under ")
          .append(health.path("output_prefix").asText()).append("), not the live verdicts");
      return Optional.empty();
    }
    if (!servers(health.path("bootstrap_servers").asText()).equals(servers(bootstrapServers))) {
      why.append(base).append(" judges ").append(health.path("bootstrap_servers").asText())
          .append(", not ").append(bootstrapServers);
      return Optional.empty();
    }
    return Optional.of(new QueryClient(base));
  }

  private static Set<String> servers(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toSet());
  }

  String base() {
    return base;
  }

  /** The campaign's verdict and bounds, or empty when the instance knows no such campaign. */
  Optional<Found> find(String campaignId) throws Unavailable {
    JsonNode verdict = get("/campaigns/" + campaignId);
    if (verdict == null) {
      return Optional.empty();
    }
    JsonNode faults = get("/campaigns/" + campaignId + "/faults");
    List<FaultBound> bounds = new ArrayList<>();
    if (faults != null) {
      faults.path("faults").forEach(f -> bounds.add(JsonRecords.fromJson(f, FaultBound.class)));
    }
    return Optional.of(new Found(JsonRecords.fromJson(verdict, CampaignVerdict.class), bounds));
  }

  private JsonNode get(String path) throws Unavailable {
    Response r;
    try {
      r = get(base + path, 1000, 5000);
    } catch (IOException e) {
      throw new Unavailable(base + path + ": " + Main.describe(e));
    }
    if (r.status() == 404) {
      return null;
    }
    if (r.status() != 200) {
      throw new Unavailable(base + path + ": HTTP " + r.status() + " "
          + Main.oneLine(r.body()));
    }
    try {
      return JsonRecords.parse(r.body());
    } catch (IllegalArgumentException e) {
      throw new Unavailable(base + path + ": " + e.getMessage());
    }
  }
}
