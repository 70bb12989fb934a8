package io.jadugar.benchmarks.memory;

import com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration;
import io.jadugar.benchmarks.CacheTarget;
import io.jadugar.benchmarks.JCacheTarget;
import io.jadugar.benchmarks.Payload;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import java.util.OptionalLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.ExpiryPolicy;
import org.cache2k.Cache2kBuilder;
import org.cache2k.jcache.ExtendedMutableConfiguration;
import org.cache2k.jcache.JCacheConfig;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.jsr107.Eh107Configuration;

/**
 * The in-heap caches under test, each bounded to the same entry count through its own
 * configuration means, otherwise at its JCache defaults (no statistics, no management, eternal).
 *
 * <p>Ids are what the report reads: an id starting with {@code jadugar} is Jadugar, one ending in
 * {@code -native} is a ceiling outside the JCache API, anything else is a JCache peer.
 */
public enum MemoryProvider {

  /** Jadugar's memory store (Caffeine underneath). */
  JADUGAR("jadugar", "io.jadugar.jcache.JadugarCachingProvider") {
    @Override
    Configuration<Integer, Payload> configuration(int capacity, boolean byValue) {
      return new JadugarConfiguration<Integer, Payload>()
          .setMaximumSize(capacity)
          .setTypes(Integer.class, Payload.class)
          .setStoreByValue(byValue);
    }
  },

  /** Caffeine's own JCache provider. */
  CAFFEINE_JCACHE("caffeine-jcache", "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider") {
    @Override
    Configuration<Integer, Payload> configuration(int capacity, boolean byValue) {
      return new CaffeineConfiguration<Integer, Payload>()
          .setMaximumSize(OptionalLong.of(capacity))
          .setTypes(Integer.class, Payload.class)
          .setStoreByValue(byValue);
    }
  },

  /** Ehcache 3's JSR-107 provider, on its heap tier. */
  EHCACHE("ehcache", "org.ehcache.jsr107.EhcacheCachingProvider") {
    @Override
    Configuration<Integer, Payload> configuration(int capacity, boolean byValue) {
      CacheConfigurationBuilder<Integer, Payload> builder = CacheConfigurationBuilder
          .newCacheConfigurationBuilder(Integer.class, Payload.class, ResourcePoolsBuilder.heap(capacity));
      // what Ehcache's own JSR-107 store-by-value does for these types: Integer keys are shared
      // (its identity copier for immutable types), values are copied by serialization
      return Eh107Configuration.fromEhcacheCacheConfiguration(
          byValue ? builder.withValueSerializingCopier() : builder);
    }
  },

  /** cache2k's JCache provider. */
  CACHE2K("cache2k", "org.cache2k.jcache.provider.JCacheProvider") {
    @Override
    Configuration<Integer, Payload> configuration(int capacity, boolean byValue) {
      // with a cache2k configuration present, cache2k ignores store-by-value unless told to honour it
      ExtendedMutableConfiguration<Integer, Payload> c = ExtendedMutableConfiguration.of(
          Cache2kBuilder.of(Integer.class, Payload.class)
              .entryCapacity(capacity)
              .with(JCacheConfig.class, (JCacheConfig.Builder b) -> b.copyAlwaysIfRequested(true)));
      c.setTypes(Integer.class, Payload.class);
      c.setStoreByValue(byValue);
      return c;
    }
  },

  /** The ceiling: Caffeine's native API, no JCache layer (store-by-reference only). */
  CAFFEINE_NATIVE("caffeine-native", null) {
    @Override
    Configuration<Integer, Payload> configuration(int capacity, boolean byValue) {
      throw new UnsupportedOperationException("not a JCache provider");
    }

    @Override
    public CacheTarget open(int capacity, boolean byValue) {
      if (byValue) {
        throw new IllegalArgumentException("caffeine-native has no store-by-value");
      }
      return new CaffeineNativeTarget(capacity);
    }
  };

  private final String id;
  private final String providerClass;

  MemoryProvider(String id, String providerClass) {
    this.id = id;
    this.providerClass = providerClass;
  }

  /** The id used in {@code @Param}s and reports. */
  public String id() {
    return id;
  }

  /** The provider whose id is {@code id}. */
  public static MemoryProvider of(String id) {
    for (MemoryProvider p : values()) {
      if (p.id.equals(id)) {
        return p;
      }
    }
    throw new IllegalArgumentException("Unknown provider " + id);
  }

  abstract Configuration<Integer, Payload> configuration(int capacity, boolean byValue);

  /** The JCache provider's class, {@code null} for a native ceiling. */
  String providerClass() {
    return providerClass;
  }

  /** A fresh cache of this provider, bounded to {@code capacity} entries. */
  public CacheTarget open(int capacity, boolean byValue) {
    // several providers share the class path: always name the one meant
    CacheManager manager = Caching.getCachingProvider(providerClass).getCacheManager();
    Cache<Integer, Payload> cache = manager.createCache("bench", configuration(capacity, byValue));
    return new JCacheTarget(manager, cache);
  }

  /** A fresh cache of this JCache provider, bounded to {@code capacity} entries, with the expiry policy of {@code expiry}. */
  public CacheTarget open(int capacity, boolean byValue, Factory<? extends ExpiryPolicy> expiry) {
    Configuration<Integer, Payload> c = configuration(capacity, byValue);
    if (!(c instanceof MutableConfiguration<Integer, Payload> m)) {
      throw new UnsupportedOperationException(id + " takes no expiry policy here");
    }
    m.setExpiryPolicyFactory(expiry);
    CacheManager manager = Caching.getCachingProvider(providerClass).getCacheManager();
    return new JCacheTarget(manager, manager.createCache("bench", m));
  }
}
