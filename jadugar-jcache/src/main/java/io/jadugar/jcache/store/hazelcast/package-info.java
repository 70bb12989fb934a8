/**
 * The Hazelcast store: one {@code IMap} of frames ({@code byte[]}) per cache, this JVM an embedded
 * member of the cluster or a client of it. It only implements the store SPI; Hazelcast is an optional
 * dependency that only this package's classes past {@link io.jadugar.jcache.store.hazelcast.HazelcastStoreFactory}
 * touch. Members need none of the user's classes, nor Jadugar's: every operation is one of
 * Hazelcast's own on {@code byte[]} keys and values.
 *
 * <h2>Why a compute runs under the key's lock</h2>
 * The engine's compute function runs here, in this JVM: it holds the user's code (entry processors,
 * {@code CacheWriter} calls), which cannot be shipped to the key's owner. Two ways to make it atomic:
 * <ul>
 *   <li><b>Optimistic</b>: read, decide, then a compare-and-set ({@code replace(k, oldBytes, newBytes)}).
 *   When the owner dies after applying the CAS, Hazelcast retries the operation on the new owner
 *   (hazelcast issue 11617); the retry finds the new bytes, fails, and the engine would apply the
 *   increment again. A write token inside the value tells "my CAS landed" from "I lost the race" only
 *   as long as nobody wrote after it landed: under contention someone does, and the increment is then
 *   applied twice. And the function runs again on every conflict, so a writer would need a lock anyway.</li>
 *   <li><b>Pessimistic</b> (chosen): {@code IMap.lock(key)}, read, run the function once, write
 *   ({@code set} with the entry's TTL, or {@code remove}), {@code unlock}. Every Hazelcast write to the
 *   key waits for its lock ({@code set}, {@code putIfAbsent}, {@code remove}, another JVM's compute),
 *   so nothing changes the entry between the read and the write, and {@link io.jadugar.jcache.spi.Store#computesOnce()}
 *   is true: an entry processor and a writer see each commit once, in commit order per key. The lock
 *   lives on the key's owner and is copied to its backup, so it survives the owner's death; Hazelcast
 *   releases the locks of a member or client that leaves.</li>
 * </ul>
 * <h2>Idempotent when a member dies</h2>
 * Members and clients run with {@code hazelcast.operation.fail.on.indeterminate.state} (member) and
 * {@code hazelcast.client.operation.fail.on.indeterminate.state} (client) on: an operation whose owner
 * dies, or whose backups do not confirm it, fails with {@code IndeterminateOperationStateException}
 * instead of being silently retried or reported done without its backup. Each step is then safe to
 * repeat: {@code lock} retries are recognised by Hazelcast (the lock keeps the call's reference id);
 * a {@code set} or {@code remove} of unknown outcome is resolved by reading the key again while still
 * holding the lock (nobody else can have written it): every value carries a token unique to its
 * write, so the bytes are either there (it landed) or not (the same bytes are sent again). The
 * function is never run a second time, so no increment is applied twice or lost.
 * <h2>The rest</h2>
 * Expiry is Hazelcast's per-entry TTL (the expiry time plus a grace, so that a reader in that window
 * reports {@code EXPIRED}); {@code getAll} is one {@code IMap.getAll} call (Hazelcast groups it per
 * partition from a client, per owner from a member); iteration is the map's paged iterator; clear is
 * {@code IMap.clear()} of the cache's own map. Listeners in other JVMs hear changes through an entry
 * listener on the map, and {@code EXPIRED} when Hazelcast drops an expired entry on its own.
 * <h2>Why putAll and removeAll send one operation per key</h2>
 * They send one asynchronous {@code set} (with the entry's own TTL) or {@code remove} per key, all
 * before waiting for any, not one call per batch. A batch write must wait for the key locks a compute
 * or {@code lockAll} holds, and keep each entry's TTL; measured on Hazelcast 5.7 against a real member,
 * with another client's thread holding {@code IMap.lock(k)} ({@code HazelcastBatchOptionsTest}):
 * <ul>
 *   <li>{@code IMap.putAll}, {@code setAll} and {@code putAllAsync} change {@code k} at once, lock or
 *   not, and take no TTL at all (the entries get the map's default);</li>
 *   <li>{@code executeOnKeys} and {@code submitToKeys} with an entry processor that calls
 *   {@code ExtendedMapEntry.setValue(value, ttl, unit)} keep each entry's TTL but change {@code k}
 *   at once too; and members must have the processor's class: members without Jadugar's jar fail
 *   it with a {@code ClassNotFoundException} ({@code HazelcastStoreTest}), which a client of a
 *   user's cluster cannot rule out;</li>
 *   <li>only per-key operations wait: {@code set}/{@code setAsync}, {@code remove}/{@code removeAsync},
 *   {@code executeOnKey}.</li>
 * </ul>
 * A batch that ignored a lock would overwrite a compute between its read and its write (a lost
 * increment), or land between a batch's writer call and its commit. {@code HazelcastStoreTest} holds a
 * key in a compute and checks that another cache manager's {@code putAll} and {@code removeAll} change
 * it only after the compute committed; with {@code putAll} made one {@code setAll}, it fails.
 * <p>From a client they are IMap's own {@code set} and {@code remove} requests, awaited on their
 * invocation futures ({@link io.jadugar.jcache.store.hazelcast.ClientWrites}): {@code setAsync} and
 * {@code removeAsync} hang a callback on each answer that Hazelcast's default executor runs, and where
 * the common {@code ForkJoinPool} has a parallelism of 1 (2 cores or fewer) that executor starts a new
 * thread per task, one after another on the client's response thread: a batch of 100 took 17–24 ms on
 * loopback instead of 1–3 ms. A member still uses {@code setAsync}/{@code removeAsync} (and pays that
 * on 2 cores).
 */
package io.jadugar.jcache.store.hazelcast;
