package io.jadugar.extensions.aside;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/** The README's cache-aside example, line for line, so that it stays true. */
class ReadmeExampleTest {

  @Test
  void theReadmeExampleDoesWhatItSays() {
    CacheManager manager = Caching.getCachingProvider().getCacheManager(URI.create("test:readme-aside"),
        getClass().getClassLoader(), new Properties());
    AtomicInteger queries = new AtomicInteger();
    LongFunction<String> database = id -> "user " + id + " #" + queries.incrementAndGet();
    try {
      Cache<Long, String> users = manager.createCache("users",
          new MutableConfiguration<Long, String>().setTypes(Long.class, String.class));
      CacheAside<Long, String> aside = CacheAside.builder(users, (Long id) -> database.apply(id))
          .ttl(Duration.ofMinutes(5))             // fresh for 5 minutes
          .maxStaleness(Duration.ofHours(1))      // then kept an hour, served if a reload fails
          .softTimeout(Duration.ofMillis(200))    // a slow reload: the stale value after 200 ms
          .hardTimeout(Duration.ofSeconds(2))     // nobody waits longer than 2 s
          .build();                               // in every JVM that reads the cache
      String user = aside.get(42L);               // a miss loads once, however many callers and JVMs ask
      aside.set(42L, "Ada");                      // wins over every load that started before
      assertEquals("Ada", users.get(42L));
      aside.invalidate(42L);                      // the next get loads; a load from before stores nothing
      assertEquals("user 42 #1", user);
      assertEquals("user 42 #2", aside.get(42L));
      assertEquals("user 42 #2", users.get(42L));
      assertEquals(2, queries.get());
    } finally {
      manager.close();
    }
  }
}
