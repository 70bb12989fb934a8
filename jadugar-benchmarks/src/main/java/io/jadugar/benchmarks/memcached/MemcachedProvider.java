package io.jadugar.benchmarks.memcached;

import io.jadugar.benchmarks.CacheTarget;
import io.jadugar.benchmarks.JCacheTarget;
import io.jadugar.benchmarks.Payload;
import io.jadugar.benchmarks.RemoteServer;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import java.net.URI;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * The memcached caches under test, on the one server of the run. Ids follow the report's rule:
 * {@code jadugar...} is Jadugar, {@code ...-native} is outside the JCache API.
 */
public enum MemcachedProvider {

  /** Jadugar's memcached store, through a {@code memcached://} cache manager URI. */
  JADUGAR("jadugar") {
    @Override
    public CacheTarget open() {
      CacheManager manager = Caching.getCachingProvider("io.jadugar.jcache.JadugarCachingProvider")
          .getCacheManager(URI.create("memcached://" + address()), MemcachedProvider.class.getClassLoader());
      Cache<Integer, Payload> cache = manager.createCache("bench", new JadugarConfiguration<Integer, Payload>()
          .setTypes(Integer.class, Payload.class)
          .setStoreByValue(true));
      return new JCacheTarget(manager, cache);
    }
  },

  /** The peer: the same client Jadugar uses, called directly (get, set, getBulk). */
  MEMCACHED_NATIVE("memcached-native") {
    @Override
    public CacheTarget open() {
      return new MemcachedNativeTarget(address());
    }
  };

  private final String id;

  MemcachedProvider(String id) {
    this.id = id;
  }

  /** The id used in {@code @Param}s and reports. */
  public String id() {
    return id;
  }

  /** The provider whose id is {@code id}. */
  public static MemcachedProvider of(String id) {
    for (MemcachedProvider p : values()) {
      if (p.id.equals(id)) {
        return p;
      }
    }
    throw new IllegalArgumentException("Unknown memcached provider " + id);
  }

  /** A fresh cache of this provider on the run's server. */
  public abstract CacheTarget open();

  static String address() {
    return RemoteServer.HOST + ":" + RemoteServer.port("bench.memcached.port");
  }
}
