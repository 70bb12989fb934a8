package io.jadugar.benchmarks.redis;

import io.jadugar.benchmarks.CacheTarget;
import io.jadugar.benchmarks.JCacheTarget;
import io.jadugar.benchmarks.Payload;
import io.jadugar.benchmarks.RemoteServer;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import java.net.URI;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.redisson.config.Config;
import org.redisson.jcache.configuration.RedissonConfiguration;

/**
 * The Redis caches under test, all on the one server of the run, at their defaults otherwise
 * (no expiry, no statistics, store-by-value: Redis holds bytes). Ids follow the report's rule:
 * {@code jadugar...} is Jadugar, {@code ...-native} is outside the JCache API.
 */
public enum RedisProvider {

  /** Jadugar's Redis store (Redisson underneath), through a {@code redis://} cache manager URI. */
  JADUGAR("jadugar") {
    @Override
    public CacheTarget open() {
      CacheManager manager = Caching.getCachingProvider("io.jadugar.jcache.JadugarCachingProvider")
          .getCacheManager(URI.create("redis://" + RemoteServer.HOST + ":" + port()),
              RedisProvider.class.getClassLoader());
      Cache<Integer, Payload> cache = manager.createCache(CACHE, new JadugarConfiguration<Integer, Payload>()
          .setTypes(Integer.class, Payload.class)
          .setStoreByValue(true));
      return new JCacheTarget(manager, cache);
    }
  },

  /** Redisson's own JCache provider, given the same server through its {@code RedissonConfiguration}. */
  REDISSON_JCACHE("redisson-jcache") {
    @Override
    public CacheTarget open() {
      // Redisson's provider reads a server from redisson-jcache.yaml on the class path, or from
      // the Redisson Config inside the cache's configuration: the latter needs no file
      CacheManager manager = Caching.getCachingProvider("org.redisson.jcache.JCachingProvider").getCacheManager();
      MutableConfiguration<Integer, Payload> jcache = new MutableConfiguration<Integer, Payload>()
          .setTypes(Integer.class, Payload.class)
          .setStoreByValue(true);
      Cache<Integer, Payload> cache = manager.createCache(CACHE, RedissonConfiguration.fromConfig(config(), jcache));
      return new JCacheTarget(manager, cache);
    }
  },

  /** The ceiling: raw Redisson, one {@code RBucket} per key, {@code RBuckets} (MGET/MSET) for batches. */
  REDISSON_NATIVE("redisson-native") {
    @Override
    public CacheTarget open() {
      return new RedissonNativeTarget(config());
    }
  };

  /** The cache name every JCache provider uses; each prefixes its keys differently, so they never collide. */
  static final String CACHE = "bench";

  private final String id;

  RedisProvider(String id) {
    this.id = id;
  }

  /** The id used in {@code @Param}s and reports. */
  public String id() {
    return id;
  }

  /** The provider whose id is {@code id}. */
  public static RedisProvider of(String id) {
    for (RedisProvider p : values()) {
      if (p.id.equals(id)) {
        return p;
      }
    }
    throw new IllegalArgumentException("Unknown Redis provider " + id);
  }

  /** A fresh, empty cache of this provider on the run's server. */
  public abstract CacheTarget open();

  static int port() {
    return RemoteServer.port("bench.redis.port");
  }

  /** Redisson pointed at the run's server, otherwise at Redisson's defaults (as a user would start). */
  static Config config() {
    Config config = new Config();
    config.useSingleServer().setAddress("redis://" + RemoteServer.HOST + ":" + port());
    return config;
  }
}
