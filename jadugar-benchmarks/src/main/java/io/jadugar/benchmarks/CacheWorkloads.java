package io.jadugar.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The workloads, written once against {@link CacheTarget}. A store family extends this class with
 * its own {@code @Param}s and {@link #open}; JMH then generates these benchmarks for the subclass.
 *
 * <p>Every cache is bounded to {@link Keys#CAPACITY} entries and starts with {@link Keys#HOT} of
 * them, so hits, updates and invokes never evict, while the Zipf workload, over four times as many
 * keys, evicts all the time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class CacheWorkloads {

  /** The cache of this trial, shared by the benchmark's threads. */
  protected CacheTarget cache;

  /** Opens the cache under test, bounded to {@code capacity} entries, as the subclass's params say. */
  protected abstract CacheTarget open(int capacity);

  /** Whether the cache under test stores copies (then a read must not return the stored object). */
  protected abstract boolean storesByValue();

  /** Opens and fills the cache, and checks that it copies exactly when it should. */
  @Setup(Level.Trial)
  public void openCache() {
    cache = open(Keys.CAPACITY);
    fill(cache);
    // a provider that silently ignored the store-by setting would be measured doing less work
    Payload read = cache.get(Keys.KEYS[1]);
    if (read == null || !read.equals(Keys.valueOf(1)) || (read == Keys.valueOf(1)) == storesByValue()) {
      throw new IllegalStateException(getClass().getSimpleName() + ": the cache does not store by "
          + (storesByValue() ? "value" : "reference") + " as configured");
    }
  }

  /**
   * Puts the {@link Keys#HOT} present entries, one put each. A remote store overrides this with
   * batches: 32,768 round trips per trial would cost more set-up time than the measurement itself.
   */
  protected void fill(CacheTarget target) {
    for (int i = 0; i < Keys.HOT; i++) {
      target.put(Keys.KEYS[i], Keys.valueOf(i));
    }
  }

  /** Puts the {@link Keys#HOT} present entries with putAll, {@code batch} at a time. */
  protected static void fillInBatches(CacheTarget target, int batch) {
    Map<Integer, Payload> chunk = new HashMap<>();
    for (int i = 0; i < Keys.HOT; i++) {
      chunk.put(Keys.KEYS[i], Keys.valueOf(i));
      if (chunk.size() == batch || i == Keys.HOT - 1) {
        target.putAll(chunk);
        chunk.clear();
      }
    }
  }

  /** Closes the cache and its manager. */
  @TearDown(Level.Trial)
  public void closeCache() {
    cache.close();
  }

  /** A thread's own positions in the pre-drawn sequences, starting apart from other threads'. */
  @State(Scope.Thread)
  public static class Cursor {
    private int next;

    /** Starts at a random position, so that two threads do not hit the same keys in step. */
    @Setup(Level.Trial)
    public void start() {
      next = ThreadLocalRandom.current().nextInt(Keys.SEQUENCE);
    }

    Integer hot() {
      return Keys.HOT_SEQUENCE[next++ & Keys.SEQUENCE_MASK];
    }

    Integer absent() {
      return Keys.ABSENT_SEQUENCE[next++ & Keys.SEQUENCE_MASK];
    }

    Integer zipf() {
      return Keys.ZIPF_SEQUENCE[next++ & Keys.SEQUENCE_MASK];
    }

    Payload value() {
      return Keys.VALUES[next++ & (Keys.HOT - 1)];
    }

    Set<Integer> keySet() {
      return Keys.KEY_SETS[next++ & (Keys.BULK_SETS - 1)];
    }

    Map<Integer, Payload> entryMap() {
      return Keys.ENTRY_MAPS[next++ & (Keys.BULK_SETS - 1)];
    }
  }

  /** Hits and misses of the Zipf workload, reported next to its throughput (hit ratio = hits / all). */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class HitCounters {
    /** Reads that found their key. */
    public long hits;
    /** Reads that did not, each followed by a put. */
    public long misses;

    /** JMH sums the counters per iteration: start each from zero. */
    @Setup(Level.Iteration)
    public void reset() {
      hits = 0;
      misses = 0;
    }
  }

  /** A read of a present key. */
  @Benchmark
  public Payload getHit(Cursor cursor) {
    return cache.get(cursor.hot());
  }

  /** A read of a key that is not there (no loader). */
  @Benchmark
  public Payload getMiss(Cursor cursor) {
    return cache.get(cursor.absent());
  }

  /**
   * Whether a present key is present: on a store of bytes Jadugar decodes the entry to decide
   * (present means get would return it), so this row shows what that costs next to getHit.
   */
  @Benchmark
  public boolean containsKeyHit(Cursor cursor) {
    return cache.containsKey(cursor.hot());
  }

  /** An update of a present key. */
  @Benchmark
  public void put(Cursor cursor) {
    cache.put(cursor.hot(), cursor.value());
  }

  /** An atomic read-modify-write of a present key: JCache's invoke, native compute for a ceiling. */
  @Benchmark
  public Object invokeIncrement(Cursor cursor) {
    return cache.increment(cursor.hot());
  }

  /** One getAll of 100 present keys (one op = one call). */
  @Benchmark
  public Map<Integer, Payload> getAll100(Cursor cursor) {
    return cache.getAll(cursor.keySet());
  }

  /** One putAll of 100 updates (one op = one call). */
  @Benchmark
  public void putAll100(Cursor cursor) {
    cache.putAll(cursor.entryMap());
  }

  /**
   * Cache-aside on Zipf-distributed keys, four times more than fit: a read, and a put on a miss,
   * which makes the cache evict. The hit counters show how well each eviction policy keeps the hot keys.
   */
  @Benchmark
  public Payload zipfGetOrPut(Cursor cursor, HitCounters counters) {
    Integer key = cursor.zipf();
    Payload value = cache.get(key);
    if (value == null) {
      counters.misses++;
      cache.put(key, cursor.value());
    } else {
      counters.hits++;
    }
    return value;
  }
}
