package io.jadugar.jcache.store.lease;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.spi.BinaryKey;
import io.jadugar.jcache.spi.KeyLock;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.testing.ChildJvm;
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
 * The second JVM of the key-lock tests. {@code count <cache> <threads> <increments> k=v...} prints
 * {@code ready}, waits for a line, runs {@link #count} and prints {@code done}; {@code hold <cache> <key>
 * k=v...} takes the key's lock, prints {@code held} and keeps it until killed.
 */
public final class KeyLockWorker {

  private KeyLockWorker() {}

  public static void main(String[] args) throws Exception {
    int settingsFrom = args[0].equals("count") ? 4 : 3;
    Properties p = ChildJvm.settings(args, settingsFrom);
    JadugarCachingProvider provider = new JadugarCachingProvider();
    CacheManager manager = provider.getCacheManager(URI.create("jadugar:lock-worker"),
        KeyLockWorker.class.getClassLoader(), p);
    Cache<String, Integer> cache = open(manager, args[1]);
    if (args[0].equals("hold")) {
      KeyLock held = cache.unwrap(Store.class).lock(storeKey(args[2]));
      System.out.println("held " + held);
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
    System.out.println("ready");
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    count(cache, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
    System.out.println("done");
    provider.close();
  }

  /** The cache of counters, created if this JVM has none yet. */
  static Cache<String, Integer> open(CacheManager manager, String name) {
    Cache<String, Integer> c = manager.getCache(name, String.class, Integer.class);
    return c != null ? c : manager.createCache(name,
        new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
  }

  /** The store key of a String key: its type tag and its UTF-8 bytes (see FrameCodec). */
  static BinaryKey storeKey(String key) {
    return new BinaryKey(("s" + key).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@code threads} threads each {@code increments} times increment key {@code n} by a get and a
   * put under the key's lock: a read-then-write that only the lock makes atomic.
   */
  static void count(Cache<String, Integer> cache, int threads, int increments) throws InterruptedException {
    Store store = cache.unwrap(Store.class);
    Threads.runAll(threads, "increments failed", t -> {
      for (int i = 0; i < increments; i++) {
        try (KeyLock lock = store.lock(storeKey("n"))) {
          Integer n = cache.get("n");
          cache.put("n", n == null ? 1 : n + 1);
        }
      }
    });
  }
}
