package io.jadugar.jcache.store.memcached;

import io.jadugar.jcache.configuration.CoreSettings;
import io.jadugar.jcache.spi.BinaryKey;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreEntry;
import io.jadugar.jcache.spi.StoreOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * {@code clear} increments the cache's generation, stored in memcached: every JVM reads it on each
 * operation, so a clear in one JVM empties the cache for all of them at once, and the entries of
 * the old generation are left to expire or be evicted.
 *
 * <h2>Reading the generation without a round trip of its own</h2>
 * An operation is sent under the generation this JVM saw last, and a plain {@code get} of the
 * generation is sent right behind it (joined to the multi-get for {@code getAll}), both before
 * either answer is awaited: one round trip, not two. If the generation read back is the one the
 * operation used, its answer stands; if another JVM cleared meanwhile, the operation is sent again
 * under the new generation (a write under the old one is orphaned: no reader accepts an answer from
 * a generation other than the current one, and memcached evicts it in time). If the generation is
 * missing (evicted, or its server restarted empty), {@code incr} by 0 seeds it from the clock as
 * the first operation of a store does, so an evicted counter never repeats a generation.
 *
 * <p>The guarantees are no weaker than those of reading the generation first, as this store did
 * before: an answer is used only if the generation read in the same round trip is the one it came
 * from, and a write stands only if the generation read with it is the one it was written under.
 * So a clear that completed before an operation began is always seen by it (no stale read, no
 * write lost into the cleared generation), while a clear that overlaps an operation may take
 * effect before or after it, as for any two concurrent operations (a clear between the old incr
 * and the write lost the write too). On one server the generation is read after the operation on
 * the same connection, so a confirmed write landed while its generation was current. {@code cas}
 * and compare-and-delete act on the exact key and CAS token of an earlier confirmed read, so they
 * need no generation read: after a clear they land in the old generation, as if just before it.
 * While the generation's server is down (miss mode), operations go on under the last generation
 * this JVM saw, unchecked, because another server would start a new one and empty the cache.
 */
final class MemcachedStore implements Store {

  private static final Logger LOG = LoggerFactory.getLogger(MemcachedStore.class);
  /** Memcached reads exptimes above this many seconds as absolute Unix times. */
  static final long THIRTY_DAYS = 30L * 24 * 3600;
  /** Memcached's own bytes per item beyond key and value, with room to spare. */
  private static final int ITEM_OVERHEAD = 64;
  private static final int FETCH_BATCH = 256;
  private static final int MAX_WALKS = 8;
  /** Attempts under a cached generation before falling back to reading it first with incr. */
  private static final int GENERATION_TRIES = 3;
  private static final BytesTranscoder TC = BytesTranscoder.INSTANCE;

  /** The memcached key an entry was read under, and its CAS token. */
  private record Version(String key, long cas, boolean hashed) {}

  /** An operation whose requests are sent, and whose answers are awaited by {@link #await()}. */
  @FunctionalInterface
  private interface Sent<R> {
    R await();
  }

  /** Sends an operation under a key prefix (namespace and generation) without waiting for it. */
  @FunctionalInterface
  private interface Send<R> {
    Sent<R> send(MemcachedClient client, String prefix);
  }

  private final MemcachedConnection conn;
  private final String cacheName;
  private final String namespace;
  private final String generationKey;
  /** The generation this JVM last read, used while the server that keeps it is down. */
  private volatile Long lastGeneration;

  MemcachedStore(MemcachedConnection conn, StoreOptions options) {
    this.conn = conn;
    this.cacheName = options.cacheName();
    this.namespace = Keys.namespace(options.settings().get(CoreSettings.PREFIX), cacheName);
    this.generationKey = namespace + ":gen";
  }

  // ------------------------------------------------------------------ keys

  /** The memcached key of this cache's namespace generation. */
  String generationKey() {
    return generationKey;
  }

  private String prefixOf(long generation) {
    return namespace + ":" + generation + ":";
  }

  /**
   * Sends {@code op} under the last generation this JVM saw with a read of the generation right
   * behind it, in one round trip, and returns its answer once the generation is confirmed; sends it
   * again under the generation read back if that differs. Falls back to {@link #keyPrefix()} (a
   * round trip of its own) when no generation was seen yet or the generation is missing.
   */
  private <R> R underGeneration(Send<R> op) {
    MemcachedClient client = conn.client();
    for (int attempt = 0; attempt < GENERATION_TRIES; attempt++) {
      Long g = lastGeneration;
      if (g == null) {
        break;
      }
      String prefix = prefixOf(g);
      if (!conn.primary(client, generationKey).isActive()) {
        // as in keyPrefix(): another server would start a new generation, so go on with this one
        return op.send(client, prefix).await();
      }
      Sent<R> sent = op.send(client, prefix);
      // sent after the operation: on the same server memcached answers it after the operation ran
      GetFuture<byte[]> gen = client.asyncGet(generationKey, TC);
      R result = sent.await();
      Long now = generationOf(await(generationKey, gen, "read the namespace generation"));
      if (g.equals(now)) {
        return result;
      }
      if (now == null) {
        break; // evicted or lost with its server: incr seeds it again
      }
      lastGeneration = now; // cleared since this JVM last looked: the answer is from a dead generation
    }
    return op.send(client, keyPrefix()).await();
  }

  /** The generation in the bytes memcached keeps for its counter (decimal text), or null. */
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
        return null; // not a counter: let incr report it
      }
    }
    return digits == 0 ? null : g;
  }

  /** The start of this cache's memcached keys now: namespace and current generation, read by incr. */
  String keyPrefix() {
    Long last = lastGeneration;
    MemcachedClient client = conn.client();
    if (last != null && !conn.primary(client, generationKey).isActive()) {
      // the generation's server is down: another server would start a new generation and turn
      // every entry of the cache into a miss, so go on with the last one this JVM read
      return prefixOf(last);
    }
    // incr by 0 reads the generation; if memcached lost it (or never had it), it starts again from
    // the clock, which is a generation no earlier clear used
    long g = incrGeneration(client, 0L, "read");
    lastGeneration = g;
    return prefixOf(g);
  }

  /**
   * Increments the generation by {@code by}, creating it from the clock if it is missing. Two
   * clients that create it at the same moment race inside memcached, and the loser's incr fails
   * although the counter now exists: so a failed incr is tried again before it is an error.
   */
  private long incrGeneration(MemcachedClient client, long by, String what) {
    for (int attempt = 0; attempt < 3; attempt++) {
      Long g = await(generationKey, client.asyncIncr(generationKey, by, System.currentTimeMillis(), 0),
          what + " the namespace generation");
      if (g != null && g >= 0) {
        return g;
      }
    }
    throw new CacheException("Cache " + cacheName + ": " + conn.serverOf(generationKey)
        + " did not " + what + " the namespace generation " + generationKey);
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
        return () -> {
          CASValue<byte[]> v = await(mkey, f, "read");
          return v == null ? null : entryOf(key, mkey, v);
        };
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
    MemcachedClient client = conn.client();
    for (int attempt = 0; attempt < GENERATION_TRIES; attempt++) {
      Long g = lastGeneration;
      if (g == null) {
        break;
      }
      Map<String, Object> byMkey = mkeys(keys, prefixOf(g));
      if (!conn.primary(client, generationKey).isActive()) {
        // as in keyPrefix(): the last generation seen, unchecked, while its server is down
        return entries(byMkey, multiGet(client, byMkey.keySet()));
      }
      // the generation joins the multi-get, after the data keys: no round trip of its own
      List<String> mkeys = new ArrayList<>(byMkey.size() + 1);
      mkeys.addAll(byMkey.keySet());
      mkeys.add(generationKey);
      Map<String, CASValue<byte[]>> found = multiGet(client, mkeys);
      CASValue<byte[]> gen = found.get(generationKey);
      Long now = gen == null ? null : generationOf(gen.getValue());
      if (g.equals(now)) {
        return entries(byMkey, found);
      }
      if (now == null) {
        break; // evicted, lost, or its server did not answer in time: read it with incr
      }
      lastGeneration = now;
    }
    String prefix;
    try {
      prefix = keyPrefix();
    } catch (CacheException e) {
      missOrThrow(e);
      return Map.of(); // the generation's server is unreachable: in miss mode, all misses
    }
    Map<String, Object> byMkey = mkeys(keys, prefix);
    return entries(byMkey, multiGet(client, byMkey.keySet()));
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
    BulkFuture<Map<String, CASValue<byte[]>>> f = client.asyncGetsBulk(mkeys, TC);
    try {
      if (conn.missOnFailure) {
        // a server that does not answer in time contributes misses, the others their entries
        return f.getSome(conn.timeoutMillis, TimeUnit.MILLISECONDS);
      }
      return f.get(conn.timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheException("Cache " + cacheName + ": interrupted during a multi-get", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw new CacheException("Cache " + cacheName + ": a multi-get of " + mkeys.size() + " keys on "
          + describeNodes(nodes) + " failed: " + rootMessage(e), e);
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
        OperationFuture<Boolean> d = client.delete(mkey);
        return () -> await(mkey, d, "delete the previous value of an oversized entry");
      }
      OperationFuture<Boolean> f = client.set(mkey, exptime(entry.expireAt()), bytes, TC);
      return () -> {
        checkStored(entry, mkey, bytes, f, await(mkey, f, "write"));
        return null;
      };
    });
  }

  @Override
  public void putAll(Collection<StoreEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    underGeneration((client, prefix) -> sendAll(client, prefix, entries));
  }

  /** Sends every write of a putAll, pipelined: every write is sent before the first reply is awaited. */
  private Sent<Void> sendAll(MemcachedClient client, String prefix, Collection<StoreEntry> entries) {
    List<Object[]> pending = new ArrayList<>(entries.size());
    for (StoreEntry entry : entries) {
      String mkey = prefix + suffix(entry.key(), prefix);
      byte[] bytes = envelope(entry, mkey, prefix);
      if (oversized(entry, mkey, bytes)) {
        pending.add(new Object[] {entry, mkey, null, client.delete(mkey)});
      } else {
        pending.add(new Object[] {entry, mkey, bytes, client.set(mkey, exptime(entry.expireAt()), bytes, TC)});
      }
    }
    return () -> {
      awaitAll(pending);
      return null;
    };
  }

  private void awaitAll(List<Object[]> pending) {
    CacheException failure = null;
    for (Object[] p : pending) {
      @SuppressWarnings("unchecked")
      OperationFuture<Boolean> f = (OperationFuture<Boolean>) p[3];
      try {
        Boolean ok = await((String) p[1], f, "write");
        if (p[2] != null) {
          checkStored((StoreEntry) p[0], (String) p[1], (byte[]) p[2], f, ok);
        }
      } catch (CacheException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public boolean insert(StoreEntry entry) {
    return underGeneration((client, prefix) -> {
      String mkey = prefix + suffix(entry.key(), prefix);
      byte[] bytes = envelope(entry, mkey, prefix);
      if (oversized(entry, mkey, bytes)) {
        return () -> true; // as if written and evicted at once
      }
      // under a dead generation the add's answer means nothing, and underGeneration sends it again
      OperationFuture<Boolean> f = client.add(mkey, exptime(entry.expireAt()), bytes, TC);
      return () -> {
        if (!Boolean.TRUE.equals(await(mkey, f, "add"))) {
          checkTooLarge(entry, mkey, bytes, f);
          return false;
        }
        return true;
      };
    });
  }

  @Override
  public boolean replace(StoreEntry expected, StoreEntry replacement) {
    Version v = versionOf(expected);
    byte[] bytes = new Envelope(replacement.expireAt(), v.hashed() ? bytesOf(replacement.key()) : null,
        (byte[]) replacement.value()).toBytes();
    if (oversized(replacement, v.key(), bytes)) {
      return Boolean.TRUE.equals(await(v.key(), conn.client().delete(v.key(), v.cas()), "delete"));
    }
    OperationFuture<CASResponse> f =
        conn.client().asyncCAS(v.key(), v.cas(), exptime(replacement.expireAt()), bytes, TC);
    CASResponse r = await(v.key(), f, "cas");
    if (r != CASResponse.OK) {
      checkTooLarge(replacement, v.key(), bytes, f);
      return false;
    }
    return true;
  }

  @Override
  public boolean remove(StoreEntry expected) {
    Version v = versionOf(expected);
    // a delete with a CAS token is memcached's compare-and-delete (binary protocol)
    return Boolean.TRUE.equals(await(v.key(), conn.client().delete(v.key(), v.cas()), "delete"));
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
    MemcachedClient client = conn.client();
    Map<Object, OperationFuture<Boolean>> deletes = new LinkedHashMap<>();
    present.forEach((key, entry) -> {
      Version v = versionOf(entry);
      deletes.put(key, client.delete(v.key(), v.cas()));
    });
    for (Map.Entry<Object, OperationFuture<Boolean>> d : deletes.entrySet()) {
      Version v = versionOf(present.get(d.getKey()));
      if (!Boolean.TRUE.equals(await(v.key(), d.getValue(), "delete"))) {
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
    // a new generation: every JVM's next operation uses keys no entry has
    lastGeneration = incrGeneration(conn.client(), 1L, "increment");
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
        multiGet(conn.client(), batch).forEach((mkey, v) -> {
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
    return conn.isConnected();
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
    if ((long) bytes.length + mkey.length() + ITEM_OVERHEAD <= conn.itemSizeLimit) {
      return false;
    }
    return tooLarge(entry, bytes);
  }

  /** Throws the oversized-value error, or in {@code skip} mode counts and logs it and returns true. */
  private boolean tooLarge(StoreEntry entry, byte[] bytes) {
    String message = "Cache " + cacheName + ": the value of key " + describeKey(entry.key()) + " is "
        + bytes.length + " bytes stored, larger than memcached's item size limit of " + conn.itemSizeLimit
        + " bytes (memcached -I)";
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
      throw new CacheException("Cache " + cacheName + ": " + conn.serverOf(mkey) + " did not store key "
          + describeKey(entry.key()) + ": " + statusOf(f));
    }
  }

  /** The server refused the value as too large: the oversized-value error (never a silent loss). */
  private void checkTooLarge(StoreEntry entry, String mkey, byte[] bytes, OperationFuture<?> f) {
    String status = statusOf(f).toLowerCase(java.util.Locale.ROOT);
    if (status.contains("too large") || status.contains("e2big")) {
      if (tooLarge(entry, bytes)) {
        conn.client().delete(mkey);
      }
    }
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
      throw new CacheException("Cache " + cacheName + ": " + conn.serverOf(mkey) + " failed to " + what
          + " key " + mkey + ": " + rootMessage(e), e);
    }
  }

  private StoreEntry missOrThrow(CacheException e) {
    if (conn.missOnFailure) {
      LOG.warn("{} (a miss)", e.getMessage());
      return null;
    }
    throw e;
  }

  private String describeNodes(Set<java.net.SocketAddress> nodes) {
    List<String> names = new ArrayList<>();
    for (java.net.SocketAddress n : nodes) {
      names.add(MemcachedConnection.describe(n));
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
