package io.jadugar.jcache.store.memcached;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.testing.HidingClassLoader;
import java.net.URI;
import javax.cache.CacheException;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Test;

/** Without the memcached client on the class path, choosing memcached fails naming the coordinates. */
class MissingClientTest {

  @Test
  void choosingMemcachedWithoutTheClientNamesTheMavenCoordinates() throws Exception {
    HidingClassLoader loader = new HidingClassLoader(getClass().getClassLoader(), "net.spy.");
    CachingProvider provider = (CachingProvider) loader.loadClass("io.jadugar.jcache.JadugarCachingProvider")
        .getConstructor().newInstance();
    try {
      // the cache manager connects its store when it is made, so that is where it fails
      CacheException e = assertThrows(CacheException.class,
          () -> provider.getCacheManager(URI.create("memcached://127.0.0.1:1"), loader, null));
      assertTrue(e.getMessage().contains("com.amazonaws:elasticache-java-cluster-client"), e.getMessage());
      assertTrue(e.getClass().getName().endsWith("ConfigurationException"), e.getClass().getName());
    } finally {
      provider.close();
    }
  }
}
