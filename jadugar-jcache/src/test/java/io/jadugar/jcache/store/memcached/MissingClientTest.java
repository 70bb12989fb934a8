package io.jadugar.jcache.store.memcached;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import javax.cache.CacheException;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Test;

/** Without the memcached client on the class path, choosing memcached fails naming the coordinates. */
class MissingClientTest {

  /** Loads Jadugar's own classes itself and hides the memcached client; the rest comes from the parent. */
  private static final class HidingLoader extends ClassLoader {
    HidingLoader(ClassLoader parent) {
      super(parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        if (name.startsWith("net.spy.")) {
          throw new ClassNotFoundException(name + " (hidden by the test)");
        }
        if (!name.startsWith("io.jadugar.jcache.")) {
          return super.loadClass(name, resolve);
        }
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
            if (in == null) {
              throw new ClassNotFoundException(name);
            }
            byte[] b = in.readAllBytes();
            c = defineClass(name, b, 0, b.length);
          } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
          }
        }
        return c;
      }
    }
  }

  @Test
  void choosingMemcachedWithoutTheClientNamesTheMavenCoordinates() throws Exception {
    HidingLoader loader = new HidingLoader(getClass().getClassLoader());
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
