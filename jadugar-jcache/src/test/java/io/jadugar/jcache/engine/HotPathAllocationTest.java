package io.jadugar.jcache.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A memory-store hit with statistics off and no listeners allocates nothing: counted in bytes
 * with the JVM's per-thread allocation counter, not timed.
 */
class HotPathAllocationTest {

  private static final int OPS = 200_000;

  private CacheManager manager;

  @BeforeEach
  void open() {
    manager = Caching.getCachingProvider().getCacheManager(URI.create("test:allocation"),
        getClass().getClassLoader(), new Properties());
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  @ParameterizedTest(name = "storeByValue={0}")
  @ValueSource(booleans = {false, true})
  void getHitAllocatesNothing(boolean storeByValue) {
    Cache<String, String> cache = manager.createCache("hot-" + storeByValue,
        new MutableConfiguration<String, String>().setTypes(String.class, String.class)
            .setStoreByValue(storeByValue));
    String key = "key";
    cache.put(key, "value");
    int found = 0;
    for (int i = 0; i < OPS; i++) {
      found += cache.get(key).length();
    }
    long before = allocatedBytes();
    for (int i = 0; i < OPS; i++) {
      found += cache.get(key).length();
    }
    long perOp = (allocatedBytes() - before) / OPS;
    assertEquals(2L * OPS * 5, found);
    // the counter itself and a rare runtime event may add a few hundred bytes in all: < 1 byte/op
    assertTrue(perOp == 0, "a hit allocated " + perOp + " bytes");
  }
}
