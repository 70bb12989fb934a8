package io.jadugar.jcache.store.hazelcast;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.spi.OutcomeUnknownException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.processor.EntryProcessor;

/**
 * The second JVM of the Hazelcast load tests, started with the test's class path: {@code increment
 * <members> <cluster> <cache> <threads> <per thread> <keys>} runs invoke increments as a client once
 * the parent says go, then prints {@code ran <start> <end> <retries> <unknown>}; {@code changes
 * <members> <cluster> <cache>} creates, updates and removes one entry.
 */
public final class HazelcastWorker {

  /** Adds one to the entry's value, or creates it with 1. */
  static final EntryProcessor<String, Integer, Void> INCREMENT = (entry, args) -> {
    entry.setValue(entry.exists() ? entry.getValue() + 1 : 1);
    return null;
  };

  private HazelcastWorker() {}

  public static void main(String[] args) throws Exception {
    JadugarCachingProvider provider = new JadugarCachingProvider();
    Properties p = new Properties();
    p.setProperty("jadugar.hazelcast.cluster-name", args[2]);
    CacheManager manager = provider.getCacheManager(URI.create("hazelcast://" + args[1]),
        HazelcastWorker.class.getClassLoader(), p);
    Cache<String, Integer> cache = manager.createCache(args[3],
        new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
    if (args[0].equals("increment")) {
      System.out.println("ready");
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      long start = System.currentTimeMillis();
      long[] counts = run(cache, Integer.parseInt(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[6]),
          new AtomicLong());
      System.out.println("ran " + start + " " + System.currentTimeMillis() + " " + counts[0] + " " + counts[1]);
    } else {
      cache.put("k", 1);
      cache.put("k", 2);
      cache.remove("k");
    }
    System.out.println("done");
    System.out.flush();
    provider.close();
  }

  /**
   * {@code threads} threads each making {@code perThread} invoke increments over {@code keys} keys
   * ({@code k0}...), counting each in {@code progress}. A call that fails is made again, unless its
   * error says the write's outcome is unknown: then it is counted and not repeated (a test that
   * finds one fails). Returns {retries, unknown outcomes}.
   */
  static long[] run(Cache<String, Integer> cache, int threads, int perThread, int keys, AtomicLong progress)
      throws InterruptedException {
    AtomicLong retries = new AtomicLong();
    AtomicLong unknown = new AtomicLong();
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      final int id = t;
      Thread th = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          String key = "k" + ((id * 7 + i) % keys);
          while (true) {
            try {
              cache.invoke(key, INCREMENT);
              progress.incrementAndGet();
              break;
            } catch (CacheException e) {
              if (isUnknown(e)) {
                unknown.incrementAndGet();
                System.err.println("outcome unknown: " + e);
                break;
              }
              retries.incrementAndGet();
              System.err.println("retrying after: " + e);
              try {
                Thread.sleep(50);
              } catch (InterruptedException x) {
                return;
              }
            }
          }
        }
      });
      th.start();
      all.add(th);
    }
    for (Thread th : all) {
      th.join();
    }
    return new long[] {retries.get(), unknown.get()};
  }

  private static boolean isUnknown(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof OutcomeUnknownException) {
        return true;
      }
    }
    return false;
  }
}
