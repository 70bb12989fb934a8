package io.jadugar.jcache.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.testing.AllStores;
import io.jadugar.jcache.testing.Threads;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.CacheManager;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring's {@code @Cacheable(sync = true)} reaches a JCache as an {@code invoke} whose processor
 * (not serializable) loads the value when the entry is absent: under contention it must load once
 * per key on every store, in the caller's JVM, as Spring promises. On the stores whose compute retries
 * (Redis, memcached) the processor would run again for every attempt that lost a race, each a load.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpringSyncCacheableTest {

  @RegisterExtension
  static final AllStores.PerClass stores = AllStores.perClass("spring-sync");

  /** The service Spring proxies: each call of {@link #price} that reaches it counts as a load. */
  public static class Prices {
    private final Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();

    /** How often {@link #price} ran for {@code item} (through the proxy: its fields are not the bean's). */
    public int loadsOf(String item) {
      AtomicInteger n = loads.get(item);
      return n == null ? 0 : n.get();
    }

    @Cacheable(cacheNames = "prices", sync = true)
    public String price(String item) throws InterruptedException {
      loads.computeIfAbsent(item, k -> new AtomicInteger()).incrementAndGet();
      Thread.sleep(50); // a slow source: every caller arrives while the first still loads
      return "price of " + item;
    }
  }

  @Configuration
  @EnableCaching
  static class Setup {
    static CacheManager jcache;

    @Bean
    org.springframework.cache.CacheManager cacheManager() {
      return new JCacheCacheManager(jcache);
    }

    @Bean
    Prices prices() {
      return new Prices();
    }
  }

  @ParameterizedTest
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void eachKeyLoadsOnceUnderContention(String store) throws Exception {
    CacheManager m = stores.manager(store);
    m.destroyCache("prices");
    m.createCache("prices", new JadugarConfiguration<Object, Object>());
    Setup.jcache = m;
    try (AnnotationConfigApplicationContext spring = new AnnotationConfigApplicationContext(Setup.class)) {
      Prices prices = spring.getBean(Prices.class);
      int threads = 16;
      int keys = 4;
      CyclicBarrier together = new CyclicBarrier(threads);
      Threads.runAll(threads, "caller", t -> {
        together.await();
        for (int k = 0; k < keys; k++) {
          String item = "item" + ((t + k) % keys);
          assertEquals("price of " + item, prices.price(item));
        }
      });
      for (int k = 0; k < keys; k++) {
        assertEquals(1, prices.loadsOf("item" + k), store + ": loads of item" + k);
      }
      assertEquals("price of item0", m.getCache("prices").get("item0"), "stored in the cache");
    } finally {
      m.destroyCache("prices");
    }
  }
}
