package io.jadugar.extensions.writeback;

import io.jadugar.jcache.JadugarCache;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.SplittableRandom;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.postgresql.ds.PGSimpleDataSource;
import org.redisson.Redisson;
import org.redisson.config.Config;

/**
 * The JVM {@link WriteBackCrashTest} kills: a cache on Redis, written back to a PostgreSQL table
 * through a journal in a file or, for a journal argument {@code redis:<name>}, in that Redis. Mode {@code write}: 8 threads make {@value #UPDATES} updates to
 * {@value #KEYS} keys (thread t owns the keys i with i % 8 == t, so a key's puts are sequential),
 * printing {@code B key value} before each put and {@code R key value} once it returned. Mode
 * {@code flush}: opens the same journal, flushes, prints {@code flushed}. Arguments: the mode, the
 * cache manager's URI, the cache's name, the journal (a path, or {@code redis:<name>}), the JDBC URL, the table.
 */
public final class CrashWorker {

  static final int UPDATES = 50_000;
  static final int KEYS = 1_000;
  static final int THREADS = 8;

  private CrashWorker() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    PGSimpleDataSource pg = new PGSimpleDataSource();
    pg.setUrl(args[4]);
    pg.setUser("postgres");
    WriteBackJournal journal;
    if (args[3].startsWith("redis:")) {
      // the journal on the cache's own Redis server; a short lease, so the next JVM takes over the dead one's batches soon
      Config config = new Config();
      config.useSingleServer().setAddress(args[1].substring(0, args[1].lastIndexOf('/')));
      journal = RedisJournal.on(Redisson.create(config), args[3].substring("redis:".length()), Duration.ofSeconds(2));
    } else {
      journal = WriteBackJournal.file(Path.of(args[3]));
    }
    WriteBack<String, String> writeBack = WriteBack.builder(new PgWriter(pg, args[5]), String.class, String.class)
        .name("crash").journal(journal).batchSize(200).maxDelay(Duration.ofMillis(100)).build();
    CacheManager manager = Caching.getCachingProvider().getCacheManager(URI.create(args[1]),
        CrashWorker.class.getClassLoader(), new Properties());
    Cache<String, String> cache = manager.createCache(args[2], new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class).setWriteThrough(true).setCacheWriterFactory(writeBack.factory()));
    if (args[0].equals("flush")) {
      cache.unwrap(JadugarCache.class).flush();
      out.println("flushed " + writeBack.stats());
      manager.close();
      System.exit(0);
    }
    out.println("ready");
    Thread[] threads = new Thread[THREADS];
    for (int t = 0; t < THREADS; t++) {
      int me = t;
      threads[t] = new Thread(() -> {
        SplittableRandom r = new SplittableRandom(me);
        for (int n = 0; n < UPDATES / THREADS; n++) {
          String key = "key" + (me + THREADS * r.nextInt(KEYS / THREADS));
          String value = me + "-" + n;
          out.println("B " + key + " " + value);
          cache.put(key, value);
          out.println("R " + key + " " + value);
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    out.println("done");
    manager.close();
    System.exit(0);
  }
}
