package io.jadugar.jcache.store.redis;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.testing.Threads;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;

/**
 * The second JVM of the cross-JVM tests, started with the test's class path: {@code increment
 * <address> <cache> <threads> <per thread>} runs invoke increments once the parent says go;
 * {@code changes <address> <cache>} puts, updates and removes one entry; {@code putAll <address>
 * <cache>} creates k by putAll, then updates k and creates j by one more.
 */
public final class RedisWorker {

  private RedisWorker() {}

  public static void main(String[] args) throws Exception {
    JadugarCachingProvider provider = new JadugarCachingProvider();
    CacheManager manager = provider.getCacheManager(URI.create(args[1]), RedisWorker.class.getClassLoader(),
        new Properties());
    Cache<String, Integer> cache = manager.createCache(args[2],
        new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
    if (args[0].equals("increment")) {
      int threads = Integer.parseInt(args[3]);
      int perThread = Integer.parseInt(args[4]);
      System.out.println("ready");
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      long start = System.currentTimeMillis();
      run(cache, threads, perThread);
      System.out.println("ran " + start + " " + System.currentTimeMillis());
    } else if (args[0].equals("putAll")) {
      cache.putAll(java.util.Map.of("k", 1));
      cache.putAll(java.util.Map.of("k", 2, "j", 3));
    } else {
      cache.put("k", 1);
      cache.put("k", 2);
      cache.remove("k");
    }
    System.out.println("done");
    provider.close();
  }

  /** {@code threads} threads each incrementing key {@code n} by invoke {@code perThread} times. */
  static void run(Cache<String, Integer> cache, int threads, int perThread) throws InterruptedException {
    Threads.runAll(threads, "increments failed", t -> {
      for (int i = 0; i < perThread; i++) {
        cache.invoke("n", (entry, a) -> {
          entry.setValue(entry.exists() ? entry.getValue() + 1 : 1);
          return null;
        });
      }
    });
  }
}
