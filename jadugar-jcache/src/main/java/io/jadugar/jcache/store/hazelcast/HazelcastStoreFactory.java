package io.jadugar.jcache.store.hazelcast;

import io.jadugar.jcache.configuration.ConfigurationException;
import io.jadugar.jcache.configuration.Setting;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.spi.StoreClient;
import io.jadugar.jcache.store.OptionalClients;
import io.jadugar.jcache.spi.StoreFactory;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The {@code hazelcast} store: caches in a Hazelcast cluster, this JVM an embedded member of it or a
 * client of it.
 *
 * <p>This class names no Hazelcast type, so that {@link java.util.ServiceLoader} can create it when
 * Hazelcast is absent; only choosing the store then fails, naming what to add.
 */
public final class HazelcastStoreFactory implements StoreFactory {

  /** The Maven coordinates of the library this store needs. */
  static final String HAZELCAST_COORDINATES = "com.hazelcast:hazelcast";

  /** {@code client} (connect to a running cluster) or {@code member} (this JVM joins or forms one). */
  public static final Setting<String> MODE =
      Setting.choice("jadugar.hazelcast.mode", "client", Set.of("client", "member"));

  /** The cluster's name; unset means the configuration file's, else Hazelcast's {@code dev}. */
  public static final Setting<String> CLUSTER_NAME = Setting.text("jadugar.hazelcast.cluster-name", null);

  /**
   * Member addresses, {@code host:port,host:port}: those a client connects to, or those a member
   * joins by TCP-IP. A {@code hazelcast://host:port,host:port} URI's authority wins over it.
   */
  public static final Setting<String> MEMBERS = Setting.text("jadugar.hazelcast.members", null);

  /** The port an embedded member listens on (member mode); unset means 5701, or the next free one. */
  public static final Setting<Long> PORT = Setting.number("jadugar.hazelcast.port", null, 1);

  /** Synchronous backups of every cache's map; unset means the configuration file's, else 1. */
  public static final Setting<Long> BACKUP_COUNT = Setting.number("jadugar.hazelcast.backup-count", null, 0);

  /** How long a client tries to reach the cluster before it gives up naming the addresses tried. */
  public static final Setting<Duration> CONNECT_TIMEOUT = Setting.duration("jadugar.hazelcast.connect-timeout");

  /**
   * A Hazelcast configuration file of the user's ({@code hazelcast.yaml}/{@code .xml} in member mode,
   * {@code hazelcast-client.yaml}/{@code .xml} in client mode): a file path or {@code classpath:name}.
   * Jadugar's own keys above override what it says; everything else is taken from it.
   */
  public static final Setting<String> CONFIG = Setting.text("jadugar.hazelcast.config", null);

  /**
   * How long Hazelcast keeps an entry after its expiry time, so that a JVM that reads it in that
   * window reports an EXPIRED event; the entry counts as absent as soon as its time has passed.
   */
  public static final Setting<Duration> EXPIRY_GRACE = Setting.duration("jadugar.hazelcast.expiry-grace");

  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration DEFAULT_EXPIRY_GRACE = Duration.ofSeconds(2);
  static final String DEFAULT_MEMBERS = "127.0.0.1:5701";

  @Override
  public String name() {
    return "hazelcast";
  }

  @Override
  public Set<String> uriSchemes() {
    return Set.of("hazelcast");
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(MODE, CLUSTER_NAME, MEMBERS, PORT, BACKUP_COUNT, CONNECT_TIMEOUT, CONFIG, EXPIRY_GRACE);
  }

  @Override
  public Representation representation() {
    return Representation.BYTES;
  }

  @Override
  public StoreClient connect(URI uri, Settings settings) {
    return OptionalClients.open(HazelcastStoreFactory.class, "HazelcastStoreClient", "hazelcast", "Hazelcast", "com.hazelcast.core.HazelcastInstance",
        HAZELCAST_COORDINATES + " (version 5.7.0 or later)", uri, settings);
  }

}
