package dev.shipgate.cli.alerts;

import dev.shipgate.cli.ConnectionOptions;
import dev.shipgate.cli.ExitCodes;
import dev.shipgate.cli.ShipgateException;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shipgate alerts webhook URL}: POSTs every alert to URL, at least once. */
@Command(name = "webhook", mixinStandardHelpOptions = true,
    description = {"POSTs each alert of shipgate.alerts to URL as one JSON object (Content-Type"
        + " application/json), with Idempotency-Key: <alert_id>, X-Shipgate-Alert-Kind,"
        + " X-Shipgate-Timestamp and, with --secret-file, X-Shipgate-Signature: sha256=<hex"
        + " HMAC-SHA256(secret, body)>.",
        "At least once: a consumer in group --group-id (read_committed, no auto-commit) commits a"
            + " partition's offset only past alerts that got a 2xx (or a permanent refusal), so a"
            + " restart, after a crash too, resends at most the uncommitted ones. 5xx, 408, 429,"
            + " timeouts and connection errors are retried (200 ms, doubling, jittered, capped at"
            + " --max-backoff; Retry-After honoured); any other 4xx is a permanent refusal: printed,"
            + " counted, skipped.",
        "Runs until Ctrl-C/SIGTERM (or with --once until caught up with the end offsets seen at"
            + " the start), then prints `webhook: sent N, retries R, refused F`. Exit 0; 2 when an"
            + " alert was refused or could not be decoded, or on a bad option."})
public final class WebhookCommand implements Callable<Integer> {
  public static final String DEFAULT_GROUP_ID = "shipgate-webhook";

  @Parameters(index = "0", paramLabel = "URL", description = "http:// or https:// endpoint")
  String url;

  @Option(names = "--secret-file", paramLabel = "FILE",
      description = "shared secret for X-Shipgate-Signature (the file's bytes, a trailing line"
          + " break removed); without it requests are not signed")
  Path secretFile;

  @Option(names = "--group-id", paramLabel = "ID", defaultValue = DEFAULT_GROUP_ID,
      description = "consumer group: its committed offsets are the delivery queue (default:"
          + " ${DEFAULT-VALUE}); a new group starts at the oldest retained alert")
  String groupId;

  @Option(names = "--kind", paramLabel = "KIND[,KIND...]",
      description = "send only these kinds (repeatable); the others are committed unsent")
  List<String> kinds;

  @Option(names = "--campaign", paramLabel = "ID",
      description = "send only this campaign's alerts; the others are committed unsent")
  String campaign;

  @Option(names = "--max-backoff", paramLabel = "DURATION", defaultValue = "30s",
      description = "longest wait between two attempts of one alert, e.g. 500ms, 30s, 2m"
          + " (default: ${DEFAULT-VALUE})")
  String maxBackoff;

  @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "30s",
      description = "how long one attempt waits for an answer (default: ${DEFAULT-VALUE})")
  String requestTimeout;

  @Option(names = "--once", description = "stop when caught up with the end offsets seen at the"
      + " start (tests, cron)")
  boolean once;

  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() {
    URI uri = parseUrl(url);
    Duration backoffCap = duration("--max-backoff", maxBackoff);
    Duration timeout = duration("--request-timeout", requestTimeout);
    AlertFilter filter = AlertFilter.of(kinds, campaign);
    if (groupId == null || groupId.isBlank()) {
      throw new ShipgateException("--group-id '" + groupId + "': expected a consumer group id");
    }
    AlertSigner signer = secretFile == null ? null : AlertSigner.fromFile(secretFile);
    Properties props = connection.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    SecureRandom random = new SecureRandom();
    try (StopSignal stop = StopSignal.onShutdown("shipgate-alerts-webhook-shutdown");
        SchemaRegistry registry = connection.registry()) {
      WebhookDelivery delivery = new WebhookDelivery(http, uri, signer, backoffCap, timeout,
          random, Clock.systemUTC(), System.out::println);
      AlertWebhook webhook = new AlertWebhook(props, new AlertDecoder(registry), filter,
          delivery, backoffCap, random, once, stop, System.out::println);
      String start = "webhook: " + Topics.ALERTS.name() + " -> POST " + redacted(uri) + " as group "
          + groupId + ", " + filter.describe() + ", " + (signer == null ? "unsigned" : "signed")
          + ", max backoff " + DurationText.format(backoffCap);
      AlertWebhook.Summary summary;
      try {
        summary = webhook.run(start);
      } finally {
        // the figures of what was done, also when the run ends on an error
        if (webhook.started()) {
          System.out.println(webhook.summary().line());
          System.out.flush();
        }
      }
      return summary.refused() + summary.undecodable() > 0 ? ExitCodes.FAILURE : ExitCodes.OK;
    } catch (KafkaException e) {
      throw new ShipgateException("cannot read " + Topics.ALERTS.name() + " at "
          + connection.bootstrapServers() + ": " + AlertLine.clean(e.getMessage()), e);
    }
  }

  /**
   * The webhook URL: absolute http or https with a host.
   *
   * @throws ShipgateException naming the value
   */
  static URI parseUrl(String text) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // below
    }
    throw new ShipgateException("URL " + text + ": expected an absolute http:// or https:// URL"
        + " with a host");
  }

  private static Duration duration(String option, String text) {
    try {
      return DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ShipgateException(option + " " + text + ": " + e.getMessage());
    }
  }

  /** The URL without user info or query (which may carry a token) for the start line. */
  static String redacted(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?...");
  }
}
