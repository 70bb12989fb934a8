package io.jadugar.jcache.store.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.spi.KeyLock;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreEntry;
import io.jadugar.jcache.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every store's key lock must do, against real servers and a second JVM: exclude across JVMs,
 * outlive its lease while its holder lives and end with it when the holder is killed, refuse a
 * release by anyone but its holder, and stay out of the cache's entries. A subclass names the
 * store (its settings, with a lease of {@link #LEASE}) and how to reach its lock commands.
 */
public abstract class KeyLockContract {

  /** The lease the tests configure: short, so that a dead holder's lock ends within the test. */
  protected static final String LEASE = "2s";
  private static final long LEASE_MILLIS = 2000;

  private JadugarCachingProvider provider;
  private CacheManager manager;
  private final List<Process> workers = new ArrayList<>();

  /** The store's settings for a cache manager: store, servers, and the lock lease {@link #LEASE}. */
  protected abstract Properties storeProperties();

  /** The lock commands of {@code store}, as its key lock sends them. */
  protected abstract LeaseBackend backend(Store store) throws Exception;

  /** The key in the store under which {@code store} keeps the lock of {@code storeKey}. */
  protected abstract String lockKey(Store store, Object storeKey) throws Exception;

  @BeforeEach
  void open() {
    provider = new JadugarCachingProvider();
    manager = provider.getCacheManager(URI.create("jadugar:locks"), getClass().getClassLoader(), storeProperties());
  }

  @AfterEach
  void close() {
    workers.forEach(Process::destroyForcibly);
    provider.close();
  }

  private Cache<String, Integer> cache(String name) {
    Cache<String, Integer> c = KeyLockWorker.open(manager, name);
    c.clear();
    return c;
  }

  private Process worker(String... args) throws IOException {
    Process p = ChildJvm.builder(KeyLockWorker.class, ChildJvm.withSettings(List.of(args), storeProperties()))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    workers.add(p);
    return p;
  }

  /** Reads the worker's output up to a line starting with {@code prefix}, at most 60 s. */
  private static void expect(Process p, BufferedReader out, String prefix) throws Exception {
    CompletableFuture<Boolean> seen = CompletableFuture.supplyAsync(() -> {
      try {
        for (String l = out.readLine(); l != null; l = out.readLine()) {
          if (l.startsWith(prefix)) {
            return true;
          }
        }
        return false;
      } catch (IOException e) {
        return false;
      }
    });
    assertTrue(seen.get(60, TimeUnit.SECONDS), "the other JVM printed " + prefix + " (alive: " + p.isAlive() + ")");
  }

  private static BufferedReader out(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }

  @Test
  void aReadThenWriteUnderTheLockLosesNoIncrementAcrossTwoJvms() throws Exception {
    int threads = 8;
    int increments = 40;
    Cache<String, Integer> cache = cache("counted");
    Process other = worker("count", "counted", String.valueOf(threads), String.valueOf(increments));
    BufferedReader out = out(other);
    expect(other, out, "ready");
    Writer go = new OutputStreamWriter(other.getOutputStream(), StandardCharsets.UTF_8);
    go.write("go\n");
    go.flush();
    KeyLockWorker.count(cache, threads, increments);
    expect(other, out, "done");
    assertTrue(other.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, other.exitValue());
    assertEquals(2 * threads * increments, cache.get("n"), "increments made under the lock, in two JVMs");
  }

  @Test
  void aLiveHolderKeepsItsLockPastTheLeaseAndAKilledOneLosesItWithTheLease() throws Exception {
    Cache<String, Integer> cache = cache("held");
    Store store = cache.unwrap(Store.class);
    Process holder = worker("hold", "held", "k");
    expect(holder, out(holder), "held");
    // the holder renews: twice the lease later it still holds the lock, and waiting fails naming the key
    CacheException e = assertThrows(CacheException.class, () -> store.lock(KeyLockWorker.storeKey("k")).close());
    assertTrue(e.getMessage().contains("'k'") || e.getMessage().contains("k"), e.getMessage());
    assertTrue(e.getMessage().contains("could not take the lock"), e.getMessage());
    holder.destroyForcibly(); // SIGKILL: no release, no more renewals
    assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
    long start = System.nanoTime();
    try (KeyLock lock = store.lock(KeyLockWorker.storeKey("k"))) {
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(waited < 2 * LEASE_MILLIS, "taken once the dead holder's lease ended, after " + waited + " ms");
    }
  }

  @Test
  void onlyTheHolderReleasesTheLock() throws Exception {
    Cache<String, Integer> cache = cache("owned");
    Store store = cache.unwrap(Store.class);
    Object key = KeyLockWorker.storeKey("k");
    LeaseBackend backend = backend(store);
    String lockKey = lockKey(store, key);
    KeyLock lock = store.lock(key);
    try {
      assertFalse(backend.release(lockKey, "not-the-holder"), "a release under another token is refused");
      assertFalse(backend.renew(lockKey, "not-the-holder", LEASE_MILLIS), "so is a renewal");
      assertFalse(backend.tryAcquire(lockKey, "someone-else", LEASE_MILLIS), "the lock is still held");
      // another thread of this JVM cannot close it either
      CompletableFuture<Throwable> closedElsewhere = CompletableFuture.supplyAsync(() -> {
        try {
          lock.close();
          return null;
        } catch (Throwable t) {
          return t;
        }
      });
      assertTrue(closedElsewhere.get(10, TimeUnit.SECONDS) instanceof IllegalMonitorStateException);
      assertFalse(backend.tryAcquire(lockKey, "someone-else", LEASE_MILLIS), "the lock is still held");
    } finally {
      lock.close();
    }
    assertTrue(backend.tryAcquire(lockKey, "someone-else", LEASE_MILLIS), "released by its holder");
    assertTrue(backend.release(lockKey, "someone-else"));
  }

  @Test
  void aHeldLockIsNoEntry() throws Exception {
    Cache<String, Integer> cache = cache("hidden");
    Store store = cache.unwrap(Store.class);
    Object key = KeyLockWorker.storeKey("k");
    LeaseBackend backend = backend(store);
    String lockKey = lockKey(store, key);
    cache.put("a", 1);
    try (KeyLock lock = store.lock(key); KeyLock nested = store.lock(key)) {
      assertFalse(backend.tryAcquire(lockKey, "someone-else", LEASE_MILLIS), "the lock is in the store");
      Set<String> keys = new HashSet<>();
      cache.forEach(e -> keys.add(e.getKey()));
      assertEquals(Set.of("a"), keys, "iteration sees the entry, not the lock");
      int stored = 0;
      for (Iterator<StoreEntry> it = store.iterator(); it.hasNext(); it.next()) {
        stored++;
      }
      assertEquals(1, stored, "the store's own iteration sees one entry");
      assertFalse(cache.containsKey("k"));
      assertNull(cache.get("k"));
      cache.clear();
      assertFalse(cache.iterator().hasNext());
      assertFalse(backend.tryAcquire(lockKey, "someone-else", LEASE_MILLIS), "clear() leaves the lock alone");
      cache.put("k", 2);
      assertEquals(2, cache.get("k"), "the entry and the lock of one key live side by side");
    }
    assertTrue(backend.tryAcquire(lockKey, "someone-else", LEASE_MILLIS), "released once, by the outer hold");
    assertTrue(backend.release(lockKey, "someone-else"));
    assertEquals(2, cache.get("k"));
  }
}
