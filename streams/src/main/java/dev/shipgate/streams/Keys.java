package dev.shipgate.streams;

/**
 * Keys of the output topics and of the state stores. Every key starts with the campaign id, so
 * {@link CampaignPartitioner} can keep everything of one campaign in one partition (campaign ids
 * cannot contain {@code /}).
 */
public final class Keys {
  private Keys() {}

  public static String cycle(String campaign, String fault, int cycle) {
    return campaign + "/" + fault + "/" + cycle;
  }

  public static String fault(String campaign, String fault) {
    return campaign + "/" + fault;
  }

  public static String phase(String campaign, int phase) {
    return campaign + "/" + phase;
  }

  public static String phase1Node(String campaign, String node) {
    return campaign + "/1/" + node;
  }

  /** Prefix of every composite key of {@code campaign}. */
  public static String prefix(String campaign) {
    return campaign + "/";
  }

  /** The campaign id a key starts with: the key up to its first {@code /}. */
  public static String campaignOf(String key) {
    int slash = key.indexOf('/');
    return slash < 0 ? key : key.substring(0, slash);
  }
}
