package io.jadugar.extensions.tags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.LongFunction;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/** The README's tags example, line for line, so that it stays true. */
class ReadmeExampleTest {

  @Test
  void theReadmeExampleDoesWhatItSays() {
    CacheManager manager = Caching.getCachingProvider().getCacheManager(URI.create("test:readme-tags"),
        getClass().getClassLoader(), new Properties());
    LongFunction<String> database = id -> "Trail " + id;
    try {
      Cache<Long, String> products = manager.createCache("products",
          new MutableConfiguration<Long, String>().setTypes(Long.class, String.class));
      TagManager<Long, String> tags = TagManager.of(products);
      Cache<Long, String> acmeShoes = tags.tags("brand:acme", "category:shoes");
      acmeShoes.put(17L, "Runner 2");
      assertEquals("Runner 2", products.get(17L));
      assertEquals(List.of("brand:acme", "category:shoes"), List.copyOf(tags.tagsByKey(17L)));
      assertEquals(Set.of(17L), tags.keysByTag("category:shoes"));
      tags.invalidateTag("brand:acme");
      assertNull(products.get(17L));

      EntryOptions options = tags.options(EntryOptions.ttl(Duration.ofMinutes(5)), "brand:acme");
      String fresh = database.apply(18L);
      products.unwrap(JadugarCache.class).put(18L, fresh, options);
      assertEquals("Trail 18", products.get(18L));
    } finally {
      manager.close();
    }
  }
}
