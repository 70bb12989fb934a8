package io.jadugar.jcache.store.memcached;

import io.jadugar.jcache.configuration.CoreSettings;
import io.jadugar.jcache.health.HealthReport;
import io.jadugar.jcache.spi.BinaryKey;
import io.jadugar.jcache.spi.KeyLock;
import io.jadugar.jcache.spi.OutcomeUnknownException;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreEntry;
import io.jadugar.jcache.spi.StoreMemory;
import io.jadugar.jcache.spi.StoreOptions;
import io.jadugar.jcache.spi.StoreTraffic;
import io.jadugar.jcache.store.DisconnectedException;
import io.jadugar.jcache.store.StoreCounters;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.cache.CacheException;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.internal.BulkFuture;
import net.spy.memcached.internal.GetFuture;
import net.spy.memcached.internal.OperationFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cache in memcached. Keys are {@code <prefix><cache>:<generation>:<key>} (see {@link Keys});
 * values are {@link Envelope}s; the version of an entry is its memcached key and CAS token.
 *
 * <p>{@code get} is {@code gets}, {@code insert} is {@code add}, {@code replace} is {@code cas} and
 * {@code remove(entry)} is a delete carrying the CAS token (binary protocol), so that every
 * conditional operation is atomic across JVMs through the engine's compare-and-set loop.
 * {@code clear} moves the cache to a new namespace generation, stored in memcached: every JVM
 * checks it with each operation, so a clear in one JVM empties the cache for all of them at once,
 * and the entries of the old generation are left to expire or be evicted.
 *
 * <h2>A key lives on its own server only: no stale read across server deaths and returns</h2>
 * A write is never sent to another server while its key's server is down (the client's failure
 * mode is {@code Cancel}, never {@code Redistribute}): it fails, certainly not stored if it was not
 * sent, with an {@link io.jadugar.jcache.spi.OutcomeUnknownException} if it was sent and not
 * confirmed; reads of that server's keys are misses ({@code miss} mode) or errors. Redirected
 * copies were the source of stale reads: left behind on the next server when the key's own server
 * returned, they were read back when it went away again; and a server that returns with its old
 * contents (paused, or restarted warm) served values older than writes that had gone elsewhere. With
 * one home per key, a server's contents are at least as new as every write confirmed for its keys,
 * whatever the JVMs saw and when, with no coordination between them. The cost: while a server is
 * away, its share of keys cannot be cached (writes fail, reads miss), where the other servers once
 * took them over.
 *
 * <h2>The generation, one copy per server, read without a round trip of its own</h2>
 * Each server keeps its own copy of the cache's generation ({@code <prefix><cache>:gen:<n>}, with
 * {@code n} chosen so that the ring places it there), so no server's death leaves the others'
 * entries unchecked. An operation is sent under the generation this JVM confirmed last, and a
 * {@code get} of the copy on the operation's own server is sent right behind it on the same
 * connection (joined to the multi-get for {@code getAll}): one round trip, and memcached answers it
 * after the operation ran, so a confirmed write landed while its generation was current. If the copy
 * read back is that generation, the answer stands; otherwise (a clear by another JVM; a copy lost
 * with a restart or evicted; a copy left behind by a clear its server missed) {@link #refresh}
 * reads every server's copy, raises them all with {@code add} and {@code cas} to the highest (the
 * clock when none is left, so a lost generation is never repeated), and the operation is sent again
 * (a write under the old generation is orphaned: no reader accepts it). A clear sets every copy to
 * one more than the highest; one that cannot reach a server fails, since that server's entries
 * would be read again if it returned with them.
 *
 * <p>So a clear that completed before an operation began is always seen by it, while a clear that
 * overlaps an operation may take effect before or after it, as for any two concurrent operations.
 * {@code cas} and compare-and-delete act on the exact key and CAS token of an earlier confirmed
 * read, so they need no generation read: after a clear they land in the old generation, as if just
 * before it.
 */
final class MemcachedStore implements Store {

  private static final Logger LOG = LoggerFactory.getLogger(MemcachedStore.class);
  /** Memcached reads exptimes above this many seconds as absolute Unix times. */
  static final long THIRTY_DAYS = 30L * 24 * 3600;
  /** Memcached's own bytes per item beyond key and value, with room to spare. */
  private static final int ITEM_OVERHEAD = 64;
  private static final int FETCH_BATCH = 256;
  private static final int MAX_WALKS = 8;
  /** Attempts under a cached generation before falling back to reading it first with incr (and attempts at that): a cache cleared in a tight loop by another JVM made 3 too few on a loaded CI machine. */
  private static final int GENERATION_TRIES = 10;
  private static final BytesTranscoder TC = BytesTranscoder.INSTANCE;

  /** The memcached key an entry was read under, and its CAS token. */
  private record Version(String key, long cas, boolean hashed) {}

  /**
   * An operation whose requests are sent: the memcached keys it touched, whether it writes, and
   * how to await its answer.
   */
  private record Sent<R>(Collection<String> mkeys, boolean write, Supplier<R> answer) {
    static <R> Sent<R> read(String mkey, Supplier<R> answer) {
      return new Sent<>(List.of(mkey), false, answer);
    }

    static <R> Sent<R> write(String mkey, Supplier<R> answer) {
      return new Sent<>(List.of(mkey), true, answer);
    }
  }

  /** Sends an operation under a key prefix (namespace and generation) without waiting for it. */
  @FunctionalInterface
  private interface Send<R> {
    Sent<R> send(MemcachedClient client, String prefix);
  }

  private final MemcachedConnection conn;
  private final String cacheName;
  private final String namespace;
  /** The cache's namespace generation, one copy on each server: the i-th on {@code conn.servers[i]}. */
  private final List<String> generationKeys;
  /** The generation this JVM last confirmed. */
  private volatile Long lastGeneration;
  private final MemcachedKeyLock locks;
  /**
   * This cache's round trips and failed requests; its key locks count theirs here too. A round trip
   * is an exchange with one server: an operation and the generation read sent right behind it on the
   * same connection are one, as are a multi-get's keys on one server and a batch's pipelined writes.
   */
  private final StoreCounters counters = new StoreCounters();

  MemcachedStore(MemcachedConnection conn, StoreOptions options) {
    this.conn = conn;
    this.cacheName = options.cacheName();
    this.namespace = Keys.namespace(options.settings().get(CoreSettings.PREFIX), cacheName);
    this.generationKeys = conn.keyPerServer(namespace + ":gen");
    java.time.Duration lease = options.settings().get(MemcachedStoreFactory.LOCK_LEASE);
    this.locks = new MemcachedKeyLock(conn, cacheName, namespace,
        lease == null ? MemcachedStoreFactory.DEFAULT_LOCK_LEASE : lease, counters);
  }

  // ------------------------------------------------------------------ keys and generations

  /** The memcached key of the copy of this cache's namespace generation on {@code conn.servers[i]}. */
  String generationKey(int i) {
    return generationKeys.get(i);
  }

  private String prefixOf(long generation) {
    return namespace + ":" + generation + ":";
  }

  /** The copy of the generation on the server that holds {@code mkey}. */
  private String generationKeyOf(String mkey) {
    return generationKeys.get(conn.serverIndex(mkey));
  }

  /**
   * Sends {@code op} under the generation this JVM confirmed last, with a read of each touched
   * server's copy of the generation right behind it on the same connection, in one round trip;
   * returns its answer once every copy read back is that generation, and otherwise brings the
   * copies into line ({@link #refresh}) and sends it again under the generation they agree on.
   */
  private <R> R underGeneration(Send<R> op) {
    MemcachedClient client = client();
    for (int attempt = 0; attempt < GENERATION_TRIES; attempt++) {
      long g = currentGeneration(client);
      Sent<R> sent = op.send(client, prefixOf(g));
      Map<String, GetFuture<byte[]>> copies = new LinkedHashMap<>();
      for (String mkey : sent.mkeys()) {
        String copy = generationKeyOf(mkey);
        if (!copies.containsKey(copy) && conn.primary(client, copy).isActive()) {
          // on the operation's own server, after it: memcached answers it after the operation ran
          copies.put(copy, client.asyncGet(copy, TC));
        }
      }
      // one per server reached: each copy rides behind the operation's requests to its server
      counters.sent(copies.size());
      R result = sent.answer().get();
      if (confirmed(g, copies, sent.write())) {
        return result;
      }
      refresh(client, false);
    }
    throw new CacheException("Cache " + cacheName + ": the namespace generation kept changing during "
        + GENERATION_TRIES + " attempts of one operation");
  }

  /** Whether every copy read with an operation is generation {@code g}. */
  private boolean confirmed(long g, Map<String, GetFuture<byte[]>> copies, boolean write) {
    boolean all = true;
    for (Map.Entry<String, GetFuture<byte[]>> c : copies.entrySet()) {
      byte[] v;
      try {
        v = await(c.getKey(), c.getValue(), "read the namespace generation");
      } catch (CacheException e) {
        if (!write) {
          throw e;
        }
        // stored, but perhaps under a generation that a clear had already left: unread forever
        throw new OutcomeUnknownException("Cache " + cacheName + ": a write was stored on "
            + conn.serverOf(c.getKey()) + " but the read of the namespace generation behind it failed, so it "
            + "may or may not be visible: " + e.getMessage(), e);
      }
      Long now = generationOf(v);
      all &= now != null && now == g;
    }
    return all;
  }

  private long currentGeneration(MemcachedClient client) {
    Long g = lastGeneration;
    return g != null ? g : refresh(client, false);
  }

  /**
   * Reads every reachable server's copy of the generation and brings them into line: the
   * generation is the highest copy (or this JVM's last one, if higher), one more for a clear, or
   * the clock when there is none at all; a missing copy (evicted, or its server restarted empty) is
   * added and a lower one (its server missed a clear) is raised to it, with {@code cas}, so that
   * racing JVMs agree. Returns that generation.
   */
  private long refresh(MemcachedClient client, boolean clear) {
    long floor = Long.MIN_VALUE;
    for (int attempt = 0; attempt < GENERATION_TRIES; attempt++) {
      Map<Integer, OperationFuture<CASValue<byte[]>>> reads = new LinkedHashMap<>();
      List<String> silent = new ArrayList<>();
      for (int i = 0; i < generationKeys.size(); i++) {
        if (conn.primary(client, generationKeys.get(i)).isActive()) {
          reads.put(i, client.asyncGets(generationKeys.get(i), TC));
        } else {
          counters.failed();
          silent.add(MemcachedConnection.describe(conn.servers.get(i)) + " is down");
        }
      }
      counters.sent(reads.size());
      Map<Integer, CASValue<byte[]>> copies = new LinkedHashMap<>();
      for (Map.Entry<Integer, OperationFuture<CASValue<byte[]>>> r : reads.entrySet()) {
        try {
          copies.put(r.getKey(), await(generationKeys.get(r.getKey()), r.getValue(), "read the namespace generation"));
        } catch (CacheException e) {
          silent.add(MemcachedConnection.describe(conn.servers.get(r.getKey())) + " did not answer: "
              + rootMessage(e.getCause() != null ? e.getCause() : e));
        }
      }
      if (copies.isEmpty()) {
        throw new CacheException("Cache " + cacheName + ": no memcached server answered for the namespace "
            + "generation: " + String.join("; ", silent));
      }
      long target = highest(copies.values(), clear);
      if (attempt == 0 && clear) {
        // a clear must end above what it first saw, whoever else moves the copies meanwhile; a
        // plain refresh adopts what is there: its first target may be only its own clock reading,
        // and raising a winner's first generation to it would orphan what was written under it
        floor = target;
      }
      target = Math.max(target, floor);
      if (align(client, copies, target)) {
        lastGeneration = target;
        if (clear && !silent.isEmpty()) {
          // its entries stay readable if it returns with them: the clear did not happen everywhere
          throw new CacheException("Cache " + cacheName + ": clear() reached only some servers: "
              + String.join("; ", silent) + "; entries on those servers may be read again when they return");
        }
        return target;
      }
    }
    throw new CacheException("Cache " + cacheName + ": the namespace generation kept changing during "
        + GENERATION_TRIES + " attempts to read it");
  }

  /** The generation the copies should hold: the highest known, plus one for a clear. */
  private long highest(Collection<CASValue<byte[]>> copies, boolean clear) {
    Long last = lastGeneration;
    long max = last != null ? last : Long.MIN_VALUE;
    boolean any = false;
    for (CASValue<byte[]> c : copies) {
      Long g = c == null ? null : generationOf(c.getValue());
      if (g != null) {
        max = Math.max(max, g);
        any = true;
      }
    }
    if (!any) {
      // every copy lost (or none yet): the clock, which no earlier generation used
      max = Math.max(max, System.currentTimeMillis());
    }
    return clear ? max + 1 : max;
  }

  /** Adds missing copies and raises lower ones to {@code target}; true if all now hold it. */
  private boolean align(MemcachedClient client, Map<Integer, CASValue<byte[]>> copies, long target) {
    byte[] bytes = Long.toString(target).getBytes(StandardCharsets.US_ASCII);
    Map<String, Future<?>> writes = new LinkedHashMap<>();
    copies.forEach((i, c) -> {
      String key = generationKeys.get(i);
      Long g = c == null ? null : generationOf(c.getValue());
      if (c == null) {
        writes.put(key, client.add(key, 0, bytes, TC));
      } else if (g == null || g != target) {
        writes.put(key, client.asyncCAS(key, c.getCas(), 0, bytes, TC));
      }
    });
    counters.sent(writes.size());
    boolean all = true;
    for (Map.Entry<String, Future<?>> w : writes.entrySet()) {
      Object r = await(w.getKey(), w.getValue(), "write the namespace generation");
      all &= Boolean.TRUE.equals(r) || r == CASResponse.OK;
    }
    return all;
  }

  /** The generation in the bytes of a copy (decimal text), or null. */
  static Long generationOf(byte[] counter) {
    if (counter == null) {
      return null;
    }
    long g = 0;
    int digits = 0;
    for (byte b : counter) {
      if (b >= '0' && b <= '9' && digits < 19) {
        g = g * 10 + (b - '0');
        digits++;
      } else if (b != ' ' || digits == 0) {
        return null; // not a counter: refresh replaces it
      }
    }
    return digits == 0 ? null : g;
  }

  /** The start of this cache's memcached keys now: namespace and generation, read from every server. */
  String keyPrefix() {
    return prefixOf(refresh(client(), false));
  }

  private static byte[] bytesOf(Object key) {
    return ((BinaryKey) key).bytes();
  }

  private static String suffix(Object key, String prefix) {
    return Keys.encode(bytesOf(key), prefix.length());
  }

  // ------------------------------------------------------------------ reads

  @Override
  public StoreEntry get(Object key) {
    try {
      return underGeneration((client, prefix) -> {
        String mkey = prefix + suffix(key, prefix);
        OperationFuture<CASValue<byte[]>> f = client.asyncGets(mkey, TC);
        return Sent.read(mkey, () -> {
          CASValue<byte[]> v = await(mkey, f, "read");
          return v == null ? null : entryOf(key, mkey, v);
        });
      });
    } catch (CacheException e) {
      return missOrThrow(e);
    }
  }

  @Override
  public Map<Object, StoreEntry> getAll(Collection<?> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    MemcachedClient client = client();
    boolean refreshedForMissing = false;
    for (int attempt = 0; attempt < GENERATION_TRIES; attempt++) {
      long g;
      try {
        g = currentGeneration(client);
      } catch (CacheException e) {
        missOrThrow(e);
        return Map.of();
      }
      Map<String, Object> byMkey = mkeys(keys, prefixOf(g));
      Map<String, Integer> serverOf = new HashMap<>(byMkey.size() * 2);
      // each touched server's copy of the generation joins the multi-get, after its data keys
      Set<String> copies = new LinkedHashSet<>();
      for (String mkey : byMkey.keySet()) {
        int i = conn.serverIndex(mkey);
        serverOf.put(mkey, i);
        copies.add(generationKeys.get(i));
      }
      List<String> mkeys = new ArrayList<>(byMkey.size() + copies.size());
      mkeys.addAll(byMkey.keySet());
      mkeys.addAll(copies);
      BulkFuture<Map<String, CASValue<byte[]>>> f = client.asyncGetsBulk(mkeys, TC);
      conn.multiGets.addAndGet(copies.size());
      counters.sent(copies.size());
      Map<String, CASValue<byte[]>> found = awaitBulk(f, mkeys.size(), copies);
      // a server that did not answer in time is not missing its copy: it is only unconfirmed
      boolean answered = f.isDone() && !f.isTimeout();
      Set<Integer> confirmed = new HashSet<>();
      boolean changed = false;
      boolean missing = false;
      for (String copy : copies) {
        CASValue<byte[]> v = found.get(copy);
        Long now = v == null ? null : generationOf(v.getValue());
        if (now != null && now == g) {
          confirmed.add(conn.serverIndex(copy));
        } else if (v != null) {
          changed = true; // cleared (or behind a clear) since this JVM last looked
        } else if (answered && conn.primary(client, copy).isActive()) {
          missing = true; // lost with a restart, or evicted
        }
      }
      if (changed || missing && !refreshedForMissing) {
        refreshedForMissing |= missing;
        refresh(client, false);
        continue;
      }
      // a server whose copy is unconfirmed contributes misses: its answers may be from a dead generation
      Map<String, Object> mine = new LinkedHashMap<>();
      byMkey.forEach((mkey, key) -> {
        if (confirmed.contains(serverOf.get(mkey))) {
          mine.put(mkey, key);
        }
      });
      return entries(mine, found);
    }
    throw new CacheException("Cache " + cacheName + ": the namespace generation kept changing during "
        + GENERATION_TRIES + " attempts of one getAll");
  }

  private static Map<String, Object> mkeys(Collection<?> keys, String prefix) {
    Map<String, Object> byMkey = new LinkedHashMap<>();
    for (Object key : keys) {
      byMkey.put(prefix + suffix(key, prefix), key);
    }
    return byMkey;
  }

  /** The entries among {@code found} that answer {@code byMkey}'s keys (not the generation). */
  private Map<Object, StoreEntry> entries(Map<String, Object> byMkey, Map<String, CASValue<byte[]>> found) {
    Map<Object, StoreEntry> out = new HashMap<>(found.size() * 2);
    found.forEach((mkey, v) -> {
      Object key = byMkey.get(mkey);
      if (key != null && v != null) {
        out.put(key, entryOf(key, mkey, v));
      }
    });
    return out;
  }

  /** One multi-get per server holding some of {@code mkeys} (the client groups them by server). */
  private Map<String, CASValue<byte[]>> multiGet(MemcachedClient client, Collection<String> mkeys) {
    Set<java.net.SocketAddress> nodes = new LinkedHashSet<>();
    for (String k : mkeys) {
      nodes.add(conn.primary(client, k).getSocketAddress());
    }
    conn.multiGets.addAndGet(nodes.size());
    counters.sent(nodes.size());
    return awaitBulk(client.asyncGetsBulk(mkeys, TC), mkeys.size(), nodes);
  }

  /** The answers of a multi-get; in {@code miss} mode, those that came in time from the servers that answered. */
  private Map<String, CASValue<byte[]>> awaitBulk(BulkFuture<Map<String, CASValue<byte[]>>> f, int size,
      Collection<?> servers) {
    try {
      if (conn.missOnFailure) {
        // a server that does not answer in time contributes misses, the others their entries
        try {
          Map<String, CASValue<byte[]>> some = f.getSome(conn.timeoutMillis, TimeUnit.MILLISECONDS);
          if (f.isTimeout()) {
            counters.failed();
          }
          return some;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof CancellationException) {
            // the client cancelled it: its connection was lost (a server restarting) — misses too
            counters.failed();
            return Map.of();
          }
          throw e;
        }
      }
      return f.get(conn.timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheException("Cache " + cacheName + ": interrupted during a multi-get", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      counters.failed();
      throw new CacheException("Cache " + cacheName + ": a multi-get of " + size + " keys on "
          + describeServers(servers) + " failed: " + rootMessage(e), e);
    }
  }

  private StoreEntry entryOf(Object key, String mkey, CASValue<byte[]> v) {
    String suffix = mkey.substring(mkey.indexOf(':', namespace.length() + 1) + 1);
    boolean hashed = Keys.isHashed(suffix);
    Version version = new Version(mkey, v.getCas(), hashed);
    Envelope env = Envelope.parse(v.getValue());
    if (env == null) {
      if (key == null && hashed) {
        return null; // its original key is lost with the envelope: iteration cannot name it
      }
      Object k = key != null ? key : new BinaryKey(suffix.getBytes(StandardCharsets.US_ASCII));
      // not an envelope: hand the bytes on, the engine counts them as a corrupt miss and drops them
      return new StoreEntry(k, v.getValue(), StoreEntry.ETERNAL, version);
    }
    Object k = key;
    if (k == null) {
      k = env.originalKey() != null ? new BinaryKey(env.originalKey())
          : new BinaryKey(suffix.getBytes(StandardCharsets.US_ASCII));
    }
    return new StoreEntry(k, env.value(), env.expireAt(), version);
  }

  // ------------------------------------------------------------------ writes

  @Override
  public void put(StoreEntry entry) {
    underGeneration((client, prefix) -> {
      String mkey = prefix + suffix(entry.key(), prefix);
      byte[] bytes = envelope(entry, mkey, prefix);
      if (oversized(entry, mkey, bytes)) {
        OperationFuture<Boolean> d = sendWrite(client, mkey, entry.key(), "delete", () -> client.delete(mkey));
        return Sent.write(mkey, () -> {
          awaitWrite(mkey, d, "the delete of an oversized entry's old value", entry.key());
          return null;
        });
      }
      OperationFuture<Boolean> f =
          sendWrite(client, mkey, entry.key(), "set", () -> client.set(mkey, exptime(entry.expireAt()), bytes, TC));
      return Sent.write(mkey, () -> {
        checkStored(entry, mkey, bytes, f, awaitWrite(mkey, f, "set", entry.key()));
        return null;
      });
    });
  }

  @Override
  public void putAll(Collection<StoreEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    underGeneration((client, prefix) -> sendAll(client, prefix, entries));
  }

  /** One write of a putAll: the entry, its memcached key, its bytes (null for a delete) and its reply. */
  private record Pending(StoreEntry entry, String mkey, byte[] bytes, OperationFuture<Boolean> reply) {}

  /** Sends every write of a putAll, pipelined: every write is sent before the first reply is awaited. */
  private Sent<Void> sendAll(MemcachedClient client, String prefix, Collection<StoreEntry> entries) {
    List<Pending> pending = new ArrayList<>(entries.size());
    List<String> mkeys = new ArrayList<>(entries.size());
    List<CacheException> refused = new ArrayList<>();
    for (StoreEntry entry : entries) {
      String mkey = prefix + suffix(entry.key(), prefix);
      byte[] bytes = envelope(entry, mkey, prefix);
      try {
        if (oversized(entry, mkey, bytes)) {
          pending.add(new Pending(entry, mkey, null, sendWrite(client, mkey, entry.key(), "delete",
              () -> client.delete(mkey))));
        } else {
          pending.add(new Pending(entry, mkey, bytes, sendWrite(client, mkey, entry.key(), "set",
              () -> client.set(mkey, exptime(entry.expireAt()), bytes, TC))));
        }
        mkeys.add(mkey);
      } catch (CacheException e) {
        refused.add(e); // the others are still written
      }
    }
    return new Sent<>(mkeys, true, () -> {
      awaitAll(pending, refused);
      return null;
    });
  }

  /** Awaits a putAll's writes; throws the first failure, preferring one whose outcome is unknown. */
  private void awaitAll(List<Pending> pending, List<CacheException> failures) {
    for (Pending p : pending) {
      try {
        Boolean ok = awaitWrite(p.mkey(), p.reply(), p.bytes() == null ? "delete" : "set", p.entry().key());
        if (p.bytes() != null) {
          checkStored(p.entry(), p.mkey(), p.bytes(), p.reply(), ok);
        }
      } catch (CacheException e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      throw failures.stream().filter(e -> e instanceof OutcomeUnknownException).findFirst().orElse(failures.get(0));
    }
  }

  @Override
  public boolean insert(StoreEntry entry) {
    return underGeneration((client, prefix) -> {
      String mkey = prefix + suffix(entry.key(), prefix);
      byte[] bytes = envelope(entry, mkey, prefix);
      if (oversized(entry, mkey, bytes)) {
        return Sent.write(mkey, () -> true); // as if written and evicted at once
      }
      // under a dead generation the add's answer means nothing, and underGeneration sends it again
      OperationFuture<Boolean> f =
          sendWrite(client, mkey, entry.key(), "add", () -> client.add(mkey, exptime(entry.expireAt()), bytes, TC));
      return Sent.write(mkey, () -> {
        if (!Boolean.TRUE.equals(awaitWrite(mkey, f, "add", entry.key()))) {
          checkTooLarge(entry, mkey, bytes, f);
          return false;
        }
        return true;
      });
    });
  }

  @Override
  public boolean replace(StoreEntry expected, StoreEntry replacement) {
    Version v = versionOf(expected);
    MemcachedClient client = client();
    byte[] bytes = new Envelope(replacement.expireAt(), v.hashed() ? bytesOf(replacement.key()) : null,
        (byte[]) replacement.value()).toBytes();
    if (oversized(replacement, v.key(), bytes)) {
      return Boolean.TRUE.equals(awaitWrite(v.key(), alone(sendWrite(client, v.key(), expected.key(), "delete",
          () -> client.delete(v.key(), v.cas()))), "delete", expected.key()));
    }
    OperationFuture<CASResponse> f = alone(sendWrite(client, v.key(), expected.key(), "cas",
        () -> client.asyncCAS(v.key(), v.cas(), exptime(replacement.expireAt()), bytes, TC)));
    CASResponse r = awaitWrite(v.key(), f, "cas", expected.key());
    if (r != CASResponse.OK) {
      checkTooLarge(replacement, v.key(), bytes, f);
      return false;
    }
    return true;
  }

  @Override
  public boolean remove(StoreEntry expected) {
    Version v = versionOf(expected);
    MemcachedClient client = client();
    // a delete with a CAS token is memcached's compare-and-delete (binary protocol)
    return Boolean.TRUE.equals(awaitWrite(v.key(), alone(sendWrite(client, v.key(), expected.key(), "delete",
        () -> client.delete(v.key(), v.cas()))), "delete", expected.key()));
  }

  @Override
  public StoreEntry remove(Object key) {
    while (true) {
      StoreEntry current = get(key);
      if (current == null || remove(current)) {
        return current;
      }
    }
  }

  @Override
  public Map<Object, StoreEntry> removeAll(Collection<?> keys) {
    Map<Object, StoreEntry> present = new HashMap<>(getAll(keys));
    MemcachedClient client = client();
    Map<Object, OperationFuture<Boolean>> deletes = new LinkedHashMap<>();
    Set<Integer> servers = new HashSet<>();
    present.forEach((key, entry) -> {
      Version v = versionOf(entry);
      deletes.put(key, sendWrite(client, v.key(), key, "delete", () -> client.delete(v.key(), v.cas())));
      servers.add(conn.serverIndex(v.key()));
    });
    counters.sent(servers.size()); // pipelined: one exchange per server
    for (Map.Entry<Object, OperationFuture<Boolean>> d : deletes.entrySet()) {
      Version v = versionOf(present.get(d.getKey()));
      if (!Boolean.TRUE.equals(awaitWrite(v.key(), d.getValue(), "delete", d.getKey()))) {
        // changed since the multi-get: remove whatever is there now, one by one
        StoreEntry now = remove(d.getKey());
        if (now == null) {
          present.remove(d.getKey());
        } else {
          present.put(d.getKey(), now);
        }
      }
    }
    return present;
  }

  @Override
  public void clear() {
    // a new generation on every server: every JVM's next operation uses keys no entry has
    refresh(client(), true);
  }

  /** A lease in memcached (see {@link MemcachedKeyLock}): compute here is a retrying CAS loop. */
  @Override
  public KeyLock lock(Object key) {
    return locks.lock(key);
  }

  // ------------------------------------------------------------------ iteration

  /**
   * The entries of this cache, found by {@code lru_crawler metadump hash} (or, before memcached
   * 1.6.10, repeated {@code lru_crawler metadump all}) on every server and
   * fetched by multi-gets. Weakly consistent: an entry written or removed during the walk may or
   * may not be seen; every entry seen was present when it was fetched.
   */
  @Override
  public Iterator<StoreEntry> iterator() {
    String prefix = keyPrefix();
    Set<String> mkeys = new LinkedHashSet<>();
    walk(prefix, mkeys);
    if (!conn.hashWalks) {
      // a walk of the LRUs skips an item that memcached is moving between LRU segments (as it does
      // up to a few hundred ms after the item is read): walk again until two walks find nothing new
      int quiet = 0;
      for (int pass = 1; pass < MAX_WALKS && quiet < 2; pass++) {
        int before = mkeys.size();
        walk(prefix, mkeys);
        quiet = mkeys.size() == before ? quiet + 1 : 0;
      }
    }
    return fetch(mkeys);
  }

  /** One walk of every server's items, adding this cache's keys of the current generation. */
  private void walk(String prefix, Set<String> mkeys) {
    for (InetSocketAddress server : conn.servers) {
      List<String> lines;
      try {
        lines = metadump(server);
      } catch (IOException e) {
        counters.failed();
        if (conn.missOnFailure) {
          LOG.warn("Cache {}: iteration skips {}: {}", cacheName, MemcachedConnection.describe(server), e.getMessage());
          continue;
        }
        throw new CacheException("Cache " + cacheName + ": cannot list the keys on "
            + MemcachedConnection.describe(server) + ": " + e.getMessage(), e);
      }
      for (String line : lines) {
        if (!line.startsWith("key=")) {
          continue;
        }
        int end = line.indexOf(' ');
        String mkey = URLDecoder.decode(line.substring(4, end < 0 ? line.length() : end), StandardCharsets.UTF_8);
        if (mkey.startsWith(prefix)) {
          mkeys.add(mkey);
        }
      }
    }
  }

  /** Continues {@link #iterator()}: fetches the listed keys, in multi-gets. */
  private Iterator<StoreEntry> fetch(Set<String> mkeys) {
    List<StoreEntry> out = new ArrayList<>(mkeys.size());
    List<String> batch = new ArrayList<>(FETCH_BATCH);
    Iterator<String> it = mkeys.iterator();
    while (it.hasNext()) {
      batch.add(it.next());
      if (batch.size() == FETCH_BATCH || !it.hasNext()) {
        multiGet(client(), batch).forEach((mkey, v) -> {
          StoreEntry e = v == null ? null : entryOf(null, mkey, v);
          if (e != null) {
            out.add(e);
          }
        });
        batch.clear();
      }
    }
    return out.iterator();
  }

  private List<String> metadump(InetSocketAddress server) throws IOException {
    IOException last = null;
    // one crawl at a time per server: another JVM's or thread's walk makes it answer BUSY
    for (int attempt = 0; attempt < 200; attempt++) {
      try {
        if (conn.hashWalks) {
          try {
            // walks the hash table: sees every item, also those memcached is moving between LRUs
            counters.sent(1);
            return conn.command(server, "lru_crawler metadump hash");
          } catch (IOException e) {
            if (e.getMessage() == null || !e.getMessage().contains("ERROR")) {
              throw e;
            }
            conn.hashWalks = false; // memcached before 1.6.10 walks only its LRUs
            LOG.info("{} cannot walk its hash table; iteration walks its LRUs",
                MemcachedConnection.describe(server));
          }
        }
        counters.sent(1);
        return conn.command(server, "lru_crawler metadump all");
      } catch (IOException e) {
        if (e.getMessage() == null || !e.getMessage().contains("BUSY")) {
          throw e;
        }
        last = e;
        try {
          Thread.sleep(10);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for the LRU crawler", ie);
        }
      }
    }
    throw last;
  }

  // ------------------------------------------------------------------ life cycle

  @Override
  public void connect() {
    // the cache manager's connection is shared and already open
  }

  @Override
  public void disconnect() {
    // the cache manager closes the shared connection
  }

  @Override
  public boolean isConnected() {
    return conn.anyServerUp();
  }

  @Override
  public HealthReport health(Duration timeout) {
    return conn.health(timeout);
  }

  @Override
  public StoreTraffic traffic() {
    return counters.traffic();
  }

  /** The {@code bytes} of {@code stats}, summed over the servers: everything they hold, not only this cache. */
  @Override
  public StoreMemory memory(Duration timeout) {
    return new StoreMemory(null, conn.serverBytes(timeout));
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Memcached's exptime for {@code expireAt}: whole seconds rounded up, plus one because
   * memcached's clock ticks once a second and could otherwise free the entry early; above 30 days
   * an absolute Unix time, as memcached requires. The envelope keeps the precise time.
   */
  static int exptime(long expireAt, long now) {
    if (expireAt == StoreEntry.ETERNAL) {
      return 0;
    }
    long ms = expireAt - now;
    if (ms <= 0) {
      return 1; // already expired: the envelope says so, memcached frees it within a second or two
    }
    long seconds = (ms + 999) / 1000 + 1;
    if (seconds <= THIRTY_DAYS) {
      return (int) seconds;
    }
    return (int) Math.min(Integer.MAX_VALUE, (expireAt + 999) / 1000 + 1);
  }

  private static int exptime(long expireAt) {
    return exptime(expireAt, System.currentTimeMillis());
  }

  private static byte[] envelope(StoreEntry entry, String mkey, String prefix) {
    boolean hashed = Keys.isHashed(mkey.substring(prefix.length()));
    return new Envelope(entry.expireAt(), hashed ? bytesOf(entry.key()) : null, (byte[]) entry.value()).toBytes();
  }

  private Version versionOf(StoreEntry entry) {
    if (!(entry.version() instanceof Version)) {
      throw new IllegalArgumentException("Cache " + cacheName + ": entry " + entry
          + " was not read from this memcached store");
    }
    return (Version) entry.version();
  }

  private boolean oversized(StoreEntry entry, String mkey, byte[] bytes) {
    if (itemSize(mkey, bytes) <= conn.itemSizeLimit) {
      return false;
    }
    return tooLarge(entry, mkey, bytes, null);
  }

  /** What one item costs memcached: its key, its value and the per-item overhead this store assumes. */
  private static long itemSize(String mkey, byte[] bytes) {
    return (long) mkey.length() + bytes.length + ITEM_OVERHEAD;
  }

  /**
   * Throws the oversized-value error, or in {@code skip} mode counts and logs it and returns true.
   * {@code refusedBy} names the server that refused an item this store thought would fit, or is null.
   */
  private boolean tooLarge(StoreEntry entry, String mkey, byte[] bytes, String refusedBy) {
    String item = "an item of " + itemSize(mkey, bytes) + " bytes (memcached key " + mkey.length() + " + value "
        + bytes.length + ", the entry's frame in its envelope, + " + ITEM_OVERHEAD
        + " for memcached's per-item overhead)";
    String message = "Cache " + cacheName + ": key " + describeKey(entry.key()) + " needs " + item
        + (refusedBy == null ? ", larger than memcached's item size limit of " + conn.itemSizeLimit + " bytes (-I)"
            : "; " + refusedBy + " refused it as too large (this store assumed an item size limit of "
                + conn.itemSizeLimit + " bytes, -I)");
    if (!conn.skipOversized) {
      throw new CacheException(message + "; it was not stored. Store smaller values, raise -I, or set "
          + MemcachedStoreFactory.OVERSIZED_VALUES.key() + "=skip");
    }
    long n = conn.oversizedSkipped.incrementAndGet();
    LOG.warn("{}; not cached ({} skipped so far)", message, n);
    return true;
  }

  private void checkStored(StoreEntry entry, String mkey, byte[] bytes, OperationFuture<?> f, Boolean ok) {
    if (!Boolean.TRUE.equals(ok)) {
      checkTooLarge(entry, mkey, bytes, f);
      counters.failed();
      throw new CacheException("Cache " + cacheName + ": " + conn.serverOf(mkey) + " did not store key "
          + describeKey(entry.key()) + ": " + statusOf(f));
    }
  }

  /** The server refused the value as too large: the oversized-value error (never a silent loss). */
  private void checkTooLarge(StoreEntry entry, String mkey, byte[] bytes, OperationFuture<?> f) {
    String status = statusOf(f).toLowerCase(java.util.Locale.ROOT);
    if (status.contains("too large") || status.contains("e2big")) {
      if (tooLarge(entry, mkey, bytes, conn.serverOf(mkey))) {
        alone(client().delete(mkey));
      }
    }
  }

  /**
   * Sends a write of {@code mkey} unless its server is known to be down: then it fails at once,
   * certainly not stored. Never sent elsewhere, so a key only ever lives on its own server.
   */
  private <T> OperationFuture<T> sendWrite(MemcachedClient client, String mkey, Object key, String what,
      Supplier<OperationFuture<T>> send) {
    if (!conn.primary(client, mkey).isActive()) {
      CacheException e = new CacheException("Cache " + cacheName + ": " + conn.serverOf(mkey) + " is down: the "
          + what + " of key " + describeKeyOrNull(key, mkey) + " was not sent, so it was not stored"
          + (conn.missOnFailure ? " (until the server returns, its keys are misses and their writes fail)" : ""));
      counters.failed();
      conn.error(mkey, e.getMessage());
      throw e;
    }
    return send.get();
  }

  /**
   * Awaits a write's reply. A write that was sent but not confirmed (a timeout, a connection lost,
   * a cancelled request) may still be stored, and later: its outcome is unknown, not failed.
   */
  private <T> T awaitWrite(String mkey, Future<T> f, String what, Object key) {
    try {
      return f.get(conn.timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unknown(mkey, what, key, "interrupted while waiting for the reply", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      f.cancel(false);
      counters.failed();
      String why = e instanceof TimeoutException ? "no reply within " + conn.timeoutMillis + " ms"
          : "the request was cancelled or failed (" + rootMessage(e) + ")";
      throw unknown(mkey, what, key, why, e);
    }
  }

  private OutcomeUnknownException unknown(String mkey, String what, Object key, String why, Exception e) {
    OutcomeUnknownException u = new OutcomeUnknownException("Cache " + cacheName + ": the outcome of the " + what
        + " of key " + describeKeyOrNull(key, mkey) + " on " + conn.serverOf(mkey) + " is unknown: " + why
        + "; it was sent, so it may or may not have been stored", e);
    conn.error(mkey, u.getMessage());
    return u;
  }

  private static String describeKeyOrNull(Object key, String mkey) {
    return key instanceof BinaryKey ? describeKey(key) : mkey;
  }

  private static String statusOf(OperationFuture<?> f) {
    try {
      return f.getStatus() == null ? "no status" : String.valueOf(f.getStatus().getMessage());
    } catch (RuntimeException e) {
      return e.toString();
    }
  }

  static String describeKey(Object key) {
    byte[] b = bytesOf(key);
    if (b.length > 0 && b[0] == 's') {
      return "'" + new String(b, 1, b.length - 1, StandardCharsets.UTF_8) + "'";
    }
    return key.toString();
  }

  private <T> T await(String mkey, Future<T> f, String what) {
    try {
      return f.get(conn.timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheException("Cache " + cacheName + ": interrupted during " + what + " on " + conn.serverOf(mkey), e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      f.cancel(false);
      counters.failed();
      CacheException failed = new CacheException("Cache " + cacheName + ": " + conn.serverOf(mkey) + " failed to "
          + what + " key " + mkey + ": " + rootMessage(e), e);
      conn.error(mkey, failed.getMessage());
      throw failed;
    }
  }

  /** The client to send with; while the cache manager is disconnected, a failed request (counted) instead. */
  private MemcachedClient client() {
    try {
      return conn.client();
    } catch (DisconnectedException e) {
      counters.failed();
      throw e;
    }
  }

  /** Counts one request sent on its own and returns its reply (underGeneration counts the requests it sends). */
  private <T> OperationFuture<T> alone(OperationFuture<T> sent) {
    counters.sent(1);
    return sent;
  }

  private StoreEntry missOrThrow(CacheException e) {
    if (!conn.isConnected()) {
      // disconnected on purpose: that is an error to report, never a miss
      throw conn.disconnected();
    }
    if (conn.missOnFailure) {
      LOG.warn("{} (a miss)", e.getMessage());
      return null;
    }
    throw e;
  }

  /** The servers of a multi-get, given as their addresses or as their copies of the generation. */
  private String describeServers(Collection<?> servers) {
    List<String> names = new ArrayList<>();
    for (Object n : servers) {
      names.add(n instanceof java.net.SocketAddress ? MemcachedConnection.describe((java.net.SocketAddress) n)
          : conn.serverOf((String) n));
    }
    return String.join(", ", names);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e) : e + " (" + t + ")";
  }
}
