package io.jadugar.benchmarks.writeback;

import io.jadugar.benchmarks.Keys;
import io.jadugar.benchmarks.Payload;
import io.jadugar.benchmarks.RemoteServer;
import io.jadugar.extensions.writeback.RedisJournal;
import io.jadugar.extensions.writeback.WriteBack;
import io.jadugar.extensions.writeback.WriteBackJournal;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.integration.CacheWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * A put through a write-back against a plain put, on two caches of one Jadugar cache manager on the
 * same store: {@code memory}, or {@code redis} ({@code -Dbench.redis.port=P}, as for
 * {@code EntryTtlBenchmark}). The write-back's journal is a local file (synced on every put, shared
 * by concurrent puts: run with {@code -t} above 1 to see group commit) or the same Redis (with the
 * {@code redis} store: the cache's own server, where a put is the journal's record and the entry's
 * write in one script); its writer
 * takes every batch and does nothing else, so what is measured is the journal and the batching. At
 * the end of a trial it prints the entries per {@code writeAll} call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WriteBackBenchmark {

  /** {@code memory} or {@code redis}: where both caches live. */
  @Param({"memory", "redis"})
  public String store;

  /** {@code file} (a temporary file) or {@code redis} (the Redis of {@code bench.redis.port}). */
  @Param({"file", "redis"})
  public String journal;

  private CacheManager manager;
  private Cache<Integer, Payload> plain;
  private Cache<Integer, Payload> writtenBack;
  private Cache<Integer, Payload> writtenThrough;
  private WriteBack<Integer, Payload> writeBack;
  private RedissonClient redisson;
  private Path dir;
  private final Taker taker = new Taker();

  /** A writer that takes everything and counts it. */
  static final class Taker implements CacheWriter<Integer, Payload> {
    final LongAdder entries = new LongAdder();

    @Override
    public void write(Cache.Entry<? extends Integer, ? extends Payload> entry) {
      entries.increment();
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends Integer, ? extends Payload>> batch) {
      entries.add(batch.size());
      batch.clear();
    }

    @Override
    public void delete(Object key) {
      entries.increment();
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      entries.add(keys.size());
      keys.clear();
    }
  }

  /** Opens both caches and the write-back. */
  @Setup(Level.Trial)
  public void open() throws IOException {
    String redis = "redis://" + RemoteServer.HOST + ":";
    URI uri = switch (store) {
      case "memory" -> URI.create("jadugar:write-back-bench");
      case "redis" -> URI.create(redis + RemoteServer.port("bench.redis.port") + "/write-back-bench");
      default -> throw new IllegalArgumentException("store is memory or redis, not " + store);
    };
    WriteBackJournal j;
    if (journal.equals("file")) {
      dir = Files.createTempDirectory("jadugar-write-back-bench-");
      j = WriteBackJournal.file(dir.resolve("journal"));
    } else if (journal.equals("redis")) {
      Config config = new Config();
      config.useSingleServer().setAddress(redis + RemoteServer.port("bench.redis.port"));
      redisson = Redisson.create(config);
      j = RedisJournal.on(redisson, "bench-" + System.nanoTime());
    } else {
      throw new IllegalArgumentException("journal is file or redis, not " + journal);
    }
    writeBack = WriteBack.builder(taker, Integer.class, Payload.class).name("bench").journal(j).build();
    manager = Caching.getCachingProvider("io.jadugar.jcache.JadugarCachingProvider")
        .getCacheManager(uri, WriteBackBenchmark.class.getClassLoader());
    plain = manager.createCache("plain", new JadugarConfiguration<Integer, Payload>()
        .setTypes(Integer.class, Payload.class).setStoreByValue(!store.equals("memory")));
    writtenBack = manager.createCache("written-back", new JadugarConfiguration<Integer, Payload>()
        .setTypes(Integer.class, Payload.class).setStoreByValue(!store.equals("memory"))
        .setWriteThrough(true).setCacheWriterFactory(writeBack.factory()));
    Taker direct = new Taker();
    writtenThrough = manager.createCache("written-through", new JadugarConfiguration<Integer, Payload>()
        .setTypes(Integer.class, Payload.class).setStoreByValue(!store.equals("memory"))
        .setWriteThrough(true).setCacheWriterFactory(() -> direct));
  }

  /** Flushes, prints the batches' fill, closes everything. */
  @TearDown(Level.Trial)
  public void close() throws IOException {
    writeBack.flush();
    System.out.printf("%nwrite-back %s/%s: %.1f entries per writeAll call (%s)%n", store, journal,
        writeBack.stats().entriesPerWriteAll(), writeBack.stats());
    manager.close(); // closes the write-back with its cache
    if (redisson != null) {
      redisson.shutdown();
    }
    if (dir != null) {
      Files.deleteIfExists(dir.resolve("journal"));
      Files.deleteIfExists(dir.resolve("journal.lock"));
      Files.deleteIfExists(dir);
    }
  }

  /** A put to the cache without a writer. */
  @Benchmark
  public void plainPut() {
    int i = ThreadLocalRandom.current().nextInt(Keys.HOT); // the keys Keys has values for
    plain.put(Keys.key(i), Keys.valueOf(i));
  }

  /**
   * The same put to a cache whose writer takes each change at once and keeps nothing: what any writer
   * costs a put (on Redis and memcached, the key's writer lock), without a journal.
   */
  @Benchmark
  public void writerPut() {
    int i = ThreadLocalRandom.current().nextInt(Keys.HOT); // the keys Keys has values for
    writtenThrough.put(Keys.key(i), Keys.valueOf(i));
  }

  /** The same put to the cache whose writer is the write-back: it returns once the journal has it. */
  @Benchmark
  public void writeBackPut() {
    int i = ThreadLocalRandom.current().nextInt(Keys.HOT); // the keys Keys has values for
    writtenBack.put(Keys.key(i), Keys.valueOf(i));
  }
}
