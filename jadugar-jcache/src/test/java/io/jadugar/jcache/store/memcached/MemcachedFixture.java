package io.jadugar.jcache.store.memcached;

import java.lang.reflect.Field;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/** Helpers shared by the memcached store tests: cache managers on given servers, and store internals. */
final class MemcachedFixture {

  private MemcachedFixture() {}

  /** {@code n} memcached servers on free loopback ports. */
  static List<MemcachedServer> launch(int n) throws Exception {
    List<MemcachedServer> servers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      servers.add(MemcachedServer.launch());
    }
    return servers;
  }

  /** A cache of strings. */
  static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  /** A cache manager on {@code servers}, through a {@code memcached://} URI, with extra settings. */
  static CacheManager manager(List<MemcachedServer> servers, String... settings) {
    return manager(servers.stream().map(MemcachedServer::hostPort).collect(Collectors.joining(",")), settings);
  }

  /** A cache manager on the servers of {@code authority} ({@code host:port,host:port}). */
  static CacheManager manager(String authority, String... settings) {
    Properties p = new Properties();
    for (int i = 0; i + 1 < settings.length; i += 2) {
      p.setProperty(settings[i], settings[i + 1]);
    }
    // a distinct URI per call: each test gets its own manager and connection
    URI uri = URI.create("memcached://" + authority + "/" + System.nanoTime());
    return Caching.getCachingProvider().getCacheManager(uri, MemcachedFixture.class.getClassLoader(), p);
  }

  static MemcachedStore store(Cache<?, ?> cache) {
    return cache.unwrap(MemcachedStore.class);
  }

  static MemcachedConnection connection(Cache<?, ?> cache) throws Exception {
    Field f = MemcachedStore.class.getDeclaredField("conn");
    f.setAccessible(true);
    return (MemcachedConnection) f.get(store(cache));
  }
}
