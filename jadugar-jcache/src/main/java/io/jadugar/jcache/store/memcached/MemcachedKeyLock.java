package io.jadugar.jcache.store.memcached;

import io.jadugar.jcache.spi.BinaryKey;
import io.jadugar.jcache.spi.KeyLock;
import io.jadugar.jcache.store.DisconnectedException;
import io.jadugar.jcache.store.StoreCounters;
import io.jadugar.jcache.store.lease.LeaseBackend;
import io.jadugar.jcache.store.lease.LeaseLocks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.cache.CacheException;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;

/**
 * The key locks of one cache in memcached: an item {@code <namespace>:lock:<key>} holding the
 * holder's token, taken by {@code add} with an exptime of the lease, renewed by {@code gets} and a
 * {@code cas} of the same token, released by {@code gets} and a delete carrying the CAS token, both
 * only if the token is still there. The lock key has no generation: it must name the same item in
 * every JVM, whatever generation each last saw, and a clear leaves it alone. It is never an entry:
 * iteration takes only {@code <namespace>:<generation>:} keys, and the generation is a number. It
 * lives on the server the ring gives it, not necessarily its entry's.
 */
final class MemcachedKeyLock implements LeaseBackend {

  private static final BytesTranscoder TC = BytesTranscoder.INSTANCE;

  private final MemcachedConnection conn;
  private final String lockPrefix;
  private final LeaseLocks locks;
  /** The cache's counters: each request of taking, renewing and releasing a lock is a round trip of its writes. */
  private final StoreCounters counters;

  MemcachedKeyLock(MemcachedConnection conn, String cacheName, String namespace, Duration lease,
      StoreCounters counters) {
    this.conn = conn;
    this.counters = counters;
    this.lockPrefix = namespace + ":lock:";
    this.locks = new LeaseLocks(cacheName, this, lease, MemcachedStoreFactory.LOCK_LEASE.key());
  }

  /** Takes the lock of a store key. */
  KeyLock lock(Object key) {
    return locks.lock(lockKey(key), MemcachedStore.describeKey(key));
  }

  /** The memcached key of a store key's lock: hashed like an entry's key when it would not fit. */
  String lockKey(Object key) {
    return lockPrefix + Keys.encode(((BinaryKey) key).bytes(), lockPrefix.length());
  }

  @Override
  public boolean tryAcquire(String lockKey, String token, long leaseMillis) {
    MemcachedClient client = clientFor(lockKey, "take");
    return Boolean.TRUE.equals(await(lockKey, client.add(lockKey, exptime(leaseMillis), bytes(token), TC), "take"));
  }

  @Override
  public boolean renew(String lockKey, String token, long leaseMillis) {
    MemcachedClient client = clientFor(lockKey, "renew");
    CASValue<byte[]> held = await(lockKey, client.asyncGets(lockKey, TC), "renew");
    if (held == null || !Arrays.equals(held.getValue(), bytes(token))) {
      return false;
    }
    return await(lockKey, client.asyncCAS(lockKey, held.getCas(), exptime(leaseMillis), bytes(token), TC), "renew")
        == CASResponse.OK;
  }

  @Override
  public boolean release(String lockKey, String token) {
    MemcachedClient client = clientFor(lockKey, "release");
    CASValue<byte[]> held = await(lockKey, client.asyncGets(lockKey, TC), "release");
    if (held == null || !Arrays.equals(held.getValue(), bytes(token))) {
      return false;
    }
    // a delete with a CAS token (binary protocol): never deletes a lock another JVM took meanwhile
    return Boolean.TRUE.equals(await(lockKey, client.delete(lockKey, held.getCas()), "release"));
  }

  @Override
  public String where(String lockKey) {
    return conn.serverOf(lockKey);
  }

  /** A client whose connection to the lock's server is up; never another server (see {@link MemcachedStore}). */
  private MemcachedClient clientFor(String lockKey, String what) {
    MemcachedClient client;
    try {
      client = conn.client();
    } catch (DisconnectedException e) {
      counters.failed();
      throw e;
    }
    if (!conn.primary(client, lockKey).isActive()) {
      counters.failed();
      throw new CacheException(conn.serverOf(lockKey) + " is down: cannot " + what + " lock " + lockKey);
    }
    return client;
  }

  /** Whole seconds rounded up, plus one: memcached's clock ticks once a second and could end the lease early. */
  static int exptime(long leaseMillis) {
    return (int) Math.min(MemcachedStore.THIRTY_DAYS, (leaseMillis + 999) / 1000 + 1);
  }

  /** Awaits the answer to one request, sent just before: one round trip. */
  private <T> T await(String lockKey, Future<T> f, String what) {
    counters.sent(1);
    try {
      return f.get(conn.timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheException("interrupted while waiting for " + conn.serverOf(lockKey) + " to " + what
          + " lock " + lockKey, e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      f.cancel(false);
      counters.failed();
      throw new CacheException(conn.serverOf(lockKey) + " failed to " + what + " lock " + lockKey + ": " + e, e);
    }
  }

  private static byte[] bytes(String token) {
    return token.getBytes(StandardCharsets.US_ASCII);
  }
}
