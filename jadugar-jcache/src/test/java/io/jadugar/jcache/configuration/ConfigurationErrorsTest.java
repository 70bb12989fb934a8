package io.jadugar.jcache.configuration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCacheManager;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration: where settings come from, which wins, and the errors bad input gets. */
class ConfigurationErrorsTest {

  private final CachingProvider provider = Caching.getCachingProvider();

  @AfterEach
  void clearSystemProperties() {
    System.clearProperty("jadugar.memory.maximum-size");
    System.clearProperty("jadugar.version");
  }

  private CacheManager manager(String name, Properties p) {
    return provider.getCacheManager(URI.create("test:" + name), getClass().getClassLoader(), p);
  }

  private static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  @Test
  void unknownKeyNamesTheKeyAndTheAllowedOnes() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> manager("unknown", props("jadugar.stroe", "memory")));
    assertTrue(e.getMessage().contains("'jadugar.stroe'"), e.getMessage());
    assertTrue(e.getMessage().contains("jadugar.store"), e.getMessage());
    assertTrue(e.getMessage().contains("jadugar.memory.maximum-size"), e.getMessage());
  }

  @Test
  void badValueNamesKeyValueAndWhatIsAllowed() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> manager("bad", props("jadugar.memory.maximum-size", "lots")));
    assertEquals("Bad value 'lots' for configuration key 'jadugar.memory.maximum-size': "
        + "expected a whole number >= 0", e.getMessage());
    e = assertThrows(ConfigurationException.class,
        () -> manager("badttl", props("jadugar.default-ttl", "5 parsecs")));
    assertTrue(e.getMessage().contains("'jadugar.default-ttl'") && e.getMessage().contains("30s"), e.getMessage());
  }

  @Test
  void unknownStoreListsTheStoresThereAre() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> manager("nostore", props("jadugar.store", "floppy")));
    assertTrue(e.getMessage().contains("'floppy'") && e.getMessage().contains("memory"), e.getMessage());
  }

  @Test
  void anUnknownSystemPropertyIsWarnedAboutOnceNotAnError() {
    // what `mvn -Djadugar.version=0.2.0 test` does: the build's property reaches the test JVM
    System.setProperty("jadugar.version", "0.2.0");
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true));
    try {
      for (int i = 0; i < 3; i++) {
        CacheManager m = manager("sysprop" + i, new Properties());
        Cache<String, String> c = m.createCache("c", new MutableConfiguration<String, String>());
        c.put("k", "v");
        assertEquals("v", c.get("k"));
        m.close();
      }
    } finally {
      System.setErr(err);
    }
    String log = captured.toString();
    int first = log.indexOf("'jadugar.version'");
    assertTrue(first >= 0 && log.contains("jadugar.store"), "the warning names the property and the known keys: " + log);
    assertEquals(-1, log.indexOf("'jadugar.version'", first + 1), "warned about once: " + log);
    // the same key given to the cache manager itself is still an error
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> manager("sysprop-explicit", props("jadugar.version", "0.2.0")));
    assertTrue(e.getMessage().contains("'jadugar.version'"), e.getMessage());
  }

  @Test
  void keysOfOtherLibrariesAreLeftAlone() {
    CacheManager m = manager("foreign", props("hibernate.cache.whatever", "x"));
    assertEquals("x", m.getProperties().getProperty("hibernate.cache.whatever"));
    m.close();
  }

  @Test
  void zeroConfigurationIsTheMemoryStore() {
    CacheManager m = provider.getCacheManager();
    assertEquals("memory", m.unwrap(JadugarCacheManager.class).settings().get(CoreSettings.STORE));
  }

  @Test
  void systemPropertyWinsOverPassedProperties() {
    System.setProperty("jadugar.memory.maximum-size", "7");
    CacheManager m = manager("sysprop", props("jadugar.memory.maximum-size", "100"));
    assertEquals("7", m.unwrap(JadugarCacheManager.class).settings().asMap().get("jadugar.memory.maximum-size"));
    m.close();
  }

  @Test
  void configurationFileNamedByUri(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("cache.properties");
    Files.writeString(file, "jadugar.default-ttl=150ms\njadugar.prefix=app1:\n");
    CacheManager m = provider.getCacheManager(file.toUri(), getClass().getClassLoader());
    Settings s = m.unwrap(JadugarCacheManager.class).settings();
    assertEquals(Duration.ofMillis(150), s.get(CoreSettings.DEFAULT_TTL));
    assertEquals("app1:", s.get(CoreSettings.PREFIX));
    m.close();

    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> provider.getCacheManager(dir.resolve("missing.properties").toUri(), getClass().getClassLoader()));
    assertTrue(e.getMessage().contains("missing.properties") && e.getMessage().contains("does not exist"),
        e.getMessage());
  }

  @Test
  void classpathConfigurationFile() {
    CacheManager m = provider.getCacheManager(URI.create("classpath:jadugar-test.properties"),
        getClass().getClassLoader());
    assertEquals(Duration.ofSeconds(30),
        m.unwrap(JadugarCacheManager.class).settings().get(CoreSettings.DEFAULT_TTL));
    m.close();
  }

  @Test
  void defaultTtlAppliesToCachesWithTheDefaultPolicyOnly() throws Exception {
    CacheManager m = manager("ttl", props("jadugar.default-ttl", "200ms"));
    Cache<String, String> c = m.createCache("ttl", new MutableConfiguration<String, String>());
    c.put("k", "v");
    assertEquals("v", c.get("k"));
    long deadline = System.currentTimeMillis() + 5_000;
    while (c.get("k") != null && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertNull(c.get("k"));
    m.close();
  }

  @Test
  void perCacheSettingsAreValidatedWhenTheCacheIsCreated() {
    CacheManager m = manager("percache", new Properties());
    JadugarConfiguration<String, String> bad = new JadugarConfiguration<String, String>()
        .setSetting("jadugar.memory.maximum-size", "-1");
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> m.createCache("bad", bad));
    assertTrue(e.getMessage().contains("'-1'"), e.getMessage());
    assertNull(m.getCache("bad"));
    assertThrows(ConfigurationException.class,
        () -> new JadugarConfiguration<String, String>().setSetting("maximum-size", "1"));
    assertThrows(ConfigurationException.class, () -> m.createCache("weightless",
        new JadugarConfiguration<String, String>().setSetting("jadugar.memory.maximum-weight", "10")));
    m.close();
  }

  @Test
  void jadugarConfigurationComesBackFromTheCache() {
    CacheManager m = manager("own", new Properties());
    Cache<String, String> c = m.createCache("own", new JadugarConfiguration<String, String>()
        .setMaximumSize(10).setPrefix("p:").setTypes(String.class, String.class));
    JadugarConfiguration<?, ?> back = c.getConfiguration(JadugarConfiguration.class);
    assertEquals("10", back.getSettings().get("jadugar.memory.maximum-size"));
    assertEquals("p:", back.getSettings().get("jadugar.prefix"));
    m.close();
  }
}
