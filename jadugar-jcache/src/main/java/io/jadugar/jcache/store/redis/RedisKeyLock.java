package io.jadugar.jcache.store.redis;

import io.jadugar.jcache.spi.KeyLock;
import io.jadugar.jcache.store.StoreCounters;
import io.jadugar.jcache.store.lease.LeaseBackend;
import io.jadugar.jcache.store.lease.LeaseLocks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * The key locks of one cache in Redis: a string {@code <prefix><cache>%lock:<entry key part>}
 * holding the holder's token, taken by {@code SET NX PX}, renewed and deleted by scripts that first
 * compare the token. {@code %} never follows the escaped cache name in an entry key, so a lock key is
 * outside every cache's {@code SCAN MATCH <prefix><cache>:*}: no iteration, clear or count sees it.
 * On a Cluster the lock key carries the entry key's hash slot as a hash tag where it can, so that a
 * key's entry and lock live on one master and a lost master costs its own keys only.
 */
final class RedisKeyLock implements LeaseBackend {

  /** Extends the lease if ARGV[1] still holds it. */
  private static final String RENEW = String.join("\n",
      "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end",
      "redis.call('PEXPIRE', KEYS[1], ARGV[2])",
      "return 1");

  /** Deletes the lock if ARGV[1] still holds it. */
  private static final String RELEASE = String.join("\n",
      "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end",
      "redis.call('DEL', KEYS[1])",
      "return 1");

  /** The current Redisson client of the cache manager: a disconnect() and connect() replace it. */
  private final Supplier<RedissonClient> redisson;
  private final String where;
  private final String lockNamespace;
  private final int entryNamespaceLength;
  private final boolean cluster;
  private final LeaseLocks locks;
  /** The cache's counters: taking, renewing and releasing a lock are round trips of its writes. */
  private final StoreCounters counters;

  /**
   * Locks for the entries under {@code entryNamespace} ({@code <prefix><escaped cache>:}), kept under
   * {@code <prefix><escaped cache>%lock:}, counting their requests in {@code counters}.
   */
  RedisKeyLock(Supplier<RedissonClient> redisson, String where, String cacheName, String entryNamespace,
      boolean cluster, Duration lease, StoreCounters counters) {
    this.counters = counters;
    this.redisson = redisson;
    this.where = where;
    this.lockNamespace = lockNamespace(entryNamespace);
    this.entryNamespaceLength = entryNamespace.length();
    this.cluster = cluster;
    this.locks = new LeaseLocks(cacheName, this, lease, RedisStoreFactory.LOCK_LEASE.key());
  }

  /** Takes the lock of the entry stored under {@code redisKey}. */
  KeyLock lock(String redisKey) {
    return locks.lock(lockKey(redisKey), redisKey);
  }

  /** The lock key of the entry stored under {@code redisKey}. */
  String lockKey(String redisKey) {
    return lockKey(lockNamespace, redisKey.substring(entryNamespaceLength), redisKey, cluster);
  }

  /**
   * The lock key of entry key {@code redisKey}, whose part after the namespace is {@code part}. On
   * a Cluster: {@code {h}} then that part, where h is the part of the entry key that Redis hashes
   * (its own hash tag, or all of it), so both share a slot; when h holds a <code>}</code> or the
   * namespace a <code>{</code>, no tag can say h and the lock lands on the slot its own name gives
   * (still correct: the lock and the entry are never in one command).
   */
  static String lockKey(String lockNamespace, String part, String redisKey, boolean cluster) {
    if (!cluster) {
      return lockNamespace + part;
    }
    String hashed = hashedPart(redisKey);
    if (hashed.indexOf('}') >= 0 || lockNamespace.indexOf('{') >= 0) {
      return lockNamespace + part;
    }
    return lockNamespace + "{" + hashed + "}" + part;
  }

  /** The lock namespace of a cache whose entries live under {@code entryNamespace} ({@code <prefix><cache>:}). */
  static String lockNamespace(String entryNamespace) {
    return entryNamespace.substring(0, entryNamespace.length() - 1) + "%lock:";
  }

  /** What Redis Cluster hashes of {@code key}: the text of its first non-empty {@code {...}}, or all of it. */
  static String hashedPart(String key) {
    int open = key.indexOf('{');
    if (open >= 0) {
      int close = key.indexOf('}', open + 1);
      if (close > open + 1) {
        return key.substring(open + 1, close);
      }
    }
    return key;
  }

  @Override
  public boolean tryAcquire(String lockKey, String token, long leaseMillis) {
    try {
      counters.sent(1);
      return redisson.get().<byte[]>getBucket(lockKey, ByteArrayCodec.INSTANCE)
          .setIfAbsent(bytes(token), Duration.ofMillis(leaseMillis));
    } catch (RuntimeException e) {
      counters.failed();
      throw RedisFaults.operation(where, "taking lock " + lockKey, e);
    }
  }

  @Override
  public boolean renew(String lockKey, String token, long leaseMillis) {
    try {
      return call(lockKey, RENEW, bytes(token), bytes(Long.toString(leaseMillis)));
    } catch (RuntimeException e) {
      counters.failed();
      throw RedisFaults.operation(where, "renewing lock " + lockKey, e);
    }
  }

  @Override
  public boolean release(String lockKey, String token) {
    try {
      return call(lockKey, RELEASE, bytes(token));
    } catch (RuntimeException e) {
      counters.failed();
      throw RedisFaults.operation(where, "releasing lock " + lockKey, e);
    }
  }

  @Override
  public void releaseLater(String lockKey, String token, BiConsumer<Boolean, Throwable> onOutcome) {
    try {
      counters.sent(1);
      redisson.get().getScript(ByteArrayCodec.INSTANCE)
          .<Long>evalAsync(lockKey, RScript.Mode.READ_WRITE, RELEASE, RScript.ReturnType.LONG, List.of(lockKey),
              bytes(token))
          .whenComplete((done, e) -> {
            if (e != null) {
              counters.failed();
              onOutcome.accept(null, RedisFaults.operation(where, "releasing lock " + lockKey, e));
            } else {
              onOutcome.accept(done != null && done == 1L, null);
            }
          });
    } catch (RuntimeException e) {
      counters.failed();
      onOutcome.accept(null, RedisFaults.operation(where, "releasing lock " + lockKey, e));
    }
  }

  private boolean call(String lockKey, String lua, Object... args) {
    counters.sent(1);
    RScript script = redisson.get().getScript(ByteArrayCodec.INSTANCE);
    Long done = script.eval(lockKey, RScript.Mode.READ_WRITE, lua, RScript.ReturnType.LONG, List.of(lockKey), args);
    return done != null && done == 1L;
  }

  @Override
  public String where(String lockKey) {
    return where;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
