package io.jadugar.benchmarks.vendor;

import io.jadugar.benchmarks.CacheTarget;
import io.jadugar.benchmarks.JCacheTarget;
import io.jadugar.benchmarks.Keys;
import io.jadugar.benchmarks.Payload;
import io.jadugar.benchmarks.memory.MemoryProvider;
import io.jadugar.benchmarks.redis.RedisProvider;
import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import java.time.Duration;
import javax.cache.expiry.CreatedExpiryPolicy;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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

/**
 * A put with the entry's own time to live against a plain put, on one Jadugar cache: the target is
 * at most 1.1× the plain put's time, on memory and on Redis ({@code -Dbench.redis.port=P}).
 * {@code memory} is an eternal cache (no expiry policy), {@code memory-expiring} one whose policy
 * expires entries an hour after their creation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EntryTtlBenchmark {

  /** {@code memory} or {@code memory-expiring} (by reference), or {@code redis}. */
  @Param({"memory", "memory-expiring", "redis"})
  public String store;

  private static final EntryOptions TEN_MINUTES = EntryOptions.ttl(Duration.ofMinutes(10));

  private CacheTarget target;
  private JadugarCache<Integer, Payload> cache;

  /** Opens the cache, bounded as the other memory benchmarks are. */
  @Setup(Level.Trial)
  public void open() {
    target = switch (store) {
      case "memory" -> MemoryProvider.JADUGAR.open(Keys.CAPACITY, false);
      case "memory-expiring" -> MemoryProvider.JADUGAR.open(Keys.CAPACITY, false,
          CreatedExpiryPolicy.factoryOf(javax.cache.expiry.Duration.ONE_HOUR));
      case "redis" -> RedisProvider.JADUGAR.open();
      default -> throw new IllegalArgumentException("store is memory, memory-expiring or redis, not " + store);
    };
    @SuppressWarnings("unchecked")
    JadugarCache<Integer, Payload> c = ((JCacheTarget) target).cache().unwrap(JadugarCache.class);
    cache = c;
  }

  /** Closes it. */
  @TearDown(Level.Trial)
  public void close() {
    target.close();
  }

  private static Integer key() {
    return Keys.key(ThreadLocalRandom.current().nextInt(Keys.HOT));
  }

  private static Payload value() {
    return Keys.valueOf(ThreadLocalRandom.current().nextInt(Keys.HOT));
  }

  /** The standard put. */
  @Benchmark
  public void put() {
    cache.put(key(), value());
  }

  /** The same put with the entry's own time to live. */
  @Benchmark
  public void putWithTtl() {
    cache.put(key(), value(), TEN_MINUTES);
  }
}
