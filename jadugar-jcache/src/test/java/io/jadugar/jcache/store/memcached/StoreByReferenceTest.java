package io.jadugar.jcache.store.memcached;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCachingProvider;
import javax.cache.configuration.OptionalFeature;
import org.junit.jupiter.api.Test;

/** The provider offers store-by-reference only when its default store keeps objects, not bytes. */
class StoreByReferenceTest {

  @Test
  void supportedOnTheMemoryStoreOnlyNotOnMemcached() {
    String before = System.getProperty("jadugar.store");
    try {
      System.clearProperty("jadugar.store");
      assertTrue(new JadugarCachingProvider().isSupported(OptionalFeature.STORE_BY_REFERENCE));
      System.setProperty("jadugar.store", "memcached");
      assertFalse(new JadugarCachingProvider().isSupported(OptionalFeature.STORE_BY_REFERENCE));
    } finally {
      if (before == null) {
        System.clearProperty("jadugar.store");
      } else {
        System.setProperty("jadugar.store", before);
      }
    }
  }
}
