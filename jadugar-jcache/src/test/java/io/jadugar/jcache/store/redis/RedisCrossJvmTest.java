package io.jadugar.jcache.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.testing.ChildJvm;
import io.jadugar.jcache.testing.RedisExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two JVMs on one real Redis: no lost update under contention, and listeners hear the other JVM. */
class RedisCrossJvmTest {

  @RegisterExtension
  static final RedisExtension REDIS = RedisExtension.single();

  private static Process worker(String... args) throws IOException {
    return ChildJvm.builder(RedisWorker.class, args).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static void expectLine(BufferedReader out, String line) throws IOException {
    String l;
    while ((l = out.readLine()) != null) {
      if (l.equals(line)) {
        return;
      }
    }
    throw new AssertionError("the other JVM ended without printing " + line);
  }

  @Test
  void invokeIncrementsFromTwoJvmsLoseNoUpdate() throws Exception {
    int threads = 8;
    int perThread = 150;
    JadugarCachingProvider provider = new JadugarCachingProvider();
    try {
      CacheManager manager = provider.getCacheManager(URI.create(REDIS.server().address()), getClass().getClassLoader(),
          new Properties());
      Cache<String, Integer> cache = manager.createCache("counter",
          new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
      Process other = worker("increment", REDIS.server().address(), "counter", String.valueOf(threads),
          String.valueOf(perThread));
      BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
      expectLine(out, "ready");
      Writer go = new OutputStreamWriter(other.getOutputStream(), StandardCharsets.UTF_8);
      go.write("go\n");
      go.flush();
      long start = System.currentTimeMillis();
      RedisWorker.run(cache, threads, perThread);
      long end = System.currentTimeMillis();
      String ran = null;
      for (String l = out.readLine(); l != null && !l.equals("done"); l = out.readLine()) {
        if (l.startsWith("ran ")) {
          ran = l;
        }
      }
      assertTrue(ran != null, "the other JVM reported its run");
      long otherStart = Long.parseLong(ran.split(" ")[1]);
      long otherEnd = Long.parseLong(ran.split(" ")[2]);
      // the increments of both JVMs really ran at the same time
      assertTrue(otherStart < end && start < otherEnd,
          "overlap: here " + start + ".." + end + ", there " + otherStart + ".." + otherEnd);
      System.out.println("two JVMs: here " + start + ".." + end + ", there " + otherStart + ".." + otherEnd);
      assertTrue(other.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, other.exitValue());
      assertEquals(2 * threads * perThread, cache.get("n"));
    } finally {
      provider.close();
    }
  }

  /** Records what it hears, as text. */
  public static final class Recorder implements CacheEntryCreatedListener<String, Integer>,
      CacheEntryUpdatedListener<String, Integer>, CacheEntryRemovedListener<String, Integer>, java.io.Serializable {
    static final List<String> HEARD = new CopyOnWriteArrayList<>();

    private static void record(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
      for (CacheEntryEvent<? extends String, ? extends Integer> e : events) {
        HEARD.add(e.getEventType() + " " + e.getKey() + "=" + e.getValue() + " old=" + e.getOldValue());
      }
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
      record(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
      record(events);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
      record(events);
    }
  }

  /**
   * Opens {@code cacheName} with a listener that wants old values, has a worker JVM run
   * {@code mode} on it, and returns what the listener heard once {@code expected} events came
   * (or 10 s passed), after 200 ms more in which nothing else may come.
   */
  private List<String> heardFromAnotherJvm(String mode, String cacheName, int expected, JadugarCachingProvider provider)
      throws Exception {
    CacheManager manager = provider.getCacheManager(URI.create(REDIS.server().address()), getClass().getClassLoader(),
        new Properties());
    Recorder.HEARD.clear();
    manager.createCache(cacheName,
        new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class)
            .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                FactoryBuilder.factoryOf(Recorder.class), null, true, true)));
    Process other = worker(mode, REDIS.server().address(), cacheName);
    BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
    expectLine(out, "done");
    assertTrue(other.waitFor(60, TimeUnit.SECONDS));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Recorder.HEARD.size() < expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(200); // nothing more should come
    return List.copyOf(Recorder.HEARD);
  }

  @Test
  void listenersHearThePutAllsOfAnotherJvm() throws Exception {
    JadugarCachingProvider provider = new JadugarCachingProvider();
    try {
      List<String> heard = heardFromAnotherJvm("putAll", "heardAll", 3, provider);
      assertEquals(3, heard.size(), heard.toString());
      assertEquals("CREATED k=1 old=null", heard.get(0));
      assertEquals(java.util.Set.of("UPDATED k=2 old=1", "CREATED j=3 old=null"), java.util.Set.copyOf(heard.subList(1, 3)));
    } finally {
      provider.close();
    }
  }

  @Test
  void listenersHearTheChangesOfAnotherJvm() throws Exception {
    JadugarCachingProvider provider = new JadugarCachingProvider();
    try {
      List<String> heard = heardFromAnotherJvm("changes", "heard", 3, provider);
      assertEquals(3, heard.size(), heard.toString());
      assertEquals("CREATED k=1 old=null", heard.get(0));
      assertEquals("UPDATED k=2 old=1", heard.get(1));
      assertTrue(heard.get(2).startsWith("REMOVED k="), heard.get(2));
      assertEquals(null, provider.getCacheManager(URI.create(REDIS.server().address()), getClass().getClassLoader(),
          new Properties()).getCache("heard", String.class, Integer.class).get("k"));
    } finally {
      provider.close();
    }
  }
}
