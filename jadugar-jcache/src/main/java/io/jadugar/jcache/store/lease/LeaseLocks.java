package io.jadugar.jcache.store.lease;

import io.jadugar.jcache.configuration.ConfigurationException;
import io.jadugar.jcache.spi.KeyLock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key locks of one cache on a remote store. A thread first takes a JVM-local lock of the key,
 * so that one thread per JVM and key asks the server; the first hold takes the lease on the server
 * under a fresh token (polling with a short, jittered back-off while another JVM holds it), renews
 * it every third of the lease while held, and releases it only if the token still holds it (without
 * waiting for the answer where the store can: the work under the lock is done). Nested
 * holds by the same thread are counted locally. Waiting ends with an error after twice the lease.
 */
public final class LeaseLocks {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseLocks.class);
  /** Shorter leases would need renewals faster than a slow round trip. */
  private static final Duration MIN_LEASE = Duration.ofMillis(300);
  private static final Duration MAX_LEASE = Duration.ofDays(1);
  /** Longest pause between two attempts: short, since the holder's JVM does not wake us. */
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(4);
  private static final long FIRST_BACKOFF_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
  /** Renews every lease held by this JVM; one thread, since a renewal is one round trip every lease / 3. */
  private static final ScheduledThreadPoolExecutor RENEWALS = renewals();

  private final String cacheName;
  private final LeaseBackend backend;
  private final long leaseMillis;
  private final long waitNanos;
  private final ConcurrentHashMap<String, Local> locals = new ConcurrentHashMap<>();

  /** The JVM-local side of one key's lock: who holds it here, under which token, and its renewal. */
  private static final class Local {
    final ReentrantLock lock = new ReentrantLock();
    /** Threads holding or waiting for {@link #lock}; the entry leaves the map at zero. */
    int users;
    /** The token of the lease held now; read by the renewal thread. */
    volatile String token;
    ScheduledFuture<?> renewal;
  }

  /**
   * Locks of cache {@code cacheName} through {@code backend}, each leased for {@code lease}, which
   * the setting {@code settingKey} chose (named if it is out of range).
   */
  public LeaseLocks(String cacheName, LeaseBackend backend, Duration lease, String settingKey) {
    if (lease.compareTo(MIN_LEASE) < 0 || lease.compareTo(MAX_LEASE) > 0) {
      throw new ConfigurationException("Bad value " + lease + " for configuration key '" + settingKey
          + "' of cache " + cacheName + ": a key lock's lease must be between " + MIN_LEASE.toMillis() + " ms and "
          + MAX_LEASE.toDays() + " day");
    }
    this.cacheName = cacheName;
    this.backend = backend;
    this.leaseMillis = lease.toMillis();
    this.waitNanos = TimeUnit.MILLISECONDS.toNanos(2 * leaseMillis);
  }

  /** The lease of every lock. */
  public long leaseMillis() {
    return leaseMillis;
  }

  /**
   * Takes the lock stored under {@code lockKey}; {@code keyName} names the cache's key in an error.
   * Blocks until held, or throws a {@link CacheException} after twice the lease.
   */
  public KeyLock lock(String lockKey, String keyName) {
    long deadline = System.nanoTime() + waitNanos;
    Local local = locals.compute(lockKey, (k, l) -> {
      Local x = l == null ? new Local() : l;
      x.users++;
      return x;
    });
    boolean held = false;
    boolean done = false;
    try {
      if (!local.lock.tryLock(waitNanos, TimeUnit.NANOSECONDS)) {
        throw timeout(lockKey, keyName, "another thread of this JVM held it");
      }
      held = true;
      if (local.lock.getHoldCount() == 1) {
        String token = newToken();
        acquire(lockKey, keyName, token, deadline);
        local.token = token;
        local.renewal = scheduleRenewal(lockKey, token, local);
      }
      done = true;
      return new Held(lockKey, local);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheException("Cache " + cacheName + ": interrupted while waiting for the lock of key " + keyName, e);
    } finally {
      if (!done) {
        if (held) {
          local.lock.unlock();
        }
        leave(lockKey, local);
      }
    }
  }

  private void acquire(String lockKey, String keyName, String token, long deadline) throws InterruptedException {
    long backoff = FIRST_BACKOFF_NANOS;
    while (!tryAcquire(lockKey, token)) {
      if (System.nanoTime() - deadline > 0) {
        throw timeout(lockKey, keyName, "another JVM held it");
      }
      // jittered, so that JVMs polling the same key do not fall into step
      LockSupport.parkNanos(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff));
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
    }
  }

  /**
   * One attempt; an attempt that failed without an answer may still have taken the lease, so it is
   * released (if this token holds it) before the error goes on, rather than left for its lease.
   */
  private boolean tryAcquire(String lockKey, String token) {
    try {
      return backend.tryAcquire(lockKey, token, leaseMillis);
    } catch (RuntimeException e) {
      try {
        backend.release(lockKey, token);
      } catch (RuntimeException again) {
        e.addSuppressed(again);
      }
      throw new CacheException("Cache " + cacheName + ": could not take lock " + lockKey + ": " + e.getMessage(), e);
    }
  }

  private CacheException timeout(String lockKey, String keyName, String why) {
    return new CacheException("Cache " + cacheName + ": could not take the lock of key " + keyName + " ("
        + lockKey + ") on " + backend.where(lockKey) + " within " + 2 * leaseMillis + " ms (twice its lease): "
        + why + " all that time");
  }

  private ScheduledFuture<?> scheduleRenewal(String lockKey, String token, Local local) {
    long period = Math.max(1, leaseMillis / 3);
    return RENEWALS.scheduleWithFixedDelay(() -> renew(lockKey, token, local), period, period, TimeUnit.MILLISECONDS);
  }

  private void renew(String lockKey, String token, Local local) {
    try {
      if (!backend.renew(lockKey, token, leaseMillis)) {
        if (!token.equals(local.token)) {
          throw new IllegalStateException("released"); // raced with the release: nothing was lost
        }
        LOG.warn("Cache {}: the lease of lock {} on {} ended while this JVM held it (a pause longer than {} ms, "
            + "or the server lost it): another JVM may have taken it", cacheName, lockKey, backend.where(lockKey),
            leaseMillis);
        throw new IllegalStateException("lease lost"); // stops the renewals
      }
    } catch (IllegalStateException e) {
      throw e;
    } catch (RuntimeException e) {
      // the next renewal tries again; the lease lasts three periods
      LOG.warn("Cache {}: could not renew the lease of lock {} on {}: {}", cacheName, lockKey,
          backend.where(lockKey), e.getMessage());
    }
  }

  private void leave(String lockKey, Local local) {
    locals.computeIfPresent(lockKey, (k, l) -> l != local || --l.users > 0 ? l : null);
  }

  private static String newToken() {
    byte[] b = new byte[15];
    ThreadLocalRandom.current().nextBytes(b);
    return ProcessHandle.current().pid() + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static ScheduledThreadPoolExecutor renewals() {
    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1,
        io.jadugar.jcache.store.DaemonThreads.named("jadugar-lock-lease"));
    e.setRemoveOnCancelPolicy(true);
    return e;
  }

  /** One hold of a key's lock by the calling thread. */
  private final class Held implements KeyLock {
    private final String lockKey;
    private final Local local;
    private boolean closed;

    Held(String lockKey, Local local) {
      this.lockKey = lockKey;
      this.local = local;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      if (!local.lock.isHeldByCurrentThread()) {
        // checked before anything changes: the holder's own close must still release it
        throw new IllegalMonitorStateException("Cache " + cacheName + ": lock " + lockKey
            + " is closed by a thread that does not hold it");
      }
      closed = true;
      try {
        if (local.lock.getHoldCount() == 1) {
          releaseLease();
        }
      } finally {
        local.lock.unlock();
        leave(lockKey, local);
      }
    }

    private void releaseLease() {
      local.renewal.cancel(false);
      String token = local.token;
      local.token = null;
      // not awaited: another holder in this JVM or another that comes before the release lands
      // waits for it as for any held lock
      backend.releaseLater(lockKey, token, (released, e) -> {
        if (e != null) {
          LOG.warn("Cache {}: could not release lock {} on {} ({}); it ends with its lease of {} ms", cacheName,
              lockKey, backend.where(lockKey), e.getMessage(), leaseMillis);
        } else if (!released) {
          LOG.warn("Cache {}: the lease of lock {} on {} had ended before this JVM released it: another JVM "
              + "may have held it at the same time", cacheName, lockKey, backend.where(lockKey));
        }
      });
    }
  }
}
