package io.jadugar.extensions.companion;

import io.jadugar.jcache.configuration.JadugarConfiguration;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;

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
    return openOrCreate(manager, name, config, keyType, valueType);
  }

  /** The cache {@code name} of {@code manager}, created with {@code config} if it does not exist yet. */
  public static <T, U> Cache<T, U> openOrCreate(CacheManager manager, String name, Configuration<T, U> config,
      Class<T> keyType, Class<U> valueType) {
    Cache<T, U> c = manager.getCache(name, keyType, valueType);
    if (c != null) {
      return c;
    }
    try {
      return manager.createCache(name, config);
    } catch (CacheException e) {
      // another thread of this JVM created it between the two calls
      c = manager.getCache(name, keyType, valueType);
      if (c == null) {
        throw e;
      }
      return c;
    }
  }
}
