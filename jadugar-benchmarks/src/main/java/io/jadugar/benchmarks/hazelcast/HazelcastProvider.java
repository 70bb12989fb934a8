package io.jadugar.benchmarks.hazelcast;

import com.hazelcast.cache.HazelcastCachingProvider;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.CacheConfig;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import io.jadugar.benchmarks.CacheTarget;
import io.jadugar.benchmarks.JCacheTarget;
import io.jadugar.benchmarks.Payload;
import io.jadugar.benchmarks.RemoteServer;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import java.net.URI;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * The Hazelcast caches under test, all clients of the run's member, at their defaults otherwise (no
 * expiry, no statistics, store-by-value). Ids follow the report's rule: {@code jadugar...} is
 * Jadugar, {@code ...-native} is outside the JCache API.
 */
public enum HazelcastProvider {

  /** Jadugar's Hazelcast store in client mode, through a {@code hazelcast://} cache manager URI. */
  JADUGAR("jadugar") {
    @Override
    public CacheTarget open(int capacity) {
      Properties p = new Properties();
      p.setProperty("jadugar.hazelcast.cluster-name", cluster());
      CacheManager manager = Caching.getCachingProvider("io.jadugar.jcache.JadugarCachingProvider")
          .getCacheManager(URI.create("hazelcast://" + RemoteServer.HOST + ":" + port()),
              HazelcastProvider.class.getClassLoader(), p);
      Cache<Integer, Payload> cache = manager.createCache(CACHE, new JadugarConfiguration<Integer, Payload>()
          .setTypes(Integer.class, Payload.class)
          .setStoreByValue(true));
      return new JCacheTarget(manager, cache);
    }
  },

  /** Hazelcast's own JCache provider in client mode, given the same kind of client. */
  HAZELCAST_JCACHE("hazelcast-jcache") {
    @Override
    public CacheTarget open(int capacity) {
      HazelcastInstance client = client();
      CacheManager manager = Caching.getCachingProvider(HazelcastCachingProvider.CLIENT_CACHING_PROVIDER)
          .getCacheManager(URI.create("hazelcast-bench"), HazelcastProvider.class.getClassLoader(),
              HazelcastCachingProvider.propertiesByInstanceItself(client));
      // Hazelcast's JCache evicts beyond 10,000 entries by default (ENTRY_COUNT, LRU): the fill's 32,768
      // would be cut to about 15,000 and most "hits" would miss. Bounded to the workloads' capacity instead,
      // as every other cache of the benchmarks is (Hazelcast's count is per partition, approximately).
      CacheConfig<Integer, Payload> config = new CacheConfig<Integer, Payload>()
          .setEvictionConfig(new EvictionConfig().setMaxSizePolicy(MaxSizePolicy.ENTRY_COUNT).setSize(capacity));
      config.setTypes(Integer.class, Payload.class).setStoreByValue(true);
      Cache<Integer, Payload> cache = manager.createCache(CACHE, config);
      return new ClientClosing(new JCacheTarget(manager, cache), client);
    }
  },

  /** The ceiling: raw {@code IMap} calls ({@code get}, {@code set}, {@code getAll}, {@code putAll}). */
  HAZELCAST_NATIVE("hazelcast-native") {
    @Override
    public CacheTarget open(int capacity) {
      return new HazelcastNativeTarget(client());
    }
  };

  /** The cache name every provider uses; each names its map differently, so they never collide. */
  static final String CACHE = "bench";

  private final String id;

  HazelcastProvider(String id) {
    this.id = id;
  }

  /** The id used in {@code @Param}s and reports. */
  public String id() {
    return id;
  }

  /** The provider whose id is {@code id}. */
  public static HazelcastProvider of(String id) {
    for (HazelcastProvider p : values()) {
      if (p.id.equals(id)) {
        return p;
      }
    }
    throw new IllegalArgumentException("Unknown Hazelcast provider " + id);
  }

  /**
   * A fresh, empty cache of this provider on the run's member. Only Hazelcast's JCache is bounded to
   * {@code capacity} (it evicts by default); Jadugar's store and the raw map hold every entry.
   */
  public abstract CacheTarget open(int capacity);

  static int port() {
    return RemoteServer.port("bench.hazelcast.port");
  }

  static String cluster() {
    String c = System.getProperty("bench.hazelcast.cluster");
    return c == null || c.isBlank() ? "dev" : c.trim();
  }

  /** A client of the run's member, otherwise at Hazelcast's defaults (as a user would start one). */
  static HazelcastInstance client() {
    ClientConfig config = new ClientConfig();
    config.setClusterName(cluster());
    config.getNetworkConfig().addAddress(RemoteServer.HOST + ":" + port());
    config.setProperty("hazelcast.logging.type", "slf4j");
    return HazelcastClient.newHazelcastClient(config);
  }

  /** A JCache target whose closing also shuts down the client it was given. */
  private static final class ClientClosing implements CacheTarget {
    private final JCacheTarget target;
    private final HazelcastInstance client;

    ClientClosing(JCacheTarget target, HazelcastInstance client) {
      this.target = target;
      this.client = client;
    }

    @Override
    public Payload get(Integer key) {
      return target.get(key);
    }

    @Override
    public boolean containsKey(Integer key) {
      return target.containsKey(key);
    }

    @Override
    public void put(Integer key, Payload value) {
      target.put(key, value);
    }

    @Override
    public Object increment(Integer key) {
      return target.increment(key);
    }

    @Override
    public java.util.Map<Integer, Payload> getAll(java.util.Set<Integer> keys) {
      return target.getAll(keys);
    }

    @Override
    public void putAll(java.util.Map<Integer, Payload> entries) {
      target.putAll(entries);
    }

    @Override
    public long size() {
      return target.size();
    }

    @Override
    public void close() {
      try {
        target.close();
      } finally {
        client.shutdown();
      }
    }
  }
}
