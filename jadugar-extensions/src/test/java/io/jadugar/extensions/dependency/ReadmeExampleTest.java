package io.jadugar.extensions.dependency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jadugar.jcache.JadugarCache;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's dependencies example, line for line (a temporary file for {@code /etc/shop/prices.yaml},
 * an embedded H2 database for {@code dataSource}), so that it stays true.
 */
class ReadmeExampleTest {

  @TempDir
  Path dir;

  @Test
  void theReadmeExampleDoesWhatItSays() throws Exception {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:readme-dependencies;DB_CLOSE_DELAY=-1");
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE stock (id INT PRIMARY KEY, qty INT)");
      s.execute("CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40))");
      s.execute("INSERT INTO stock VALUES (42, 7)");
      s.execute("INSERT INTO item VALUES (42, 'Runner 2')");
    }
    Path pricesYaml = Files.writeString(dir.resolve("prices.yaml"), "runner-2: 89.00\n");
    String html = "<h1>Runner 2</h1>";
    CacheManager manager = Caching.getCachingProvider().getCacheManager(URI.create("test:readme-dependencies"),
        getClass().getClassLoader(), new Properties());
    try {
      Cache<String, String> cache = manager.createCache("pages",
          new MutableConfiguration<String, String>().setTypes(String.class, String.class));

      Dependencies<String, String> deps = Dependencies.on(cache)
          .register("shop", dataSource);
      FileDependency prices = deps.file(pricesYaml);
      deps.put("prices", Files.readString(prices.path()), prices);
      deps.put("stock:42", "7", deps.query("shop", "SELECT qty FROM stock WHERE id = ?", 42));
      deps.put("page:42", html, deps.allOf(prices, deps.query("shop", "SELECT * FROM item WHERE id = ?", 42)));
      cache.unwrap(JadugarCache.class)
          .put("k", "v", Dependencies.options(prices).withTtl(Duration.ofMinutes(5)));
      assertEquals("runner-2: 89.00\n", cache.get("prices"));
      assertEquals("7", cache.get("stock:42"));
      assertEquals(html, cache.get("page:42"));
      assertEquals("v", cache.get("k"));
      prices.invalidate();

      assertNull(cache.get("prices"), "every entry on that file is a miss");
      assertNull(cache.get("page:42"), "the composite on it too");
      assertNull(cache.get("k"));
      assertEquals("7", cache.get("stock:42"), "an entry on another source stays");
    } finally {
      manager.close();
    }
  }
}
