package io.jadugar.benchmarks.tags;

import io.jadugar.benchmarks.CacheTarget;
import io.jadugar.benchmarks.JCacheTarget;
import io.jadugar.benchmarks.Keys;
import io.jadugar.benchmarks.Payload;
import io.jadugar.benchmarks.hazelcast.HazelcastProvider;
import io.jadugar.benchmarks.memcached.MemcachedProvider;
import io.jadugar.benchmarks.memory.MemoryProvider;
import io.jadugar.benchmarks.redis.RedisProvider;
import io.jadugar.extensions.tags.TagManager;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
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
 * A get hit of an entry written with one tag against a get hit of an untagged entry, on one Jadugar
 * cache per store (the servers run.sh starts: {@code -Dbench.redis.port}, {@code
 * -Dbench.memcached.port}, {@code -Dbench.hazelcast.port}); and invalidating a tag that carries
 * {@link #bulk} entries against one that carries one; a getAll of {@link Keys#BULK} tagged entries
 * against one of untagged entries. Keys {@code 0 .. ENTRIES-1} are untagged, {@code ENTRIES ..
 * 2*ENTRIES-1} carry tag {@code t}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TagsBenchmark {

  /** Entries of each kind, written at setup. */
  static final int ENTRIES = 1024;
  /** Pre-drawn key sets per kind for the getAll rows; a power of two, read with a mask. */
  static final int SETS = 16;

  /** {@code memory} (by reference), {@code redis}, {@code memcached} or {@code hazelcast}. */
  @Param({"memory", "redis", "memcached", "hazelcast"})
  public String store;

  /** Entries that carry tag {@code bulk}, written at setup in batches (for example 1000000). */
  @Param({"1024"})
  public int bulk;

  private CacheTarget target;
  private Cache<Integer, Payload> cache;
  private TagManager<Integer, Payload> tags;
  private final Set<Integer>[] untaggedSets = keySets(0);
  private final Set<Integer>[] taggedSets = keySets(ENTRIES);
  /** The next set of a getAll row; a racy counter is fine, any set will do. */
  private int nextSet;

  /** {@link #SETS} sets of {@link Keys#BULK} keys among {@code from .. from+ENTRIES-1}. */
  @SuppressWarnings("unchecked")
  private static Set<Integer>[] keySets(int from) {
    Random random = new Random(from + 7);
    Set<Integer>[] sets = new Set[SETS];
    for (int s = 0; s < SETS; s++) {
      Set<Integer> set = new HashSet<>();
      while (set.size() < Keys.BULK) {
        set.add(Keys.key(from + random.nextInt(ENTRIES)));
      }
      sets[s] = Collections.unmodifiableSet(set);
    }
    return sets;
  }

  /**
   * Opens the cache and writes both kinds of entries, one entry of tag {@code one} and {@link
   * #ENTRIES} of tag {@code bulk}.
   */
  @Setup(Level.Trial)
  public void open() {
    target = switch (store) {
      case "memory" -> MemoryProvider.JADUGAR.open(Math.max(Keys.CAPACITY, 2 * bulk + 4 * ENTRIES), false);
      case "redis" -> RedisProvider.JADUGAR.open();
      case "memcached" -> MemcachedProvider.JADUGAR.open();
      case "hazelcast" -> HazelcastProvider.JADUGAR.open(Keys.CAPACITY);
      default -> throw new IllegalArgumentException("store is memory, redis, memcached or hazelcast, not " + store);
    };
    cache = ((JCacheTarget) target).cache();
    tags = TagManager.of(cache);
    Cache<Integer, Payload> tagged = tags.tags("t");
    for (int i = 0; i < ENTRIES; i++) {
      cache.put(Keys.key(i), Keys.valueOf(i));
      tagged.put(Keys.key(ENTRIES + i), Keys.valueOf(i));
    }
    tags.tags("one").put(Keys.key(2 * ENTRIES), Keys.valueOf(0));
    Cache<Integer, Payload> bulkView = tags.tags("bulk");
    Map<Integer, Payload> batch = new HashMap<>();
    for (int i = 0; i < bulk; i++) {
      batch.put(2 * ENTRIES + 1 + i, Keys.valueOf(i % ENTRIES));
      if (batch.size() == 1000 || i == bulk - 1) {
        bulkView.putAll(batch);
        batch.clear();
      }
    }
  }

  /** Closes it. */
  @TearDown(Level.Trial)
  public void close() {
    target.close();
  }

  /** A hit of an untagged entry. */
  @Benchmark
  public Payload getUntagged() {
    return cache.get(Keys.key(ThreadLocalRandom.current().nextInt(ENTRIES)));
  }

  /** A hit of an entry with one tag: the same read and its tag's version check. */
  @Benchmark
  public Payload getTagged() {
    return cache.get(Keys.key(ENTRIES + ThreadLocalRandom.current().nextInt(ENTRIES)));
  }

  /** A getAll of {@link Keys#BULK} untagged entries. */
  @Benchmark
  public Map<Integer, Payload> getAllUntagged() {
    return cache.getAll(untaggedSets[nextSet++ & (SETS - 1)]);
  }

  /** A getAll of {@link Keys#BULK} entries with tag {@code t}: the same read and one batched read of the tag's record. */
  @Benchmark
  public Map<Integer, Payload> getAllTagged() {
    return cache.getAll(taggedSets[nextSet++ & (SETS - 1)]);
  }

  /**
   * Invalidating a tag: the first call makes its entries invalid, the later ones move the version
   * again; each is one write, whatever the entries (compare with {@link #invalidateTagOfOne}).
   */
  @Benchmark
  public void invalidateTagOfMany() {
    tags.invalidateTag("bulk");
  }

  /** Invalidating a tag that carries one entry. */
  @Benchmark
  public void invalidateTagOfOne() {
    tags.invalidateTag("one");
  }
}
