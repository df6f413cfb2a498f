package dev.shipgate.cli.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shipgate.cli.Captured;
import dev.shipgate.cli.Main;
import dev.shipgate.cli.ShipgateException;
import dev.shipgate.results.AlertKind;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The options of {@code alerts tail} and {@code alerts webhook}, refused before anything is
 * contacted: one line naming the option and the value, exit 2; and the small decisions (kinds,
 * durations, status codes) on their own.
 */
class AlertsCommandTest {
  private static final String NOWHERE = "127.0.0.1:9"; // never contacted: the options fail first

  /** The exit code and what went to stderr. */
  private static String[] run(String... args) {
    Captured c = Captured.of(() -> Main.run(args));
    return new String[] {String.valueOf(c.exit()), c.stderr().strip()};
  }

  @Test
  void shouldRefuseAnUnknownKindNamingItAndTheValidKinds() {
    String[] r = run("alerts", "tail", "--kind", "VERDICT_FINAL,NOPE",
        "--bootstrap-servers", NOWHERE);
    assertEquals("2", r[0]);
    assertEquals("shipgate: --kind NOPE: not an alert kind; valid kinds: VERDICT_CHANGED,"
        + " THRESHOLD_BREACHED, FAULT_NOT_APPLIED, DEAD_LETTER, LATE_EVIDENCE, VERDICT_FINAL,"
        + " CAMPAIGN_STALLED, CAMPAIGN_RESUMED, CAMPAIGN_ABANDONED, SOAK_REGRESSION, SOAK_FINAL",
        r[1]);
    String[] w = run("alerts", "webhook", "http://127.0.0.1:9/hook", "--kind", "verdict",
        "--bootstrap-servers", NOWHERE);
    assertEquals("2", w[0]);
    assertTrue(w[1].startsWith("shipgate: --kind verdict: not an alert kind; valid kinds: "), w[1]);
    assertEquals(1, w[1].lines().count(), w[1]);
  }

  @Test
  void shouldRefuseABadUrlBackoffOrSecretFileInOneLine() {
    String[] url = run("alerts", "webhook", "ftp://example/hook", "--bootstrap-servers", NOWHERE);
    assertEquals("2", url[0]);
    assertEquals("shipgate: URL ftp://example/hook: expected an absolute http:// or https:// URL"
        + " with a host", url[1]);
    String[] backoff = run("alerts", "webhook", "http://127.0.0.1:9/hook", "--max-backoff",
        "soon", "--bootstrap-servers", NOWHERE);
    assertEquals("2", backoff[0]);
    assertEquals("shipgate: --max-backoff soon: expected a positive duration such as 500ms, 30s,"
        + " 2m or 1h, got soon", backoff[1]);
    String[] secret = run("alerts", "webhook", "http://127.0.0.1:9/hook", "--secret-file",
        "/nonexistent/secret", "--bootstrap-servers", NOWHERE);
    assertEquals("2", secret[0]);
    assertTrue(secret[1].startsWith("shipgate: --secret-file /nonexistent/secret: cannot be read"),
        secret[1]);
    assertEquals(1, secret[1].lines().count(), secret[1]);
  }

  @Test
  void shouldAskForASubcommand() {
    String[] r = run("alerts");
    assertEquals("1", r[0]);
    assertTrue(r[1].contains("a subcommand is required"), r[1]);
  }

  @Test
  void shouldParseKindsCaseInsensitivelyRepeatedAndCommaSeparated() {
    assertEquals(EnumSet.of(AlertKind.VERDICT_FINAL, AlertKind.DEAD_LETTER, AlertKind.SOAK_FINAL),
        AlertFilter.parseKinds(List.of("verdict_final, DEAD_LETTER", "SOAK_FINAL")));
    assertEquals(EnumSet.noneOf(AlertKind.class), AlertFilter.parseKinds(null));
    ShipgateException empty = assertThrows(ShipgateException.class,
        () -> AlertFilter.parseKinds(List.of("DEAD_LETTER,")));
    assertTrue(empty.getMessage().startsWith("--kind 'DEAD_LETTER,': not an alert kind"),
        empty.getMessage());
  }

  @Test
  void shouldFilterByKindAndCampaign() {
    AlertFilter f = AlertFilter.of(List.of("DEAD_LETTER"), "r20");
    assertTrue(f.accepts(AlertLineTest.alert(AlertKind.DEAD_LETTER, "r20", null, null, null, "m")));
    assertFalse(f.accepts(AlertLineTest.alert(AlertKind.DEAD_LETTER, "r21", null, null, null, "m")));
    assertFalse(f.accepts(AlertLineTest.alert(AlertKind.SOAK_FINAL, "r20", null, null, null, "m")));
    AlertFilter all = AlertFilter.of(null, null);
    for (AlertKind k : AlertKind.values()) {
      assertTrue(all.accepts(AlertLineTest.alert(k, "any", null, null, null, "m")));
    }
    assertEquals("all kinds, any campaign", all.describe());
    assertEquals("kinds DEAD_LETTER, campaign r20", f.describe());
  }

  @Test
  void shouldTreatOnlyA4xxOtherThan408And429AsARefusal() {
    for (int s : new int[] {200, 201, 202, 204, 299}) {
      assertEquals(WebhookDelivery.Answer.SUCCESS, WebhookDelivery.classify(s), "" + s);
    }
    for (int s : new int[] {400, 401, 403, 404, 410, 413, 422, 499}) {
      assertEquals(WebhookDelivery.Answer.REFUSE, WebhookDelivery.classify(s), "" + s);
    }
    for (int s : new int[] {408, 429, 500, 502, 503, 504, 301, 302, 100, 0}) {
      assertEquals(WebhookDelivery.Answer.RETRY, WebhookDelivery.classify(s), "" + s);
    }
  }

  @Test
  void shouldParseDurationsAsUsersTypeThem() {
    assertEquals(Duration.ofMillis(500), DurationText.parse("500ms"));
    assertEquals(Duration.ofSeconds(30), DurationText.parse("30s"));
    assertEquals(Duration.ofMinutes(2), DurationText.parse(" 2M "));
    assertEquals(Duration.ofHours(1), DurationText.parse("1h"));
    assertEquals(Duration.ofSeconds(45), DurationText.parse("PT45S"));
    for (String bad : new String[] {"", "0s", "-1s", "30", "s", "1d", "PTxS", "99999999999s"}) {
      assertThrows(IllegalArgumentException.class, () -> DurationText.parse(bad), bad);
    }
    assertEquals("30s", DurationText.format(Duration.ofSeconds(30)));
    assertEquals("1500ms", DurationText.format(Duration.ofMillis(1500)));
    assertEquals("2m", DurationText.format(Duration.ofMinutes(2)));
  }

  @Test
  void shouldStartAtTheBeginningUnlessToldNotTo() {
    assertTrue(new CommandLine(new TailCommand()).parseArgs().matchedOptions().isEmpty());
    TailCommand dflt = new TailCommand();
    new CommandLine(dflt).parseArgs();
    assertTrue(dflt.fromBeginning);
    TailCommand on = new TailCommand();
    new CommandLine(on).parseArgs("--from-beginning");
    assertTrue(on.fromBeginning);
    TailCommand off = new TailCommand();
    new CommandLine(off).parseArgs("--no-from-beginning");
    assertFalse(off.fromBeginning);
  }

  @Test
  void shouldKeepCredentialsOutOfTheStartLine() {
    assertEquals("https://hooks.example:8443/x/y?...",
        WebhookCommand.redacted(URI.create("https://user:pw@hooks.example:8443/x/y?token=t")));
    assertEquals("http://127.0.0.1/hook", WebhookCommand.redacted(URI.create(
        "http://127.0.0.1/hook")));
  }
}
