package dev.shipgate.cli;

import dev.shipgate.schemas.registry.RestSchemaRegistry;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where the broker and the schema registry are: the local stack by default, or any Kafka cluster
 * and any registry speaking Confluent's REST API.
 */
public final class ConnectionOptions {
  public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:19092";
  public static final String DEFAULT_REGISTRY = "http://127.0.0.1:8081/apis/ccompat/v7";

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
      defaultValue = "${env:SHIPGATE_BOOTSTRAP_SERVERS:-" + DEFAULT_BOOTSTRAP + "}",
      description = "Kafka bootstrap servers (env SHIPGATE_BOOTSTRAP_SERVERS; default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(names = "--schema-registry-url", paramLabel = "URL",
      defaultValue = "${env:SHIPGATE_SCHEMA_REGISTRY_URL:-" + DEFAULT_REGISTRY + "}",
      description = "Root of a Confluent-API schema registry (env SHIPGATE_SCHEMA_REGISTRY_URL;"
          + " default: ${DEFAULT-VALUE}). For Confluent/Karapace/Redpanda use http://host:8081.")
  String schemaRegistryUrl;

  @Option(names = "--client-config", paramLabel = "FILE",
      description = "Extra Kafka client properties (security.protocol, sasl.*, ssl.*) for an existing cluster.")
  java.nio.file.Path clientConfig;

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public SchemaRegistry registry() {
    return new RestSchemaRegistry(schemaRegistryUrl);
  }

  /** Base client properties: bootstrap servers plus the --client-config file, if any. */
  public Properties clientProperties() {
    Properties p = new Properties();
    if (clientConfig != null) {
      try (var in = java.nio.file.Files.newInputStream(clientConfig)) {
        p.load(in);
      } catch (java.io.IOException e) {
        throw new ShipgateException("--client-config " + clientConfig + " cannot be read: " + e.getMessage(), e);
      }
    }
    p.put("bootstrap.servers", bootstrapServers);
    return p;
  }
}
