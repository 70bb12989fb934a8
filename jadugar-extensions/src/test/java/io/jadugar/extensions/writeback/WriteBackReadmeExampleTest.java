package io.jadugar.extensions.writeback;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.testing.EachEntryWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's write-back example, as written there, on the memory store with a map as the database. */
class WriteBackReadmeExampleTest {

  @TempDir
  Path dir;

  /** The example's "database": a map, written one batch at a time. */
  static final class OrderTable extends EachEntryWriter<Long, String> {
    final Map<Long, String> rows;

    OrderTable(Map<Long, String> rows) {
      this.rows = rows;
    }

    @Override
    public void write(Cache.Entry<? extends Long, ? extends String> entry) {
      rows.put(entry.getKey(), entry.getValue());
    }

    @Override
    public void delete(Object key) {
      rows.remove(key);
    }

  }

  @Test
  void theExampleRunsAsWritten() {
    Map<Long, String> dataSource = new ConcurrentHashMap<>();
    CacheManager manager = Caching.getCachingProvider().getCacheManager(URI.create("test:write-back-readme"),
        getClass().getClassLoader(), new Properties());
    Path journal = dir.resolve("orders.journal");

    CacheWriter<Long, String> toDatabase = new OrderTable(dataSource);
    WriteBack<Long, String> writeBack = WriteBack.builder(toDatabase, Long.class, String.class)
        .name("orders")
        .journal(journal)
        .batchSize(500).maxDelay(Duration.ofMillis(200))
        .maxAttempts(8).backoff(Duration.ofMillis(100), Duration.ofSeconds(30))
        .build();
    Cache<Long, String> orders = manager.createCache("orders", new MutableConfiguration<Long, String>()
        .setTypes(Long.class, String.class)
        .setWriteThrough(true).setCacheWriterFactory(writeBack.factory()));
    orders.put(42L, "paid");
    orders.unwrap(JadugarCache.class).flush();
    assertEquals("paid", dataSource.get(42L), "flush() returned once the database had it");
    WriteBackStats stats = writeBack.stats();
    assertEquals(0, stats.pending());
    for (DeadLetter<Long, String> d : writeBack.deadLetters()) {
      writeBack.replay(d);
    }
    orders.close();
    manager.close();
  }
}
