package io.jadugar.extensions.tags;

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
 * A tagged hit on the memory store allocates nothing beyond what the version lookup does, which is
 * nothing: counted in bytes with the JVM's per-thread allocation counter, as jadugar-jcache's
 * HotPathAllocationTest counts an untagged hit.
 */
class TaggedReadAllocationTest {

  private static final int OPS = 200_000;

  private CacheManager manager;

  @BeforeEach
  void open() {
    manager = Caching.getCachingProvider().getCacheManager(URI.create("test:tag-allocation"),
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
  void aTaggedHitAllocatesNothing(boolean storeByValue) {
    Cache<String, String> cache = manager.createCache("tag-hot-" + storeByValue,
        new MutableConfiguration<String, String>().setTypes(String.class, String.class)
            .setStoreByValue(storeByValue));
    TagManager.of(cache).tags("users").put("key", "value");
    int found = 0;
    for (int i = 0; i < OPS; i++) {
      found += cache.get("key").length();
    }
    long before = allocatedBytes();
    for (int i = 0; i < OPS; i++) {
      found += cache.get("key").length();
    }
    long perOp = (allocatedBytes() - before) / OPS;
    assertEquals(2L * OPS * 5, found);
    assertTrue(perOp == 0, "a tagged hit allocated " + perOp + " bytes");
  }
}
