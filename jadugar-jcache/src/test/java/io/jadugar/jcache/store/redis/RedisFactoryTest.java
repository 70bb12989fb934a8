package io.jadugar.jcache.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.configuration.ConfigurationException;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.spi.StoreFactory;
import io.jadugar.jcache.testing.HidingClassLoader;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import javax.cache.configuration.OptionalFeature;
import org.junit.jupiter.api.Test;

/** The factory without Redisson, the URI schemes, and what a bytes store means for the provider. */
class RedisFactoryTest {

  @Test
  void withoutRedissonTheFactoryLoadsAndChoosingRedisNamesTheCoordinates() throws Exception {
    ClassLoader hiding = new HidingClassLoader(getClass().getClassLoader(), "org.redisson.", "io.netty.");
    Class<?> spi = hiding.loadClass(StoreFactory.class.getName());
    Object factory = null;
    for (Object f : ServiceLoader.load(spi, hiding)) {
      if (f.getClass().getName().equals(RedisStoreFactory.class.getName())) {
        factory = f;
      }
    }
    assertTrue(factory != null, "ServiceLoader creates the redis factory without Redisson");
    assertEquals(hiding, factory.getClass().getClassLoader());
    assertEquals("redis", spi.getMethod("name").invoke(factory));
    Class<?> settingsClass = hiding.loadClass(Settings.class.getName());
    Object settings = settingsClass.getMethod("of", java.util.Collection.class, Map.class)
        .invoke(null, List.of(), Map.of());
    Exception e = assertThrows(Exception.class,
        () -> spi.getMethod("connect", URI.class, settingsClass).invoke(factory_(hiding), URI.create("redis://127.0.0.1:1"), settings));
    Throwable cause = e.getCause();
    assertEquals(ConfigurationException.class.getName(), cause.getClass().getName());
    assertTrue(cause.getMessage().contains("org.redisson:redisson"), cause.getMessage());
  }

  private static Object factory_(ClassLoader hiding) throws Exception {
    return hiding.loadClass(RedisStoreFactory.class.getName()).getDeclaredConstructor().newInstance();
  }

  @Test
  void redisUrisSelectTheStore() {
    RedisStoreFactory f = new RedisStoreFactory();
    assertEquals(java.util.Set.of("redis", "rediss"), f.uriSchemes());
    assertEquals(StoreFactory.Representation.BYTES, f.representation());
    for (var s : f.settings()) {
      assertTrue(s.key().startsWith("jadugar.redis."), s.key());
    }
  }

  @Test
  void storeByReferenceIsOnlySupportedWhenTheDefaultStoreHoldsObjects() {
    assertTrue(new JadugarCachingProvider().isSupported(OptionalFeature.STORE_BY_REFERENCE));
    System.setProperty("jadugar.store", "redis");
    try {
      assertFalse(new JadugarCachingProvider().isSupported(OptionalFeature.STORE_BY_REFERENCE));
    } finally {
      System.clearProperty("jadugar.store");
    }
  }

  @Test
  void aBadSentinelConfigurationIsAConfigurationError() {
    Settings s = Settings.of(new RedisStoreFactory().settings(),
        Map.of("jadugar.redis.sentinel.master", "mymaster"));
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> new RedisStoreFactory().connect(URI.create("jadugar:default"), s));
    assertTrue(e.getMessage().contains("jadugar.redis.sentinel.addresses"), e.getMessage());
  }
}
