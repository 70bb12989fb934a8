package io.jadugar.jcache.writer;

import io.jadugar.jcache.testing.Threads;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;

/**
 * One JVM's share of the exactly-once test: threads doing random {@code put}, {@code putIfAbsent},
 * {@code replace} (plain and conditional), {@code remove} (plain and conditional), {@code invoke},
 * and in {@link #run} also {@code putAll} and {@code removeAll}, on {@link #KEYS} keys, counting per key the calls that committed a change and the
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
    Threads.runAll(threads, "an operation failed", t -> {
      Random random = new Random(seed * 31 + t);
      for (int i = 0; i < opsPerThread; i++) {
        if (random.nextInt(OPS.length + 2) >= OPS.length) {
          batch(cache, random, () -> jvm * 10_000_000 + values.incrementAndGet(), committed, owed);
          continue;
        }
        int k = random.nextInt(KEYS);
        int value = jvm * 10_000_000 + values.incrementAndGet();
        int did = once(cache, key(k), value, random.nextInt(OPS.length), random);
        if (did == CHANGED) {
          committed.incrementAndGet(k);
        }
        if (did != NOTHING) {
          owed.incrementAndGet(k);
        }
      }
    });
    long[][] out = new long[2][KEYS];
    for (int k = 0; k < KEYS; k++) {
      out[0][k] = committed.get(k);
      out[1][k] = owed.get(k);
    }
    return out;
  }

  /**
   * A {@code putAll} or a {@code removeAll} of two to four distinct keys. Every key of a putAll
   * commits a change; JSR-107 has removeAll tell the writer of every key it names, whether or not the
   * cache held it, so those are owed but not counted as committed.
   */
  private static void batch(Cache<String, Integer> cache, Random random, IntSupplier values,
      AtomicLongArray committed, AtomicLongArray owed) {
    int size = 2 + random.nextInt(3);
    Set<Integer> ks = new LinkedHashSet<>();
    while (ks.size() < size) {
      ks.add(random.nextInt(KEYS));
    }
    if (random.nextBoolean()) {
      Map<String, Integer> entries = new LinkedHashMap<>();
      for (int k : ks) {
        entries.put(key(k), values.getAsInt());
      }
      cache.putAll(entries);
      ks.forEach(k -> {
        committed.incrementAndGet(k);
        owed.incrementAndGet(k);
      });
    } else {
      Set<String> names = new LinkedHashSet<>();
      ks.forEach(k -> names.add(key(k)));
      cache.removeAll(names);
      ks.forEach(owed::incrementAndGet);
    }
  }

  /**
   * Runs {@code threads} threads until {@code stop} holds, where operations may fail: an operation
   * that throws is recorded and its thread goes on after a short pause. Each operation tags its writer
   * calls with its id, the unique value it writes ({@link LoggingWriter#operation}). Appends to
   * {@code outcomes} a line per operation: {@code changed <id> <key> <op>} (returned normally,
   * committed a change), {@code absent <id> <key> <op>} (a remove of an absent entry, which the writer
   * hears without a change), {@code nothing <id> <key> <op>} (returned normally, no change) and
   * {@code failed <id> <key> <op> <exception> <message>} (threw). Returns the number of operations run.
   */
  static long runUntil(Cache<String, Integer> cache, int jvm, int threads, long seed, BooleanSupplier stop,
      Path outcomes) throws InterruptedException, IOException {
    AtomicInteger values = new AtomicInteger();
    AtomicLong ran = new AtomicLong();
    try (BufferedWriter out = Files.newBufferedWriter(outcomes, StandardCharsets.UTF_8)) {
      Threads.runAll(threads, "a worker thread failed", t -> {
        Random random = new Random(seed * 31 + t);
        while (!stop.getAsBoolean()) {
          int k = random.nextInt(KEYS);
          int value = jvm * 10_000_000 + values.incrementAndGet();
          int op = random.nextInt(OPS.length);
          String line;
          LoggingWriter.operation(Integer.toString(value));
          try {
            int did = once(cache, key(k), value, op, random);
            line = (did == NOTHING ? "nothing " : did == CHANGED ? "changed " : "absent ") + value + " " + key(k)
                + " " + OPS[op];
          } catch (RuntimeException e) {
            String message = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
            line = "failed " + value + " " + key(k) + " " + OPS[op] + " " + e.getClass().getName() + " "
                + message.substring(0, Math.min(300, message.length()));
            Thread.sleep(10); // as a caller would: no hot loop on a server that is away
          } finally {
            LoggingWriter.operation(null);
          }
          ran.incrementAndGet();
          synchronized (out) {
            out.write(line);
            out.newLine();
          }
        }
      });
    }
    return ran.get();
  }

  /** The operations, by the number {@link #once} takes. */
  static final String[] OPS = {"put", "putIfAbsent", "replace", "replace(k,old,new)", "remove", "remove(k,old)",
      "invoke"};

  /** Operation {@code op} (an index of {@link #OPS}) on {@code key}; what it did. */
  private static int once(Cache<String, Integer> cache, String key, int value, int op, Random random) {
    switch (op) {
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
