package io.jadugar.extensions.companion;

import io.jadugar.jcache.configuration.JadugarConfiguration;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;

/** Opens or creates the companion cache of a cache: the same manager, store and settings. */
public final class Companions {

  private Companions() {}

  /**
   * The companion cache {@code cache}'s name + {@code suffix} in the same manager: the cache's own
   * Jadugar settings (store, prefix, serializer...) but its memory bound, eternal (records there
   * must outlive the entries that refer to them; an entry written with its own TTL keeps it), no
   * loader, writer or listener. Created if it does not exist yet.
   */
  public static <T, U> Cache<T, U> of(Cache<?, ?> cache, String suffix, Class<T> keyType, Class<U> valueType) {
    CacheManager manager = cache.getCacheManager();
    String name = cache.getName() + suffix;
    Cache<T, U> c = manager.getCache(name, keyType, valueType);
    if (c != null) {
      return c;
    }
    JadugarConfiguration<T, U> config = new JadugarConfiguration<>();
    Object own = cache.getConfiguration(CompleteConfiguration.class);
    if (own instanceof JadugarConfiguration<?, ?> j) {
      j.getSettings().forEach((key, value) -> {
        // not the cache's memory bound: an evicted record costs the entries that refer to it
        if (!key.startsWith("jadugar.memory.maximum") && !key.equals("jadugar.memory.weigher")) {
          config.setSetting(key, value);
        }
      });
      config.setClock(j.getClock());
    }
    config.setSetting("jadugar.default-ttl", "eternal").setTypes(keyType, valueType);
    try {
      return manager.createCache(name, config);
    } catch (CacheException e) {
      // another thread of this JVM created it first
      c = manager.getCache(name, keyType, valueType);
      if (c == null) {
        throw e;
      }
      return c;
    }
  }
}
