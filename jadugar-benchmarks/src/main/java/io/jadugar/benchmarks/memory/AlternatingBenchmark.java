package io.jadugar.benchmarks.memory;

import io.jadugar.benchmarks.CacheTarget;
import io.jadugar.benchmarks.JCacheTarget;
import io.jadugar.benchmarks.Keys;
import io.jadugar.benchmarks.Payload;
import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
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
 * Two in-heap caches measured in turns, one iteration each, in one JVM: on a machine shared with
 * other jobs the load changes from second to second, and two candidates compared in separate runs
 * (or in one run, one after the other) differ by that as much as by themselves. Here the
 * iterations alternate, so each iteration of one has a neighbour of the other under nearly the same
 * load: compare them in pairs. Iteration {@code i} (warm-up included, from 0) runs the first cache
 * of {@link #pair} when {@code i} is even: with an even warm-up count, measured iterations 1, 3, 5...
 * are the first cache and 2, 4, 6... the second.
 *
 * <p>A cache is {@code provider[+expiring][#name][+ttl]}: an id of {@link MemoryProvider}, by
 * reference, bounded and filled like the other benchmarks; {@code +expiring} gives it a created-expiry
 * policy of an hour; {@code +ttl} makes its writes ({@code put}) Jadugar puts with the entry's own
 * ten-minute time to live. Two specs that differ only in {@code +ttl} share one cache
 * ({@code jadugar/jadugar+ttl}: each turn rewrites what the other wrote); a {@code #name} makes
 * a cache of its own ({@code jadugar/jadugar#2+ttl}: each cache stays in its steady state).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AlternatingBenchmark {

  /** The two caches, separated by a slash. */
  @Param({"jadugar/cache2k"})
  public String pair;

  private static final EntryOptions TEN_MINUTES = EntryOptions.ttl(Duration.ofMinutes(10));

  private final CacheTarget[] targets = new CacheTarget[2];
  private final boolean[] ttl = new boolean[2];
  private int iteration;

  private CacheTarget cache;
  private JadugarCache<Integer, Payload> ttlCache;

  /** Opens and fills both caches (one cache serves both turns if the two differ only in {@code +ttl}). */
  @Setup(Level.Trial)
  public void open() {
    String[] specs = pair.split("/");
    if (specs.length != 2) {
      throw new IllegalArgumentException("pair is two caches, not " + pair);
    }
    for (int i = 0; i < 2; i++) {
      ttl[i] = specs[i].endsWith("+ttl");
      String spec = ttl[i] ? specs[i].substring(0, specs[i].length() - 4) : specs[i];
      if (i == 1 && spec.equals(specs[0].replace("+ttl", ""))) {
        targets[1] = targets[0];
        continue;
      }
      targets[i] = open(spec, i);
      for (int k = 0; k < Keys.HOT; k++) {
        targets[i].put(Keys.key(k), Keys.valueOf(k));
      }
    }
  }

  private static CacheTarget open(String spec, int n) {
    if (spec.contains("#")) {
      spec = spec.substring(0, spec.indexOf('#'));
    }
    boolean expiring = spec.endsWith("+expiring");
    String id = expiring ? spec.substring(0, spec.length() - "+expiring".length()) : spec;
    MemoryProvider provider = MemoryProvider.of(id);
    if (provider == MemoryProvider.CAFFEINE_NATIVE) {
      return provider.open(Keys.CAPACITY, false);
    }
    Configuration<Integer, Payload> c = provider.configuration(Keys.CAPACITY, false);
    if (expiring) {
      ((MutableConfiguration<Integer, Payload>) c).setExpiryPolicyFactory(
          CreatedExpiryPolicy.factoryOf(javax.cache.expiry.Duration.ONE_HOUR));
    }
    CacheManager manager = Caching.getCachingProvider(provider.providerClass())
        .getCacheManager(URI.create("alternating" + n), AlternatingBenchmark.class.getClassLoader());
    Cache<Integer, Payload> cache = manager.createCache("bench" + n, c);
    return new JCacheTarget(manager, cache);
  }

  /** The next iteration runs the other cache. */
  @Setup(Level.Iteration)
  @SuppressWarnings("unchecked")
  public void turn() {
    int i = iteration++ & 1;
    cache = targets[i];
    ttlCache = ttl[i] ? ((JCacheTarget) cache).cache().unwrap(JadugarCache.class) : null;
  }

  /** Closes both. */
  @TearDown(Level.Trial)
  public void close() {
    targets[0].close();
    if (targets[1] != targets[0]) {
      targets[1].close();
    }
  }

  private static Integer key() {
    return Keys.key(ThreadLocalRandom.current().nextInt(Keys.HOT));
  }

  private static Payload value() {
    return Keys.valueOf(ThreadLocalRandom.current().nextInt(Keys.HOT));
  }

  /** A read of a present key. */
  @Benchmark
  public Payload getHit() {
    return cache.get(key());
  }

  /** An update of a present key: with its own time to live on a {@code +ttl} cache. */
  @Benchmark
  public void put() {
    if (ttlCache != null) {
      ttlCache.put(key(), value(), TEN_MINUTES);
    } else {
      cache.put(key(), value());
    }
  }

  /** JCache's invoke: an increment of a present key. */
  @Benchmark
  public Object invokeIncrement() {
    return cache.increment(key());
  }

  /** One getAll of 100 present keys. */
  @Benchmark
  public Map<Integer, Payload> getAll100() {
    return cache.getAll(Keys.keySet(ThreadLocalRandom.current().nextInt(64)));
  }

  /** One putAll of 100 updates. */
  @Benchmark
  public void putAll100() {
    cache.putAll(Keys.entryMap(ThreadLocalRandom.current().nextInt(64)));
  }
}
