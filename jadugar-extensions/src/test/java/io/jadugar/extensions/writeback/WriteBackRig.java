package io.jadugar.extensions.writeback;

import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.store.redis.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * A cache named {@code name} of the cache manager of {@code uri}, written back to a recording writer
 * through a Redis journal on {@code journal}, whose client gives up after 500 ms: what the Redis
 * journal's fault tests open.
 */
record WriteBackRig(RedissonClient client, CacheManager manager, RecordingWriter writer,
    WriteBack<String, String> wb, Cache<String, String> cache) implements AutoCloseable {

  static WriteBackRig open(URI uri, Properties properties, RedisServer journal, String name) {
    RecordingWriter writer = new RecordingWriter();
    Config config = new Config();
    config.useSingleServer().setAddress(journal.address()).setRetryAttempts(0).setTimeout(500).setConnectTimeout(500);
    RedissonClient client = Redisson.create(config);
    CacheManager manager = Caching.getCachingProvider().getCacheManager(uri, WriteBackRig.class.getClassLoader(),
        properties);
    WriteBack<String, String> wb = WriteBack.builder(writer, String.class, String.class).name(name)
        .journal(RedisJournal.on(client, name)).maxDelay(Duration.ofMillis(1))
        .closeTimeout(Duration.ofMillis(200)).build();
    Cache<String, String> cache = manager.createCache(name, new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class).setWriteThrough(true).setCacheWriterFactory(wb.factory()));
    return new WriteBackRig(client, manager, writer, wb, cache);
  }

  /** The round trips to the cache's store that {@code op} made. */
  long trips(Runnable op) {
    JadugarCache<?, ?> c = cache.unwrap(JadugarCache.class);
    long before = c.metrics().roundTrips();
    op.run();
    return c.metrics().roundTrips() - before;
  }

  /** The writer's last value of {@code key} ({@code null}: removed, or never written). */
  String last(String key) {
    List<RecordingWriter.Seen> taken = writer.taken(key);
    return taken.isEmpty() ? null : taken.get(taken.size() - 1).value();
  }

  @Override
  public void close() {
    try {
      manager.close();
    } finally {
      client.shutdown();
    }
  }
}
