package io.jadugar.extensions.writeback;

import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheWriter;
import org.redisson.Redisson;
import org.redisson.api.RList;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * One of the two JVMs of {@link RedisJournalTest}'s order test: a cache on Redis written back through
 * the shared Redis journal, by a writer that appends every change it receives, in the order it
 * receives them, to one Redis list ({@code key=value@version}, {@code key=null} for a removal).
 * {@link #run} makes random puts and removes of a few keys on several threads, then flushes. As a
 * main: arguments are the Redis address, the cache's name, the journal's name, the list's name; it
 * prints {@code done} when it has flushed.
 */
public final class OrderWorker {

  static final int KEYS = 10;

  private OrderWorker() {}

  /** A writer that logs what it receives to a Redis list. */
  static final class LoggingWriter implements CacheWriter<String, String> {
    private final RList<String> log;

    LoggingWriter(RList<String> log) {
      this.log = log;
    }

    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      throw new UnsupportedOperationException("batches only");
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      for (Cache.Entry<? extends String, ? extends String> e : entries) {
        log.add(e.getKey() + "=" + e.getValue() + "@" + WriteBackEntry.versionOf(e));
      }
      entries.clear();
    }

    @Override
    public void delete(Object key) {
      throw new UnsupportedOperationException("batches only");
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      for (Object k : keys) {
        log.add(k + "=null");
      }
      keys.clear();
    }
  }

  /** Opens the cache, writes on 4 threads, flushes; returns the cache manager, open. */
  static CacheManager run(String redis, String cacheName, String journal, String list, String me) throws Exception {
    Config config = new Config();
    config.useSingleServer().setAddress(redis);
    RedissonClient client = Redisson.create(config);
    WriteBack<String, String> wb = WriteBack.builder(new LoggingWriter(client.getList(list, StringCodec.INSTANCE)),
        String.class, String.class).name("order-" + me).journal(RedisJournal.on(client, journal))
        .batchSize(3).maxDelay(Duration.ofMillis(1)).batchesInFlight(4).build();
    CacheManager manager = Caching.getCachingProvider().getCacheManager(URI.create(redis + "/order"),
        OrderWorker.class.getClassLoader(), new Properties());
    Cache<String, String> cache = manager.createCache(cacheName, new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class).setWriteThrough(true).setCacheWriterFactory(wb.factory()));
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      int n = t;
      threads[t] = new Thread(() -> {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 150; i++) {
          String key = "k" + r.nextInt(KEYS);
          if (r.nextInt(4) == 0) {
            cache.remove(key);
          } else {
            cache.put(key, me + n + "-" + i);
          }
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    wb.flush();
    return manager;
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.println("ready");
    CacheManager manager = run(args[0], args[1], args[2], args[3], "child");
    out.println("done");
    manager.close();
    System.exit(0);
  }
}
