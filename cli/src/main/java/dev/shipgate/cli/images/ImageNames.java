package dev.shipgate.cli.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The tags of shipgate's local images, with the versions from the parent POM (no {@code latest}):
 * {@code shipgate-base:bookworm-jre17}, {@code shipgate-target:bookworm},
 * {@code shipgate-kafka:<kafka.version>}, {@code shipgate-registry:<apicurio.version>} and
 * {@code shipgate:<project.version>}.
 */
public record ImageNames(String shipgateVersion, String kafkaVersion, String apicurioVersion) {

  /** Label every shipgate image and container carries, so cleanup can find them without names. */
  public static final String LABEL = "dev.shipgate";
  /** Label holding the hash of what an image was built from. */
  public static final String CONTENT_LABEL = "dev.shipgate.content-sha256";

  public static final String BASE = "shipgate-base:bookworm-jre17";
  public static final String TARGET = "shipgate-target:bookworm";

  /** The versions this build was made with (from the filtered {@code shipgate-images.properties}). */
  public static ImageNames current() {
    Properties p = new Properties();
    try (InputStream in = ImageNames.class.getResourceAsStream("/shipgate-images.properties")) {
      if (in == null) {
        throw new IllegalStateException("shipgate-images.properties is missing from the classpath");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ImageNames(p.getProperty("shipgate.version"), p.getProperty("kafka.version"),
        p.getProperty("apicurio.version"));
  }

  public String kafka() {
    return "shipgate-kafka:" + kafkaVersion;
  }

  public String registry() {
    return "shipgate-registry:" + apicurioVersion;
  }

  public String shipgate() {
    return "shipgate:" + shipgateVersion;
  }
}
