package io.jadugar.jcache.store.hazelcast;

import com.hazelcast.client.HazelcastClientNotActiveException;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import io.jadugar.jcache.configuration.CoreSettings;
import io.jadugar.jcache.health.HealthReport;
import io.jadugar.jcache.spi.BinaryKey;
import io.jadugar.jcache.spi.KeyLock;
import io.jadugar.jcache.spi.OutcomeUnknownException;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreEntry;
import io.jadugar.jcache.spi.StoreListener;
import io.jadugar.jcache.spi.StoreMemory;
import io.jadugar.jcache.spi.StoreOptions;
import io.jadugar.jcache.spi.StoreTraffic;
import io.jadugar.jcache.store.DisconnectedException;
import io.jadugar.jcache.store.StoreCounters;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.cache.CacheException;
import javax.cache.event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cache in Hazelcast: an {@code IMap<byte[], byte[]>} named {@code jadugar:<prefix><cache>}. A
 * value is a 27-byte header (magic, format, flags, the writing store's origin id, a write token
 * unique to the write, the expiry time) and the frame; the package documentation says why a compute
 * runs under the key's lock.
 */
final class HazelcastStore implements Store {

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastStore.class);

  static final byte MAGIC = 'J';
  static final byte FORMAT = 1;
  /** Flag: the write changed only the expiry time (access expiry): no change to tell other JVMs of. */
  static final byte TOUCH = 1;
  static final int HEADER = 27;
  /** How long a compute's steps are tried again while the cluster recovers from a member's death. */
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final byte[] NO_FRAME = new byte[0];

  private final HazelcastStoreClient client;
  private final String cacheName;
  private final String mapName;
  private final long grace;
  private final long origin;
  private final StoreListener listener;
  private final OwnRemovals ownRemovals = new OwnRemovals();
  /** One round trip per operation invocation sent to the cluster (see {@link #traffic()}). */
  private final StoreCounters counters = new StoreCounters();
  /** The map on the current instance, that instance, and the map's batch writes (see {@link ClientWrites}). */
  private volatile Bound bound;
  private final Object subscriptionLock = new Object();
  private boolean heard;
  private UUID subscription;

  HazelcastStore(HazelcastStoreClient client, StoreOptions options) {
    this.client = client;
    this.cacheName = options.cacheName();
    this.mapName = mapName(options);
    this.grace = client.grace();
    this.listener = options.listener();
    long o;
    do {
      o = ThreadLocalRandom.current().nextLong();
    } while (o == 0);
    this.origin = o;
    map();
  }

  /** The map of a cache: {@code jadugar:} (so that one map configuration covers them all), prefix, name. */
  static String mapName(StoreOptions options) {
    return HazelcastSpec.MAP_PREFIX + options.settings().get(CoreSettings.PREFIX) + options.cacheName();
  }

  /** A map, the instance it is on, and its batch writes from a client (null: IMap's asynchronous calls). */
  private record Bound(IMap<Object, Object> map, HazelcastInstance of, ClientWrites writes) {}

  /** The map on the current instance and its batch writes; fails at once while the cache manager is disconnected. */
  private Bound bound() {
    HazelcastInstance hz = client.instance();
    Bound b = bound;
    if (b == null || b.of() != hz) {
      IMap<Object, Object> m = hz.getMap(mapName);
      b = new Bound(m, hz, client.member() ? null : ClientWrites.of(hz, m));
      bound = b;
    }
    return b;
  }

  /** The map on the current instance; fails at once while the cache manager is disconnected. */
  private IMap<Object, Object> map() {
    return bound().map();
  }

  // ---------------------------------------------------------------- values

  private byte[] encode(StoreEntry entry, byte flags) {
    byte[] frame = (byte[]) entry.value();
    return ByteBuffer.allocate(HEADER + frame.length).put(MAGIC).put(FORMAT).put(flags).putLong(origin)
        .putLong(ThreadLocalRandom.current().nextLong()).putLong(entry.expireAt()).put(frame).array();
  }

  /** The entry {@code raw} holds, its raw bytes the version; anything else is a corrupt entry. */
  private static StoreEntry decode(Object key, Object raw) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof byte[] b) || b.length < HEADER || b[0] != MAGIC || b[1] != FORMAT) {
      // another program's value: no frame, so the engine counts a corrupt entry and drops it
      return new StoreEntry(key, raw instanceof byte[] b2 && b2.length >= HEADER ? b2 : NO_FRAME, StoreEntry.ETERNAL, raw);
    }
    long expireAt = ByteBuffer.wrap(b, 19, 8).getLong();
    if (expireAt <= 0) {
      expireAt = StoreEntry.ETERNAL;
    }
    return new StoreEntry(key, Arrays.copyOfRange(b, HEADER, b.length), expireAt, raw);
  }

  private static boolean ours(Object raw) {
    return raw instanceof byte[] b && b.length >= HEADER && b[0] == MAGIC && b[1] == FORMAT;
  }

  private static long originOf(byte[] raw) {
    return ByteBuffer.wrap(raw, 3, 8).getLong();
  }

  private static long tokenOf(byte[] raw) {
    return ByteBuffer.wrap(raw, 11, 8).getLong();
  }

  private static byte[] bytes(Object key) {
    return ((BinaryKey) key).bytes();
  }

  /** Hazelcast's TTL for an entry: until its expiry time plus the grace; 0 (for ever) when eternal. */
  private long ttl(long expireAt) {
    if (expireAt == StoreEntry.ETERNAL || expireAt > Long.MAX_VALUE - grace) {
      return 0;
    }
    return Math.max(1, expireAt + grace - System.currentTimeMillis());
  }

  /** Whether a failed write may have been applied all the same (the member died, the answer was lost). */
  private static boolean mayHaveLanded(RuntimeException e) {
    return !(e instanceof DisconnectedException || e instanceof HazelcastSerializationException
        || e instanceof IllegalArgumentException || e instanceof ClassCastException);
  }

  /**
   * The error of operation {@code op}, counted as a failed request: every catch of this store calls
   * this once for the one Hazelcast call that failed or could not be sent (the cache manager
   * disconnected).
   */
  private CacheException fault(String op, RuntimeException e) {
    counters.failed();
    return client.fault(op, e);
  }

  /**
   * The round trips of one {@code IMap.getAll} of {@code keys}: a client sends one {@code MapGetAll}
   * request per partition the keys fall in; a member one operation per member owning any of them (a
   * member whose owner is not known yet, during a migration, counts as one more).
   */
  private int getAllTrips(HazelcastInstance hz, Collection<Object> keys) {
    com.hazelcast.partition.PartitionService partitions = hz.getPartitionService();
    Set<Object> to = new HashSet<>();
    for (Object k : keys) {
      com.hazelcast.partition.Partition p = partitions.getPartition(k);
      if (client.member()) {
        to.add(p.getOwner() == null ? (Object) p.getPartitionId() : p.getOwner().getUuid());
      } else {
        to.add(p.getPartitionId());
      }
    }
    return to.size();
  }

  /** The round trips of an operation sent to every member (clear): one from a client, one per member from a member. */
  private int everyMemberTrips(HazelcastInstance hz) {
    return client.member() ? Math.max(1, hz.getCluster().getMembers().size()) : 1;
  }

  // ---------------------------------------------------------------- reads

  @Override
  public StoreEntry get(Object key) {
    try {
      IMap<Object, Object> m = map();
      counters.sent(1);
      return decode(key, m.get(bytes(key)));
    } catch (RuntimeException e) {
      throw fault("get", e);
    }
  }

  @Override
  public Map<Object, StoreEntry> getAll(Collection<?> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    Set<Object> wanted = new HashSet<>((int) (keys.size() / 0.75f) + 1);
    for (Object k : keys) {
      wanted.add(bytes(k));
    }
    Map<Object, Object> found;
    try {
      IMap<Object, Object> m = map();
      // a client: one request per partition; a member: one operation per member, for the partitions it owns
      counters.sent(getAllTrips(client.instance(), wanted));
      found = m.getAll(wanted);
    } catch (RuntimeException e) {
      throw fault("getAll", e);
    }
    Map<Object, StoreEntry> out = new HashMap<>((int) (found.size() / 0.75f) + 1);
    for (Map.Entry<Object, Object> e : found.entrySet()) {
      if (e.getKey() instanceof byte[] kb) {
        BinaryKey k = new BinaryKey(kb);
        out.put(k, decode(k, e.getValue()));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- unconditional writes

  @Override
  public void put(StoreEntry entry) {
    byte[] raw = encode(entry, (byte) 0);
    try {
      IMap<Object, Object> m = map();
      counters.sent(1);
      m.set(bytes(entry.key()), raw, ttl(entry.expireAt()), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      throw fault("put", e);
    }
  }

  /**
   * One {@code set} per entry, all sent before waiting for any: {@code IMap.putAll} can neither give
   * each entry its own TTL nor wait for a key that a compute holds locked. From a client, the sets go
   * through {@link ClientWrites}: the same requests, without a thread started per answer.
   */
  @Override
  public void putAll(Collection<StoreEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    try {
      Bound b = bound();
      ClientWrites w = b.writes();
      List<CompletableFuture<?>> sent = new ArrayList<>(entries.size());
      for (StoreEntry entry : entries) {
        // one invocation per entry, all in flight together, each answered on its own
        counters.sent(1);
        byte[] k = bytes(entry.key());
        byte[] raw = encode(entry, (byte) 0);
        long ttl = ttl(entry.expireAt());
        sent.add(w != null ? w.set(k, raw, ttl)
            : b.map().setAsync(k, raw, ttl, TimeUnit.MILLISECONDS).toCompletableFuture());
      }
      // each awaited on its own future: no callback (see ClientWrites)
      for (CompletableFuture<?> f : sent) {
        f.join();
      }
    } catch (java.util.concurrent.CompletionException e) {
      throw fault("putAll", e.getCause() instanceof RuntimeException r ? r : e);
    } catch (RuntimeException e) {
      throw fault("putAll", e);
    }
  }

  @Override
  public boolean insert(StoreEntry entry) {
    byte[] raw = encode(entry, (byte) 0);
    byte[] k = bytes(entry.key());
    try {
      IMap<Object, Object> m = map();
      counters.sent(1);
      Object before = m.putIfAbsent(k, raw, ttl(entry.expireAt()), TimeUnit.MILLISECONDS);
      // a retry of a putIfAbsent that had landed finds our own bytes: it was written
      return before == null || Arrays.equals(raw, before instanceof byte[] b ? b : null);
    } catch (RuntimeException e) {
      throw fault("insert", e);
    }
  }

  @Override
  public StoreEntry remove(Object key) {
    Map<Object, StoreEntry> removed = removeAll(List.of(key));
    return removed.get(key);
  }

  @Override
  public Map<Object, StoreEntry> removeAll(Collection<?> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    List<Object> order = new ArrayList<>(keys);
    boolean track = listening();
    if (track) {
      ownRemovals.begin(order);
    }
    List<Long> tokens = new ArrayList<>();
    Map<Object, StoreEntry> out = new LinkedHashMap<>();
    try {
      Bound b = bound();
      ClientWrites w = b.writes();
      List<CompletableFuture<?>> sent = new ArrayList<>(order.size());
      for (Object k : order) {
        counters.sent(1);
        sent.add(w != null ? w.remove(bytes(k)) : b.map().removeAsync(bytes(k)).toCompletableFuture());
      }
      for (int i = 0; i < order.size(); i++) {
        Object answer = sent.get(i).join();
        Object old = w != null ? w.removed(answer) : answer;
        if (old != null) {
          out.put(order.get(i), decode(order.get(i), old));
          if (ours(old)) {
            tokens.add(tokenOf((byte[]) old));
          }
        }
      }
    } catch (java.util.concurrent.CompletionException e) {
      throw fault("removeAll", e.getCause() instanceof RuntimeException r ? r : e);
    } catch (RuntimeException e) {
      throw fault("removeAll", e);
    } finally {
      if (track) {
        ownRemovals.end(order, tokens);
      }
    }
    return out;
  }

  @Override
  public void clear() {
    try {
      // one cache's map: JCache's clear tells no listener, and Hazelcast's clear sends no entry event
      IMap<Object, Object> m = map();
      counters.sent(everyMemberTrips(client.instance()));
      m.clear();
    } catch (RuntimeException e) {
      throw fault("clear", e);
    }
  }

  @Override
  public Iterator<StoreEntry> iterator() {
    Iterator<Map.Entry<Object, Object>> it;
    try {
      IMap<Object, Object> m = map();
      // at least one fetch per partition (a partition holding more than a page takes more, not seen from here)
      counters.sent(client.instance().getPartitionService().getPartitions().size());
      it = m.iterator(500);
    } catch (RuntimeException e) {
      throw fault("iteration", e);
    }
    return new Iterator<>() {
      private StoreEntry next;

      @Override
      public boolean hasNext() {
        try {
          while (next == null && it.hasNext()) {
            Map.Entry<Object, Object> e = it.next();
            if (e.getKey() instanceof byte[] kb) {
              BinaryKey k = new BinaryKey(kb);
              next = decode(k, e.getValue());
            }
          }
          return next != null;
        } catch (RuntimeException e) {
          throw fault("iteration", e);
        }
      }

      @Override
      public StoreEntry next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        StoreEntry n = next;
        next = null;
        return n;
      }
    };
  }

  // ---------------------------------------------------------------- compute, under the key's lock

  /**
   * Runs {@code function} once, here, under the key's lock ({@code IMap.lock}, held on the key's
   * owner and copied to its backups): lock, read, decide, write, unlock. Every write to the key (set,
   * putIfAbsent, remove, another compute) waits for the lock, so nothing changes the entry between
   * the read and the write. A write whose outcome is unknown (the owner died, the answer was lost,
   * its backups did not confirm) is resolved by reading the key again, still under the lock: the
   * bytes carry a token unique to this write, so either they are there (it landed) or the old entry
   * is (it did not, and the same bytes are sent again); the function never runs twice.
   */
  @Override
  public StoreEntry compute(Object key, UnaryOperator<StoreEntry> function) {
    byte[] k = bytes(key);
    IMap<Object, Object> m;
    try {
      m = map();
    } catch (RuntimeException e) {
      throw fault("lock", e);
    }
    int extraHolds = lock(m, k);
    try {
      StoreEntry current;
      try {
        counters.sent(1);
        current = decode(key, m.get(k));
      } catch (RuntimeException e) {
        throw fault("get", e);
      }
      StoreEntry next = function.apply(current);
      if (next == current) {
        return current;
      }
      if (next == null) {
        delete(m, key, k, current);
        return null;
      }
      byte flags = current != null && next.value() == current.value() ? TOUCH : 0;
      byte[] raw = encode(next, flags);
      write(m, k, raw, ttl(next.expireAt()));
      return new StoreEntry(next.key(), next.value(), next.expireAt(), raw);
    } finally {
      unlock(m, k, extraHolds);
    }
  }

  @Override
  public boolean computesOnce() {
    return true;
  }

  /**
   * The keys' {@code IMap} locks, in the order of their bytes: {@link #compute} waits for them, so a
   * single-key operation needs no lock of its own ({@link #lock} holds nothing) while a batch holds
   * these.
   */
  @Override
  public KeyLock lockAll(Collection<?> keys) {
    IMap<Object, Object> m;
    try {
      m = map();
    } catch (RuntimeException e) {
      throw fault("lock", e);
    }
    return KeyLock.inOrder(keys, key -> {
      byte[] k = ((BinaryKey) key).bytes();
      int extraHolds = lock(m, k);
      return () -> unlock(m, k, extraHolds);
    });
  }

  @Override
  public boolean replace(StoreEntry expected, StoreEntry replacement) {
    boolean[] done = {false};
    compute(expected.key(), current -> {
      if (current == null || !sameBytes(current.version(), expected.version())) {
        return current;
      }
      done[0] = true;
      return replacement;
    });
    return done[0];
  }

  @Override
  public boolean remove(StoreEntry expected) {
    boolean[] done = {false};
    compute(expected.key(), current -> {
      if (current == null || !sameBytes(current.version(), expected.version())) {
        return current;
      }
      done[0] = true;
      return null;
    });
    return done[0];
  }

  private static boolean sameBytes(Object a, Object b) {
    return a instanceof byte[] x && b instanceof byte[] y ? Arrays.equals(x, y) : java.util.Objects.equals(a, b);
  }

  /** Whether a failed step may be tried again: the cluster may answer once it has moved the key's partition. */
  private static boolean retryable(RuntimeException e) {
    return mayHaveLanded(e) && !(e instanceof HazelcastClientNotActiveException)
        && !(e instanceof IllegalMonitorStateException);
  }

  /** Waits a little before trying again, longer after each attempt (20 ms to 500 ms). */
  private static void pause(int attempt) {
    try {
      Thread.sleep(Math.min(500, 20L << Math.min(attempt, 5)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheException("interrupted while the cluster recovers", e);
    }
  }

  /**
   * Takes the key's lock, trying again for up to {@link #RETRY_NANOS} while the cluster recovers from a
   * member's death. Returns how many extra holds attempts of unknown outcome may have left (each
   * released by {@link #unlock}).
   */
  private int lock(IMap<Object, Object> m, byte[] k) {
    long deadline = System.nanoTime() + RETRY_NANOS;
    int extra = 0;
    for (int attempt = 1; ; attempt++) {
      try {
        // a retry of this very call inside Hazelcast is recognised by the lock (it keeps the call's reference id)
        counters.sent(1);
        m.lock(k);
        return extra;
      } catch (RuntimeException e) {
        if (!retryable(e) || System.nanoTime() > deadline) {
          if (extra > 0) {
            unlock(m, k, extra - 1);
          }
          throw fault("lock", e);
        }
        counters.failed();
        LOG.info("Cache {}: the lock of a key of {} was not confirmed ({}); taking it again", cacheName, mapName, e.toString());
        extra++;
        pause(attempt);
      }
    }
  }

  /** Releases the lock and the extra holds an attempt of unknown outcome may have left. */
  private void unlock(IMap<Object, Object> m, byte[] k, int extraHolds) {
    long deadline = System.nanoTime() + RETRY_NANOS;
    for (int i = 0; i <= extraHolds; i++) {
      for (int attempt = 1; ; attempt++) {
        try {
          counters.sent(1);
          m.unlock(k);
          break;
        } catch (IllegalMonitorStateException e) {
          return; // not (or no longer) ours: every hold is released
        } catch (RuntimeException e) {
          counters.failed();
          if (!retryable(e) || System.nanoTime() > deadline) {
            LOG.warn("Cache {}: could not release the lock of a key of {}; Hazelcast releases it when this JVM "
                + "leaves the cluster: {}", cacheName, mapName, e.toString());
            return;
          }
          pause(attempt);
        }
      }
    }
  }

  /** Writes {@code raw} under the lock, resolving an unknown outcome by reading it back. */
  private void write(IMap<Object, Object> m, byte[] k, byte[] raw, long ttl) {
    long deadline = System.nanoTime() + RETRY_NANOS;
    RuntimeException first = null;
    for (int attempt = 1; ; attempt++) {
      try {
        counters.sent(1);
        m.set(k, raw, ttl, TimeUnit.MILLISECONDS);
        return;
      } catch (RuntimeException e) {
        if (!mayHaveLanded(e)) {
          throw fault("write", e);
        }
        counters.failed();
        first = first == null ? e : first;
        LOG.info("Cache {}: a write to {} was not confirmed ({}); reading it back", cacheName, mapName, e.toString());
        try {
          counters.sent(1);
          if (m.get(k) instanceof byte[] now && Arrays.equals(now, raw)) {
            return; // it landed
          }
        } catch (RuntimeException again) {
          counters.failed();
          LOG.debug("Cache {}: reading back a write to {} failed", cacheName, mapName, again);
        }
        if (!retryable(e) || System.nanoTime() > deadline) {
          throw new OutcomeUnknownException(client.where() + " did not confirm a write to cache " + cacheName
              + ": it may or may not have been stored", first);
        }
        pause(attempt);
      }
    }
  }

  /** Deletes the entry under the lock, resolving an unknown outcome by reading the key back. */
  private void delete(IMap<Object, Object> m, Object key, byte[] k, StoreEntry current) {
    boolean track = listening() && current.version() instanceof byte[] b && ours(b);
    long token = track ? tokenOf((byte[]) current.version()) : 0;
    if (track) {
      ownRemovals.expect(token);
    }
    long deadline = System.nanoTime() + RETRY_NANOS;
    RuntimeException first = null;
    for (int attempt = 1; ; attempt++) {
      try {
        // remove, not delete: Hazelcast's REMOVED event carries the old value only for a remove
        counters.sent(1);
        m.remove(k);
        return;
      } catch (RuntimeException e) {
        if (!mayHaveLanded(e)) {
          if (track) {
            ownRemovals.forget(token);
          }
          throw fault("remove", e);
        }
        counters.failed();
        first = first == null ? e : first;
        LOG.info("Cache {}: a removal from {} was not confirmed ({}); reading the key back", cacheName, mapName,
            e.toString());
        try {
          counters.sent(1);
          if (m.get(k) == null) {
            return; // it landed
          }
        } catch (RuntimeException again) {
          counters.failed();
          LOG.debug("Cache {}: reading back a removal from {} failed", cacheName, mapName, again);
        }
        if (!retryable(e) || System.nanoTime() > deadline) {
          throw new OutcomeUnknownException(client.where() + " did not confirm a removal from cache " + cacheName
              + ": it may or may not have been removed", first);
        }
        pause(attempt);
      }
    }
  }

  // ---------------------------------------------------------------- other JVMs

  private boolean listening() {
    synchronized (subscriptionLock) {
      return subscription != null;
    }
  }

  /** What the map tells every JVM that listens to it, passed on unless this store made the change. */
  private final class Events implements EntryAddedListener<Object, Object>, EntryUpdatedListener<Object, Object>,
      EntryRemovedListener<Object, Object>, EntryExpiredListener<Object, Object>,
      EntryEvictedListener<Object, Object> {

    @Override
    public void entryAdded(EntryEvent<Object, Object> e) {
      Object v = e.getValue();
      if (!(e.getKey() instanceof byte[] kb) || !ours(v) || originOf((byte[]) v) == origin) {
        return;
      }
      BinaryKey k = new BinaryKey(kb);
      listener.changedElsewhere(EventType.CREATED, k, decode(k, v).value(), null);
    }

    @Override
    public void entryUpdated(EntryEvent<Object, Object> e) {
      Object v = e.getValue();
      if (!(e.getKey() instanceof byte[] kb) || !ours(v) || originOf((byte[]) v) == origin
          || (((byte[]) v)[2] & TOUCH) != 0) {
        return;
      }
      BinaryKey k = new BinaryKey(kb);
      Object old = e.getOldValue();
      StoreEntry before = ours(old) ? decode(k, old) : null;
      if (before != null && before.isExpiredAt(System.currentTimeMillis())) {
        // what replaced an expired entry is a creation to the listeners (as JSR-107 counts it)
        listener.changedElsewhere(EventType.CREATED, k, decode(k, v).value(), null);
      } else {
        listener.changedElsewhere(EventType.UPDATED, k, decode(k, v).value(), before == null ? null : before.value());
      }
    }

    @Override
    public void entryRemoved(EntryEvent<Object, Object> e) {
      Object old = e.getOldValue();
      if (!(e.getKey() instanceof byte[] kb) || !ours(old)) {
        return;
      }
      BinaryKey k = new BinaryKey(kb);
      if (ownRemovals.own(k, tokenOf((byte[]) old))) {
        return;
      }
      StoreEntry before = decode(k, old);
      EventType type = before.isExpiredAt(System.currentTimeMillis()) ? EventType.EXPIRED : EventType.REMOVED;
      listener.changedElsewhere(type, k, before.value(), before.value());
    }

    @Override
    public void entryExpired(EntryEvent<Object, Object> e) {
      Object old = e.getOldValue() != null ? e.getOldValue() : e.getValue();
      if (!(e.getKey() instanceof byte[] kb) || !ours(old)) {
        return;
      }
      BinaryKey k = new BinaryKey(kb);
      // Hazelcast dropped it on its own (its TTL ran out): every JVM that listens reports it
      listener.expired(decode(k, old));
    }

    @Override
    public void entryEvicted(EntryEvent<Object, Object> e) {
      Object old = e.getOldValue() != null ? e.getOldValue() : e.getValue();
      if (e.getKey() instanceof byte[] kb && ours(old)) {
        BinaryKey k = new BinaryKey(kb);
        listener.evicted(decode(k, old));
      }
    }
  }

  /**
   * Hears the map's events only while this JVM's cache has listeners: Hazelcast sends a member's
   * events only to the JVMs that registered for them, so a cache nobody listens to costs nothing.
   */
  @Override
  public void listenersChanged(boolean any) {
    synchronized (subscriptionLock) {
      heard = any;
      if (any && subscription == null) {
        subscribe();
      } else if (!any) {
        unsubscribe();
      }
    }
  }

  private void subscribe() {
    try {
      // returns once every member has the registration
      subscription = map().addEntryListener(new Events(), true);
    } catch (RuntimeException e) {
      throw client.fault("subscribing to the changes of cache " + cacheName, e);
    }
  }

  private void unsubscribe() {
    UUID id = subscription;
    subscription = null;
    if (id != null) {
      try {
        Bound b = bound;
        if (b != null) {
          b.map().removeEntryListener(id);
        }
      } catch (RuntimeException e) {
        LOG.debug("Cache {}: could not stop listening to {}", cacheName, mapName, e);
      }
    }
  }

  /** The client lets go of its instance: this store's registration on it goes first. */
  void disconnected() {
    synchronized (subscriptionLock) {
      unsubscribe();
    }
  }

  /** The client has an instance again: heard again if it was. */
  void reconnected() {
    synchronized (subscriptionLock) {
      if (heard && subscription == null) {
        try {
          subscribe();
        } catch (RuntimeException e) {
          LOG.warn("Cache {}: could not hear other JVMs' changes again after reconnecting to {}", cacheName,
              client.where(), e);
        }
      }
    }
  }

  // ---------------------------------------------------------------- connection

  @Override
  public void connect() {
    // the cache manager's client connects (JadugarManager.connect())
  }

  @Override
  public void disconnect() {
    if (client.isConnected()) {
      synchronized (subscriptionLock) {
        unsubscribe();
      }
    }
  }

  @Override
  public boolean isConnected() {
    if (!client.isConnected()) {
      return false;
    }
    try {
      return client.instance().getLifecycleService().isRunning();
    } catch (CacheException e) {
      return false;
    }
  }

  @Override
  public void close() {
    disconnect();
    client.closed(this);
  }

  @Override
  public HealthReport health(Duration timeout) {
    return client.health(timeout);
  }

  /**
   * Counted on this cache's calls: one round trip per operation invocation (get, set, putIfAbsent,
   * remove, lock, unlock; each per-key operation of a putAll or removeAll, all sent before waiting,
   * counts one); a getAll one per partition its keys fall in from a client, one per member owning them
   * from a member; a clear one (one per member from a member); an iteration one per partition at least.
   * Errors: each invocation that failed or could not be sent, retried ones included.
   */
  @Override
  public StoreTraffic traffic() {
    return counters.traffic();
  }

  /**
   * Nothing: Hazelcast tells a map's memory only per member ({@code IMap.getLocalMapStats()}, the
   * entries this member owns), which a client cannot read at all and a member reads only for its own
   * share; a cluster-wide figure needs Management Center or code of ours run on every member, which
   * members must not need.
   */
  @Override
  public StoreMemory memory(Duration timeout) {
    return StoreMemory.UNKNOWN;
  }

  @Override
  public String toString() {
    return "HazelcastStore[" + cacheName + " at " + client.where() + "]";
  }
}
