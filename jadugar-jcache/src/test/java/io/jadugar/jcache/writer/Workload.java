package io.jadugar.jcache.writer;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;

/**
 * One JVM's share of the exactly-once test: threads doing random {@code put}, {@code putIfAbsent},
 * {@code replace} (plain and conditional), {@code remove} (plain and conditional) and
 * {@code invoke} on {@link #KEYS} keys, counting per key the calls that committed a change and the
 * writer calls they owe. The two differ by one thing only: JSR-107 has {@code remove(key)} tell the
 * writer even when the cache held nothing (the database may hold it), a delete with no change. Every
 * value written is unique to its JVM and operation, so a replayed log can be matched exactly.
 */
final class Workload {

  static final int KEYS = 10;
  /** What one operation did: nothing, a committed change (one writer call), or a writer delete of an absent entry. */
  private static final int NOTHING = 0;
  private static final int CHANGED = 1;
  private static final int DELETED_ABSENT = 2;

  private Workload() {}

  static String key(int i) {
    return "k" + i;
  }

  /** Sets the value, or removes the entry if it exists and the second argument is true; says which. */
  static final class SetOrRemove implements EntryProcessor<String, Integer, String>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public String process(MutableEntry<String, Integer> entry, Object... args) {
      if ((Boolean) args[1]) {
        if (!entry.exists()) {
          return "none";
        }
        entry.remove();
        return "removed";
      }
      entry.setValue((Integer) args[0]);
      return "set";
    }
  }

  /**
   * Runs {@code threads} threads of {@code opsPerThread} operations each; values are {@code jvm *
   * 10,000,000} plus a counter. Returns per key the committed changes ([0]) and the writer calls
   * they owe ([1]).
   */
  static long[][] run(Cache<String, Integer> cache, int jvm, int threads, int opsPerThread, long seed)
      throws InterruptedException {
    AtomicLongArray committed = new AtomicLongArray(KEYS);
    AtomicLongArray owed = new AtomicLongArray(KEYS);
    AtomicInteger values = new AtomicInteger();
    List<Thread> all = new ArrayList<>();
    List<Throwable> errors = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Random random = new Random(seed * 31 + t);
      Thread th = new Thread(() -> {
        try {
          for (int i = 0; i < opsPerThread; i++) {
            int k = random.nextInt(KEYS);
            int value = jvm * 10_000_000 + values.incrementAndGet();
            int did = once(cache, key(k), value, random);
            if (did == CHANGED) {
              committed.incrementAndGet(k);
            }
            if (did != NOTHING) {
              owed.incrementAndGet(k);
            }
          }
        } catch (Throwable e) {
          synchronized (errors) {
            errors.add(e);
          }
        }
      });
      th.start();
      all.add(th);
    }
    for (Thread th : all) {
      th.join();
    }
    if (!errors.isEmpty()) {
      throw new AssertionError("an operation failed: " + errors.get(0), errors.get(0));
    }
    long[][] out = new long[2][KEYS];
    for (int k = 0; k < KEYS; k++) {
      out[0][k] = committed.get(k);
      out[1][k] = owed.get(k);
    }
    return out;
  }

  /** One random operation; what it did. */
  private static int once(Cache<String, Integer> cache, String key, int value, Random random) {
    switch (random.nextInt(7)) {
      case 0:
        cache.put(key, value);
        return CHANGED;
      case 1:
        return changed(cache.putIfAbsent(key, value));
      case 2:
        return changed(cache.replace(key, value));
      case 3: {
        Integer old = cache.get(key);
        return changed(old != null && cache.replace(key, old, value));
      }
      case 4:
        return cache.remove(key) ? CHANGED : DELETED_ABSENT;
      case 5: {
        Integer old = cache.get(key);
        return changed(old != null && cache.remove(key, old));
      }
      default:
        return changed(!"none".equals(cache.invoke(key, new SetOrRemove(), value, random.nextInt(3) == 0)));
    }
  }

  private static int changed(boolean changed) {
    return changed ? CHANGED : NOTHING;
  }
}
