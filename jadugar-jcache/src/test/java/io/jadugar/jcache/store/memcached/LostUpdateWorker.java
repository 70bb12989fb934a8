package io.jadugar.jcache.store.memcached;

import io.jadugar.jcache.testing.Threads;
import java.net.URI;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * One JVM's share of the lost-update test: {@code threads} threads each {@code increments} times
 * {@code invoke} an increment of one key. Arguments: servers, cache name, key, threads, increments.
 */
public final class LostUpdateWorker {

  private LostUpdateWorker() {}

  public static void main(String[] args) throws Exception {
    CacheManager m = Caching.getCachingProvider().getCacheManager(
        URI.create("memcached://" + args[0] + "/worker" + ProcessHandle.current().pid()),
        LostUpdateWorker.class.getClassLoader(), new Properties());
    try {
      run(m, args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
    } finally {
      m.close();
    }
    System.exit(0);
  }

  static void run(CacheManager m, String cacheName, String key, int threads, int increments) throws Exception {
    Cache<String, Integer> c = m.getCache(cacheName, String.class, Integer.class);
    if (c == null) {
      c = m.createCache(cacheName, new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
    }
    Cache<String, Integer> cache = c;
    Threads.runAll(threads, "increments failed", t -> {
      for (int i = 0; i < increments; i++) {
        cache.invoke(key, (e, a) -> {
          e.setValue(e.exists() ? e.getValue() + 1 : 1);
          return null;
        });
      }
    });
  }
}
