package io.jadugar.extensions.writeback;

import java.time.Duration;
import java.util.Objects;
import org.redisson.api.RedissonClient;

/**
 * A journal in Redis, shared by every JVM that opens it by the same name: each JVM's write-back
 * appends to it and claims batches from it, so when a JVM dies the others deliver what it left —
 * waiting changes at once, the batches it had at its writer once their lease ends.
 *
 * <p>Every operation is one Lua script on keys of one hash slot ({@code jadugar:write-back:{name}:*}),
 * so it is atomic and works on Redis Cluster too: an append increments the journal's version counter
 * and records the key's latest change (coalescing in Redis); a claim moves up to a batch of keys from
 * the waiting set to the in-flight set with a lease and this JVM as owner; settling a key checks the
 * owner, so a JVM whose lease ended cannot settle what another JVM claimed since. A key in flight is
 * never claimed again before its lease ends, which keeps each key's changes in order across JVMs.
 * Versions come from one counter, and the cache's writer runs under its per-key lock on Redis, so a
 * key's versions grow in the order its changes committed, whichever JVM made them. On the cache's own
 * Redis server (not a Cluster) a plain put needs no lock: the append is a record the cache's store
 * runs in the script that writes the entry ({@link io.jadugar.jcache.spi.JournalingWriter}), guarded
 * by the journal's id in that Redis so that another server's journal of the same name is never used.
 *
 * <p>Times (append, lease, retry, dead letter) are Redis's clock ({@code TIME}), so JVMs whose clocks
 * disagree still agree on when a lease ends.
 *
 * <p>Durability is Redis's: a change is in Redis when the cache's write returns, so the death of the
 * JVM loses nothing; surviving the death of Redis takes its append-only file with {@code appendfsync
 * always} (with {@code everysec} up to a second of changes can be lost) and, with replicas, a failover
 * can lose what had not replicated.
 */
public final class RedisJournal {

  private RedisJournal() {}

  /** The journal named {@code name} on the Redis that {@code redisson} reaches; batches in flight keep their keys 30 s. */
  public static WriteBackJournal on(RedissonClient redisson, String name) {
    return on(redisson, name, Duration.ofSeconds(30));
  }

  /**
   * The journal named {@code name} on the Redis that {@code redisson} reaches. A batch a JVM claimed
   * keeps its keys for {@code lease}: if the JVM dies, another claims them after that; a writer call
   * longer than the lease may see a key delivered twice at once (in version order per JVM).
   */
  public static WriteBackJournal on(RedissonClient redisson, String name, Duration lease) {
    Objects.requireNonNull(redisson, "redisson");
    Objects.requireNonNull(name, "name");
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("lease must be positive, was " + lease);
    }
    return new WriteBackJournal() {
      @Override
      Journal open(WriteBack.Builder<?, ?> settings) {
        return new RedisScriptJournal(redisson, name, lease);
      }

      @Override
      String describe() {
        return "redis journal '" + name + "'";
      }
    };
  }
}
