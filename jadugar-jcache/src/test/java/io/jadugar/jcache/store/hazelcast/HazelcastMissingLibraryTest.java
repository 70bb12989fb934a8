package io.jadugar.jcache.store.hazelcast;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.testing.HidingClassLoader;
import java.net.URI;
import java.util.Properties;
import javax.cache.CacheException;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Test;

/**
 * Without Hazelcast on the class path, choosing the hazelcast store fails naming its Maven
 * coordinates; a bad value of one of its keys fails naming the key and what is allowed.
 */
class HazelcastMissingLibraryTest {

  @Test
  void choosingHazelcastWithoutItsLibraryNamesTheMavenCoordinates() throws Exception {
    HidingClassLoader loader = new HidingClassLoader(getClass().getClassLoader(), "com.hazelcast.");
    CachingProvider provider = (CachingProvider) loader.loadClass("io.jadugar.jcache.JadugarCachingProvider")
        .getConstructor().newInstance();
    try {
      CacheException e = assertThrows(CacheException.class,
          () -> provider.getCacheManager(URI.create("hazelcast://127.0.0.1:1"), loader, null));
      assertTrue(e.getMessage().contains("com.hazelcast:hazelcast"), e.getMessage());
      assertTrue(e.getClass().getName().endsWith("ConfigurationException"), e.getClass().getName());
    } finally {
      provider.close();
    }
  }

  @Test
  void aBadValueNamesTheKeyAndWhatIsAllowed() {
    io.jadugar.jcache.JadugarCachingProvider provider = new io.jadugar.jcache.JadugarCachingProvider();
    try {
      Properties p = new Properties();
      p.setProperty("jadugar.store", "hazelcast");
      p.setProperty("jadugar.hazelcast.mode", "server");
      CacheException e = assertThrows(CacheException.class,
          () -> provider.getCacheManager(URI.create("jadugar:bad-mode"), getClass().getClassLoader(), p));
      assertTrue(e.getMessage().contains("jadugar.hazelcast.mode") && e.getMessage().contains("client")
          && e.getMessage().contains("member"), e.getMessage());
      Properties b = new Properties();
      b.setProperty("jadugar.store", "hazelcast");
      b.setProperty("jadugar.hazelcast.backup-count", "7");
      e = assertThrows(CacheException.class,
          () -> provider.getCacheManager(URI.create("jadugar:bad-backups"), getClass().getClassLoader(), b));
      assertTrue(e.getMessage().contains("jadugar.hazelcast.backup-count") && e.getMessage().contains("0 to 6"),
          e.getMessage());
    } finally {
      provider.close();
    }
  }
}
