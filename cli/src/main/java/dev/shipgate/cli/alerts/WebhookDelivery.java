package dev.shipgate.cli.alerts;

import dev.shipgate.results.Alert;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * One alert to the webhook: POSTs it as JSON until the server answers 2xx, retrying with
 * {@link Backoff} after a 5xx, a 408, a 429, any other non-2xx that is not a 4xx, a timeout or an
 * I/O error; a 4xx other than 408/429 is a permanent refusal (the server looked at the alert and
 * said no: retrying the same bytes cannot change its mind), reported and not retried.
 *
 * <p>Every attempt sends the same body bytes, {@code Idempotency-Key: <alert_id>}, {@code
 * X-Shipgate-Alert-Kind}, {@code X-Shipgate-Attempt}, {@code X-Shipgate-Timestamp} (the
 * attempt's time, Unix seconds) and, with a secret, {@code X-Shipgate-Signature:
 * sha256=<hex HMAC-SHA256(secret, body)>}.
 */
public final class WebhookDelivery {
  /** How often a wait for an answer checks whether it is still wanted. */
  private static final Duration SLICE = Duration.ofMillis(100);
  private static final int SNIPPET_BYTES = 200;

  /** How a delivery ended. */
  public enum Outcome {
    /** the server answered 2xx */
    SENT,
    /** the server answered a 4xx other than 408/429: permanent, not retried */
    REFUSED,
    /** given up before an answer (stopping, or the alert's partition moved to another member) */
    ABANDONED
  }

  /** How one answer is treated. */
  enum Answer { SUCCESS, RETRY, REFUSE }

  /** @param status the last HTTP status (0 when the last attempt got no answer) */
  public record Result(Outcome outcome, int attempts, int status) {
    /** Attempts after the first. */
    public int retries() {
      return Math.max(0, attempts - 1);
    }
  }

  /**
   * Waits between attempts and while an answer is awaited (then with {@link Duration#ZERO}: just
   * a check). Returns false when the delivery must be given up now.
   */
  @FunctionalInterface
  public interface Pause {
    boolean sleep(Duration d);
  }

  private final HttpClient http;
  private final URI url;
  private final AlertSigner signer;
  private final Duration maxBackoff;
  private final Duration requestTimeout;
  private final RandomGenerator random;
  private final Clock clock;
  private final Consumer<String> progress;

  /**
   * @param signer null: requests are not signed
   * @param progress receives one line per answer that matters (sent, retry, refused)
   */
  public WebhookDelivery(HttpClient http, URI url, AlertSigner signer, Duration maxBackoff,
      Duration requestTimeout, RandomGenerator random, Clock clock, Consumer<String> progress) {
    this.http = Objects.requireNonNull(http);
    this.url = Objects.requireNonNull(url);
    this.signer = signer;
    this.maxBackoff = Objects.requireNonNull(maxBackoff);
    this.requestTimeout = Objects.requireNonNull(requestTimeout);
    this.random = Objects.requireNonNull(random);
    this.clock = Objects.requireNonNull(clock);
    this.progress = Objects.requireNonNull(progress);
  }

  static Answer classify(int status) {
    if (status >= 200 && status < 300) {
      return Answer.SUCCESS;
    }
    if (status >= 400 && status < 500 && status != 408 && status != 429) {
      return Answer.REFUSE;
    }
    return Answer.RETRY;
  }

  /**
   * Delivers {@code alert} (its {@code alert_id} set: the idempotency key), waiting through
   * {@code pause}.
   */
  public Result deliver(Alert alert, Pause pause) {
    byte[] body = AlertLine.jsonBytes(alert);
    String what = alert.getAlertId() + " " + alert.getKind() + " "
        + AlertLine.clean(alert.getCampaignId());
    Backoff backoff = new Backoff(maxBackoff, random);
    long t0 = System.nanoTime();
    int attempts = 0;
    while (true) {
      attempts++;
      HttpRequest.Builder request = HttpRequest.newBuilder(url)
          .timeout(requestTimeout)
          .header("Content-Type", "application/json")
          .header("User-Agent", "shipgate-webhook")
          .header("Idempotency-Key", alert.getAlertId())
          .header("X-Shipgate-Alert-Kind", alert.getKind().name())
          .header("X-Shipgate-Attempt", String.valueOf(attempts))
          .header("X-Shipgate-Timestamp", String.valueOf(clock.instant().getEpochSecond()))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      if (signer != null) {
        request.header("X-Shipgate-Signature", signer.signature(body));
      }
      CompletableFuture<HttpResponse<InputStream>> pending =
          http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      HttpResponse<InputStream> response = null;
      String failure = null;
      while (response == null && failure == null) {
        try {
          response = pending.get(SLICE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException notYet) {
          if (!pause.sleep(Duration.ZERO)) {
            pending.cancel(true);
            return new Result(Outcome.ABANDONED, attempts, 0);
          }
        } catch (ExecutionException e) {
          Throwable cause = e.getCause() == null ? e : e.getCause();
          failure = describe(cause);
        } catch (InterruptedException e) {
          pending.cancel(true);
          Thread.currentThread().interrupt();
          return new Result(Outcome.ABANDONED, attempts, 0);
        }
      }
      int status = response == null ? 0 : response.statusCode();
      Duration retryAfter = null;
      if (response != null) {
        Answer answer = classify(status);
        // a 2xx body is not read (only closed); a refusal's or failure's first bytes are shown
        String snippet = answer == Answer.SUCCESS ? discard(response.body())
            : snippet(response.body());
        switch (answer) {
          case SUCCESS -> {
            progress.accept(String.format(java.util.Locale.ROOT,
                "sent %s: HTTP %d after %d attempt%s (%d ms)", what, status, attempts,
                attempts == 1 ? "" : "s", (System.nanoTime() - t0) / 1_000_000));
            return new Result(Outcome.SENT, attempts, status);
          }
          case REFUSE -> {
            progress.accept("refused " + what + ": HTTP " + status + " on attempt " + attempts
                + ", not retried (a 4xx other than 408/429 is permanent), skipped"
                + (snippet.isEmpty() ? "" : "; body: " + snippet));
            return new Result(Outcome.REFUSED, attempts, status);
          }
          case RETRY -> {
            retryAfter = retryAfter(response);
            failure = "HTTP " + status + (snippet.isEmpty() ? "" : " (" + snippet + ")");
          }
          default -> throw new IllegalStateException();
        }
      }
      Duration wait = backoff.next(retryAfter);
      progress.accept("retry " + what + ": " + failure + " on attempt " + attempts + "; next in "
          + wait.toMillis() + " ms");
      if (!pause.sleep(wait)) {
        return new Result(Outcome.ABANDONED, attempts, status);
      }
    }
  }

  /** {@code Retry-After} in seconds (the HTTP-date form is ignored), or null. */
  static Duration retryAfter(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").map(String::trim)
        .filter(v -> v.matches("\\d{1,6}")).map(v -> Duration.ofSeconds(Long.parseLong(v)))
        .orElse(null);
  }

  /** The first bytes of a response body on one line; the rest is discarded. */
  private static String snippet(InputStream body) {
    try (InputStream in = body) {
      byte[] head = in.readNBytes(SNIPPET_BYTES + 1);
      String s = AlertLine.clean(new String(head, 0, Math.min(head.length, SNIPPET_BYTES),
          StandardCharsets.UTF_8));
      return head.length > SNIPPET_BYTES ? s + "..." : s;
    } catch (IOException e) {
      return "";
    }
  }

  private static String discard(InputStream body) {
    try {
      body.close();
    } catch (IOException e) {
      // nothing was wanted from it
    }
    return "";
  }

  private static String describe(Throwable t) {
    String msg = t.getMessage();
    String name = t.getClass().getSimpleName();
    if (msg == null || msg.isBlank()) {
      Throwable c = t.getCause();
      if (c != null && c.getMessage() != null) {
        return c.getMessage() + " (" + c.getClass().getSimpleName() + ")";
      }
      return name;
    }
    return AlertLine.clean(msg) + " (" + name + ")";
  }
}
