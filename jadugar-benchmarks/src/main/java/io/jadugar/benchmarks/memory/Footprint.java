package io.jadugar.benchmarks.memory;

import io.jadugar.benchmarks.CacheTarget;
import io.jadugar.benchmarks.Payload;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Locale;

/**
 * Measures the heap one provider's cache adds per entry, the same way for every provider: in a JVM
 * of its own, with the keys and values already made and kept alive by this class, it reads the used
 * heap after full collections before and after putting {@code entries} entries into an empty cache
 * bounded to exactly that many. The difference divided by the entries the cache then holds is what
 * the cache itself costs per entry: its nodes, table, wrappers, eviction and expiry bookkeeping, and
 * for store-by-value the copies it keeps. The caller's keys and values are not counted.
 *
 * <p>Heap used is read through {@link MemoryMXBean} after {@code System.gc()} until two readings
 * agree (G1 does a full, compacting collection on {@code System.gc()}). Prints one JSON object.
 *
 * <p>Usage: {@code Footprint <provider-id> <reference|value> [entries]}.
 */
public final class Footprint {

  private Footprint() {}

  /** Measures one provider and prints the result as a JSON object on one line. */
  public static void main(String[] args) throws InterruptedException {
    MemoryProvider provider = MemoryProvider.of(args[0]);
    boolean byValue = "value".equals(args[1]);
    int entries = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;

    Integer[] keys = new Integer[entries];
    Payload[] values = new Payload[entries];
    for (int i = 0; i < entries; i++) {
      keys[i] = i;
      values[i] = new Payload(i, 1);
    }
    CacheTarget cache = provider.open(entries, byValue);
    // a first put and get load the provider's code paths and lazily built structures
    cache.put(-1, new Payload(-1, 1));
    cache.get(-1);
    long before = usedAfterGc();
    for (int i = 0; i < entries; i++) {
      cache.put(keys[i], values[i]);
    }
    // reads let size-bounded caches finish their pending maintenance, as a real cache would
    for (int i = 0; i < entries; i += 64) {
      cache.get(keys[i]);
    }
    long after = usedAfterGc();
    long held = cache.size();
    Reference.reachabilityFence(keys);
    Reference.reachabilityFence(values);
    double perEntry = (after - before) / (double) held;
    System.out.printf(Locale.ROOT,
        "{\"provider\":\"%s\",\"storeBy\":\"%s\",\"entries\":%d,\"held\":%d,\"heapBefore\":%d,"
            + "\"heapAfter\":%d,\"bytesPerEntry\":%.1f}%n",
        provider.id(), byValue ? "value" : "reference", entries, held, before, after, perEntry);
    Reference.reachabilityFence(cache);
    cache.close();
  }

  /** Used heap after full collections, once two readings in a row agree within 0.1%. */
  static long usedAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long previous = Long.MAX_VALUE;
    for (int round = 0; round < 20; round++) {
      System.gc();
      Thread.sleep(100);
      long used = memory.getHeapMemoryUsage().getUsed();
      if (Math.abs(used - previous) <= previous / 1000) {
        return Math.min(used, previous);
      }
      previous = used;
    }
    return previous;
  }
}
