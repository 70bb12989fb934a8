package io.jadugar.jcache.behaviour;

import static javax.cache.event.EventType.CREATED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Atomicity under contention: no lost updates from {@code invoke} or
 * compare-and-set {@code replace} loops, and exactly one winner per key for
 * {@code putIfAbsent}. Only final values are asserted, never speed.
 */
class ConcurrencyTest extends BehaviourTestBase {

  private static final int THREADS = 8;
  private static final int KEYS = 3;
  private static final int INCREMENTS_PER_THREAD = 2_000;

  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(30, TimeUnit.SECONDS);
  }

  /** Runs {@code task(threadIndex)} on all threads, started together, and waits for all. */
  private <T> List<T> runOnAllThreads(ThreadTask<T> task) throws Exception {
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Future<T>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      final int index = t;
      Callable<T> c = () -> {
        start.await(30, TimeUnit.SECONDS);
        return task.run(index);
      };
      futures.add(pool.submit(c));
    }
    List<T> results = new ArrayList<>();
    for (Future<T> f : futures) {
      results.add(f.get(5, TimeUnit.MINUTES));
    }
    return results;
  }

  @FunctionalInterface
  interface ThreadTask<T> {
    T run(int threadIndex) throws Exception;
  }

  @Test
  void invokeIncrementsFromManyThreadsLoseNoUpdates() throws Exception {
    Cache<String, Long> cache = createCache(new MutableConfiguration<String, Long>()
        .setTypes(String.class, Long.class));

    runOnAllThreads(t -> {
      for (int i = 0; i < INCREMENTS_PER_THREAD; i++) {
        // spread threads over the keys, starting at different keys
        cache.invoke("counter-" + ((i + t) % KEYS), new AddOne());
      }
      return null;
    });

    long total = 0;
    for (int k = 0; k < KEYS; k++) {
      Long value = cache.get("counter-" + k);
      assertNotNull(value, "counter-" + k);
      total += value;
    }
    assertEquals((long) THREADS * INCREMENTS_PER_THREAD, total, "sum over all counters");
    // the per-key split is deterministic too: (i + t) % KEYS over i in [0, N) for each t
    for (int k = 0; k < KEYS; k++) {
      long expected = 0;
      for (int t = 0; t < THREADS; t++) {
        for (int i = 0; i < INCREMENTS_PER_THREAD; i++) {
          if ((i + t) % KEYS == k) {
            expected++;
          }
        }
      }
      assertEquals(expected, cache.get("counter-" + k), "counter-" + k);
    }
  }

  @Test
  void invokeIncrementsOnASingleHotKeyLoseNoUpdates() throws Exception {
    Cache<String, Integer> cache = createCache(new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class));

    List<Integer> lastSeen = runOnAllThreads(t -> {
      int last = 0;
      for (int i = 0; i < INCREMENTS_PER_THREAD; i++) {
        int returned = cache.invoke("hot", new AddOneInt());
        if (returned <= last) {
          throw new AssertionError("values returned to one thread must increase: "
              + last + " then " + returned);
        }
        last = returned;
      }
      return last;
    });

    assertEquals(THREADS * INCREMENTS_PER_THREAD, cache.get("hot"));
    assertEquals(THREADS * INCREMENTS_PER_THREAD,
        lastSeen.stream().mapToInt(Integer::intValue).max().orElseThrow(),
        "some thread performed the last increment and saw the final value");
  }

  @Test
  void replaceCompareAndSetLoopsLoseNoUpdates() throws Exception {
    Cache<String, Long> cache = createCache(new MutableConfiguration<String, Long>()
        .setTypes(String.class, Long.class));
    for (int k = 0; k < KEYS; k++) {
      cache.put("cas-" + k, 0L);
    }
    int perThread = INCREMENTS_PER_THREAD / 2;

    List<Integer> failedCas = runOnAllThreads(t -> {
      int failures = 0;
      for (int i = 0; i < perThread; i++) {
        String key = "cas-" + ((i + t) % KEYS);
        while (true) {
          Long old = cache.get(key);
          if (cache.replace(key, old, old + 1)) {
            break;
          }
          failures++;
        }
      }
      return failures;
    });

    long total = 0;
    for (int k = 0; k < KEYS; k++) {
      total += cache.get("cas-" + k);
    }
    assertEquals((long) THREADS * perThread, total,
        "every successful replace(k, old, new) adds exactly one (CAS retries: "
            + failedCas.stream().mapToInt(Integer::intValue).sum() + ")");
  }

  @Test
  void putIfAbsentHasExactlyOneWinnerPerKey() throws Exception {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Cache<String, Integer> cache = createCache(new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .addCacheEntryListenerConfiguration(listenerConfig(listener, null, true, true)));
    int keyCount = 500;

    List<List<Integer>> wonByThread = runOnAllThreads(t -> {
      List<Integer> won = new ArrayList<>();
      for (int k = 0; k < keyCount; k++) {
        if (cache.putIfAbsent("key-" + k, t)) {
          won.add(k);
        }
      }
      return won;
    });

    int[] winners = new int[keyCount];
    int[] winnerThread = new int[keyCount];
    for (int t = 0; t < THREADS; t++) {
      for (int k : wonByThread.get(t)) {
        winners[k]++;
        winnerThread[k] = t;
      }
    }
    for (int k = 0; k < keyCount; k++) {
      assertEquals(1, winners[k], "number of threads whose putIfAbsent succeeded for key-" + k);
      assertEquals(winnerThread[k], cache.get("key-" + k),
          "the stored value is the winner's for key-" + k);
    }
    assertEquals(keyCount, listener.eventsOfType(CREATED).size(),
        "exactly one CREATED event per key");
    assertEquals(keyCount, listener.size(), "and no other events");
  }

  /**
   * The first use of a cache is contended too: many threads racing to be the first to write
   * into a fresh cache still give exactly one {@code putIfAbsent} winner, whose value stays.
   * Repeated with fresh caches, since the race is over in the first moment.
   */
  @Test
  void firstUseOfAFreshCacheFromManyThreadsHasExactlyOnePutIfAbsentWinner() throws Exception {
    for (int round = 1; round <= 20; round++) {
      Cache<String, Integer> cache = createCache(new MutableConfiguration<String, Integer>()
          .setTypes(String.class, Integer.class));
      List<Boolean> won = runOnAllThreads(t -> cache.putIfAbsent("k", t));
      List<Integer> winners = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        if (won.get(t)) {
          winners.add(t);
        }
      }
      assertEquals(1, winners.size(), "round " + round + ": threads whose putIfAbsent on a fresh "
          + "cache succeeded: " + winners);
      assertEquals(winners.get(0), cache.get("k"), "round " + round + ": the winner's value stays");
    }
  }

  @Test
  void getAndPutFromManyThreadsHandsOutEachOldValueExactlyOnce() throws Exception {
    Cache<String, Integer> cache = createCache(new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class));
    AtomicInteger nextValue = new AtomicInteger(1);
    cache.put("k", 0);
    int perThread = 1_000;

    List<List<Integer>> seen = runOnAllThreads(t -> {
      List<Integer> olds = new ArrayList<>();
      for (int i = 0; i < perThread; i++) {
        olds.add(cache.getAndPut("k", nextValue.getAndIncrement()));
      }
      return olds;
    });

    // every value ever written except the final one is returned as "old" exactly once
    int written = THREADS * perThread;
    boolean[] returned = new boolean[written + 1];
    for (List<Integer> olds : seen) {
      for (Integer old : olds) {
        assertNotNull(old);
        if (returned[old]) {
          throw new AssertionError("old value " + old + " handed out twice");
        }
        returned[old] = true;
      }
    }
    int last = cache.get("k");
    for (int v = 0; v <= written; v++) {
      assertEquals(v != last, returned[v], "value " + v + " returned as an old value");
    }
  }

  // ------------------------------------------------------------ processors

  static final class AddOne implements EntryProcessor<String, Long, Long>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Long process(MutableEntry<String, Long> entry, Object... arguments) {
      long next = (entry.exists() ? entry.getValue() : 0L) + 1;
      entry.setValue(next);
      return next;
    }
  }

  static final class AddOneInt implements EntryProcessor<String, Integer, Integer>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Integer process(MutableEntry<String, Integer> entry, Object... arguments) {
      int next = (entry.exists() ? entry.getValue() : 0) + 1;
      entry.setValue(next);
      return next;
    }
  }
}
