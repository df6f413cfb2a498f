package dev.shipgate.streams.query;

import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.FaultBound;
import dev.shipgate.streams.CampaignPartitioner;
import dev.shipgate.streams.EvidenceStores;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The verdict state of one Streams instance, read through interactive queries: which instance
 * holds a campaign (its inputs' partition, as the producers' default partitioner puts it), and
 * this instance's own campaigns and bounds.
 */
public final class CampaignQueries {

  /** Where a campaign's state is: here, on another instance, or nowhere right now. */
  public sealed interface Location {
    /** This instance holds it. */
    record Here(int partition) implements Location {}

    /** Another instance holds it. */
    record There(HostInfo host) implements Location {}

    /** No instance holds it at the moment (rebalancing, or still starting). */
    record Unavailable() implements Location {}
  }

  private static final StreamPartitioner<String, Object> BY_CAMPAIGN =
      (topic, key, value, partitions) -> Optional.of(Set.of(
          CampaignPartitioner.partitionOf(key, partitions)));

  private final KafkaStreams streams;
  private final HostInfo self;

  public CampaignQueries(KafkaStreams streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
  }

  public HostInfo self() {
    return self;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Which instance answers for {@code campaignId}. */
  public Location locate(String campaignId) {
    KeyQueryMetadata meta = streams.queryMetadataForKey(EvidenceStores.VERDICTS, campaignId,
        BY_CAMPAIGN);
    if (meta == null || meta.equals(KeyQueryMetadata.NOT_AVAILABLE)
        || meta.activeHost() == null || meta.activeHost().port() < 0) {
      return new Location.Unavailable();
    }
    return meta.activeHost().equals(self) ? new Location.Here(meta.partition())
        : new Location.There(meta.activeHost());
  }

  /** The other instances of the application that hold state (for listing every campaign). */
  public List<HostInfo> others() {
    List<HostInfo> hosts = new ArrayList<>();
    for (StreamsMetadata m : streams.streamsMetadataForStore(EvidenceStores.VERDICTS)) {
      if (!m.hostInfo().equals(self) && !m.stateStoreNames().isEmpty()
          && m.hostInfo().port() >= 0) {
        hosts.add(m.hostInfo());
      }
    }
    return hosts;
  }

  /**
   * The campaign verdict this instance holds.
   *
   * @throws InvalidStateStoreException while the store is not queryable (rebalancing)
   */
  public Optional<CampaignVerdict> verdict(String campaignId, int partition) {
    return Optional.ofNullable(verdicts(partition).get(campaignId));
  }

  /** The fault bounds this instance holds for a campaign, by fault class name. */
  public List<FaultBound> bounds(String campaignId, int partition) {
    List<FaultBound> out = new ArrayList<>();
    ReadOnlyKeyValueStore<String, FaultBound> store = streams.store(StoreQueryParameters
        .fromNameAndType(EvidenceStores.BOUNDS, QueryableStoreTypes.<String, FaultBound>keyValueStore())
        .withPartition(partition));
    try (KeyValueIterator<String, FaultBound> it =
        store.prefixScan(campaignId + "/", new StringSerializer())) {
      it.forEachRemaining(kv -> out.add(kv.value));
    }
    return out;
  }

  /** Every campaign verdict this instance holds (its active partitions). */
  public List<CampaignVerdict> localVerdicts() {
    List<CampaignVerdict> out = new ArrayList<>();
    ReadOnlyKeyValueStore<String, CampaignVerdict> store = streams.store(StoreQueryParameters
        .fromNameAndType(EvidenceStores.VERDICTS,
            QueryableStoreTypes.<String, CampaignVerdict>keyValueStore()));
    try (KeyValueIterator<String, CampaignVerdict> it = store.all()) {
      it.forEachRemaining(kv -> out.add(kv.value));
    }
    return out;
  }

  private ReadOnlyKeyValueStore<String, CampaignVerdict> verdicts(int partition) {
    return streams.store(StoreQueryParameters.fromNameAndType(EvidenceStores.VERDICTS,
        QueryableStoreTypes.<String, CampaignVerdict>keyValueStore()).withPartition(partition));
  }
}
