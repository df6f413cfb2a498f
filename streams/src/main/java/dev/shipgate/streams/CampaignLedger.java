package dev.shipgate.streams;

import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.Thresholds;
import dev.shipgate.schemas.Topics;
import dev.shipgate.schemas.registry.SchemaRegistry;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * A topology's own copy of the campaign lifecycle: the STARTED event (configuration) under
 * {@code <campaign>}, the FINISHED or ABORTED event under {@code <campaign>/end}. Each topology
 * that needs the configuration keeps one, fed from the campaigns topic in the same task.
 */
final class CampaignLedger {
  private static final Thresholds DEFAULTS = Thresholds.newBuilder().build();

  private final KeyValueStore<String, CampaignEvent> store;

  CampaignLedger(KeyValueStore<String, CampaignEvent> store) {
    this.store = store;
  }

  static StoreBuilder<KeyValueStore<String, CampaignEvent>> storeBuilder(String name,
      SchemaRegistry registry) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(),
        Topics.CAMPAIGNS.valueSerde(registry));
  }

  void record(CampaignEvent event) {
    String id = event.getCampaignId();
    if (event.getType() == CampaignEventType.STARTED) {
      store.put(id, event);
    } else {
      store.put(id + "/end", event);
    }
  }

  CampaignEvent started(String campaign) {
    return store.get(campaign);
  }

  CampaignEvent end(String campaign) {
    return store.get(campaign + "/end");
  }

  CampaignConfig config(String campaign) {
    CampaignEvent started = started(campaign);
    return started == null ? null : started.getConfig();
  }

  Thresholds thresholds(String campaign) {
    CampaignConfig config = config(campaign);
    return config == null ? DEFAULTS : config.getThresholds();
  }

  List<String> nodes(String campaign) {
    CampaignConfig config = config(campaign);
    return config == null ? List.of() : config.getNodes();
  }

  List<String> faults(String campaign) {
    CampaignConfig config = config(campaign);
    return config == null ? List.of() : config.getFaults();
  }
}
