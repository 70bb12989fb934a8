package io.jadugar.jcache.store.redis;

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
 * The {@code redis} store: caches in Redis (single server, Sentinel or Cluster) through Redisson.
 *
 * <p>This class names no Redisson or Netty type, so that {@link java.util.ServiceLoader} can
 * create it when Redisson is absent; only choosing the store then fails, naming what to add.
 */
public final class RedisStoreFactory implements StoreFactory {

  /** The Maven coordinates of the client this store needs. */
  static final String REDISSON_COORDINATES = "org.redisson:redisson";

  /** Address of a single server, {@code redis://host:port} or {@code rediss://host:port} (TLS). */
  public static final Setting<String> ADDRESS = Setting.text("jadugar.redis.address", null);

  /** Comma-separated addresses of Redis Cluster nodes; selects Cluster mode. */
  public static final Setting<String> CLUSTER_NODES = Setting.text("jadugar.redis.cluster.nodes", null);

  /** Name of the master that Sentinel watches; selects Sentinel mode. */
  public static final Setting<String> SENTINEL_MASTER = Setting.text("jadugar.redis.sentinel.master", null);

  /** Comma-separated addresses of the Sentinels. */
  public static final Setting<String> SENTINEL_ADDRESSES =
      Setting.text("jadugar.redis.sentinel.addresses", null);

  /** ACL user name (Redis 6+); unset means the default user. */
  public static final Setting<String> USERNAME = Setting.text("jadugar.redis.username", null);

  /** Password of the user (or of {@code requirepass}). */
  public static final Setting<String> PASSWORD = Setting.text("jadugar.redis.password", null);

  /** Trust store (file path or URL) with the certificate of a TLS server. */
  public static final Setting<String> TRUSTSTORE = Setting.text("jadugar.redis.tls.truststore", null);

  /** Password of the trust store. */
  public static final Setting<String> TRUSTSTORE_PASSWORD =
      Setting.text("jadugar.redis.tls.truststore-password", null);

  /** Database number (single server and Sentinel). */
  public static final Setting<Long> DATABASE = Setting.number("jadugar.redis.database", 0L, 0);

  /** How long connecting to a server may take. */
  public static final Setting<Duration> CONNECT_TIMEOUT = Setting.duration("jadugar.redis.connect-timeout");

  /** How long one command may wait for its answer before it fails. */
  public static final Setting<Duration> TIMEOUT = Setting.duration("jadugar.redis.timeout");

  /** How often a failed command is retried before the error reaches the application. */
  public static final Setting<Long> RETRY_ATTEMPTS = Setting.number("jadugar.redis.retry-attempts", 1L, 0);

  /** Connections per server. */
  public static final Setting<Long> POOL_SIZE = Setting.number("jadugar.redis.pool-size", 16L, 1);

  /**
   * How long Redis keeps an entry after its expiry time, so that a JVM that reads it in that
   * window reports an EXPIRED event; the entry counts as absent as soon as its time has passed.
   */
  public static final Setting<Duration> EXPIRY_GRACE = Setting.duration("jadugar.redis.expiry-grace");

  /** Whether caches publish their changes and hear other JVMs' changes (listeners across JVMs). */
  public static final Setting<String> EVENTS =
      Setting.choice("jadugar.redis.events", "true", Set.of("true", "false"));

  /**
   * The lease of a key lock (taken around each write-through operation so that the CacheWriter sees
   * every committed change once): renewed while held, it ends this long after its JVM died.
   */
  public static final Setting<Duration> LOCK_LEASE = Setting.duration("jadugar.redis.lock-lease");

  /** Defaults of the duration settings, which {@link Setting#duration} cannot carry. */
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
  static final Duration DEFAULT_EXPIRY_GRACE = Duration.ofSeconds(2);
  static final Duration DEFAULT_LOCK_LEASE = Duration.ofSeconds(30);

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public Set<String> uriSchemes() {
    return Set.of("redis", "rediss");
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(ADDRESS, CLUSTER_NODES, SENTINEL_MASTER, SENTINEL_ADDRESSES, USERNAME, PASSWORD,
        TRUSTSTORE, TRUSTSTORE_PASSWORD, DATABASE, CONNECT_TIMEOUT, TIMEOUT, RETRY_ATTEMPTS,
        POOL_SIZE, EXPIRY_GRACE, EVENTS, LOCK_LEASE);
  }

  @Override
  public Representation representation() {
    return Representation.BYTES;
  }

  @Override
  public StoreClient connect(URI uri, Settings settings) {
    return OptionalClients.open(RedisStoreFactory.class, "RedisStoreClient", "redis", "Redisson", "org.redisson.Redisson",
        REDISSON_COORDINATES + " (version 4.7.0 or later)", uri, settings);
  }

}
