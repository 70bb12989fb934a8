package io.jadugar.jcache.store.memcached;

import io.jadugar.jcache.configuration.ConfigurationException;
import io.jadugar.jcache.configuration.Setting;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.spi.StoreClient;
import io.jadugar.jcache.spi.StoreFactory;
import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * The {@code memcached} store. Names no type of the memcached client, so that ServiceLoader can
 * create it when the client is missing; choosing the store then fails with the coordinates to add.
 */
public final class MemcachedStoreFactory implements StoreFactory {

  /** The Maven coordinates of the memcached client this store needs. */
  public static final String CLIENT_COORDINATES = "com.amazonaws:elasticache-java-cluster-client";

  /** Servers as {@code host:port,host:port}; a {@code memcached://} URI's authority wins over it. */
  public static final Setting<String> SERVERS = Setting.text("jadugar.memcached.servers", "127.0.0.1:11211");

  /** How long one operation may take before it fails naming its server; default 2.5s. */
  public static final Setting<java.time.Duration> OPERATION_TIMEOUT =
      Setting.duration("jadugar.memcached.operation-timeout");

  /** The longest wait between attempts to reconnect to a server that went away; default 2s. */
  public static final Setting<java.time.Duration> RECONNECT_DELAY =
      Setting.duration("jadugar.memcached.reconnect-delay");

  /** Connections to each server (one client per connection, used in turn); default 1. */
  public static final Setting<Long> CONNECTIONS = Setting.number("jadugar.memcached.connections", 1L, 1);

  /**
   * What a dead server's keys do: {@code miss} (default; reads of them are misses, writes of them
   * fail) or {@code error} (every operation on them fails). Never redirected to another server.
   */
  public static final Setting<String> FAILURE_MODE =
      Setting.choice("jadugar.memcached.failure-mode", "miss", Set.of("miss", "error"));

  /**
   * What a value larger than the servers' item size limit does: {@code error} (default; the write
   * fails naming cache, key and size) or {@code skip} (it is not cached, and counted).
   */
  public static final Setting<String> OVERSIZED_VALUES =
      Setting.choice("jadugar.memcached.oversized-values", "error", Set.of("error", "skip"));

  /** The item size limit in bytes; unset means the smallest {@code item_size_max} of the servers. */
  public static final Setting<Long> ITEM_SIZE_LIMIT = Setting.number("jadugar.memcached.item-size-limit", null, 1);

  /**
   * The lease of a key lock (taken around each write-through operation so that the CacheWriter sees
   * every committed change once): renewed while held, it ends this long after its JVM died; default 30s.
   */
  public static final Setting<java.time.Duration> LOCK_LEASE = Setting.duration("jadugar.memcached.lock-lease");

  static final java.time.Duration DEFAULT_LOCK_LEASE = java.time.Duration.ofSeconds(30);

  private static final String CLIENT_CLASS = "net.spy.memcached.MemcachedClient";

  @Override
  public String name() {
    return "memcached";
  }

  @Override
  public Set<String> uriSchemes() {
    return Set.of("memcached");
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(SERVERS, OPERATION_TIMEOUT, RECONNECT_DELAY, CONNECTIONS, FAILURE_MODE,
        OVERSIZED_VALUES, ITEM_SIZE_LIMIT, LOCK_LEASE);
  }

  @Override
  public Representation representation() {
    return Representation.BYTES;
  }

  @Override
  public StoreClient connect(URI uri, Settings settings) {
    try {
      Class.forName(CLIENT_CLASS, false, MemcachedStoreFactory.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new ConfigurationException("The memcached store needs the memcached client on the class path: add "
          + "the Maven dependency " + CLIENT_COORDINATES + " (version 1.2.4 or later)", e);
    }
    String servers = uri != null && "memcached".equalsIgnoreCase(uri.getScheme()) && uri.getRawAuthority() != null
        ? uri.getRawAuthority() : settings.get(SERVERS);
    return new MemcachedConnection(uri, servers, settings);
  }
}
