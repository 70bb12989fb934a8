package io.jadugar.extensions.tags;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hit of an entry with one tag on the memory store allocates what a hit of an untagged entry
 * does, nothing (jadugar-jcache's HotPathAllocationTest proves the untagged one): the tag's check
 * is two metadata lookups and one record read. Counted with the JVM's per-thread allocation
 * counter, not timed.
 */
class TaggedReadAllocationTest {

  private static final int OPS = 200_000;

  /** Bytes this thread allocates per {@code get(key)} of {@code cache}, measured after as many to warm up. */
  private static long bytesPerGet(Cache<String, String> cache, String key) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    int length = 0;
    long before = 0;
    for (int round = 0; round < 2; round++) {
      before = threads.getThreadAllocatedBytes(id);
      for (int i = 0; i < OPS; i++) {
        length += cache.get(key).length();
      }
    }
    long perGet = (threads.getThreadAllocatedBytes(id) - before) / OPS;
    assertEquals(2L * OPS * key.length(), length, "every get hit");
    return perGet;
  }

  @ParameterizedTest(name = "storeByValue={0}")
  @ValueSource(booleans = {false, true})
  void aTaggedHitAllocatesWhatAnUntaggedOneDoes(boolean storeByValue) {
    CacheManager manager = Caching.getCachingProvider().getCacheManager(URI.create("test:tag-allocation"),
        getClass().getClassLoader(), new Properties());
    try {
      Cache<String, String> cache = manager.createCache("tag-hot-" + storeByValue,
          new MutableConfiguration<String, String>().setTypes(String.class, String.class)
              .setStoreByValue(storeByValue));
      cache.put("plain", "plain");
      TagManager.of(cache).tags("users").put("users", "users");
      assertEquals(0, bytesPerGet(cache, "plain"), "an untagged hit");
      assertEquals(0, bytesPerGet(cache, "users"), "a hit of an entry with one tag");
    } finally {
      manager.close();
    }
  }
}
