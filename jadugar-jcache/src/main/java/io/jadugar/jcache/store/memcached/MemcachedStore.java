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
 */
final class MemcachedStore implements Store {

  private static final Logger LOG = LoggerFactory.getLogger(MemcachedStore.class);
  /** Memcached reads exptimes above this many seconds as absolute Unix times. */
  static final long THIRTY_DAYS = 30L * 24 * 3600;
  /** Memcached's own bytes per item beyond key and value, with room to spare. */
  private static final int ITEM_OVERHEAD = 64;
  private static final int FETCH_BATCH = 256;
  private static final int MAX_WALKS = 8;
  private static final BytesTranscoder TC = BytesTranscoder.INSTANCE;

  /** The memcached key an entry was read under, and its CAS token. */
  private record Version(String key, long cas, boolean hashed) {}

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

  /** The start of this cache's memcached keys now: namespace and current generation. */
  String keyPrefix() {
    Long last = lastGeneration;
    MemcachedClient client = conn.client();
    if (last != null && !conn.primary(client, generationKey).isActive()) {
      // the generation's server is down: another server would start a new generation and turn
      // every entry of the cache into a miss, so go on with the last one this JVM read
      return namespace + ":" + last + ":";
    }
    // incr by 0 reads the generation; if memcached lost it (or never had it), it starts again from
    // the clock, which is a generation no earlier clear used
    Long g = await(generationKey, client.asyncIncr(generationKey, 0L, System.currentTimeMillis(), 0),
        "read the namespace generation");
    if (g == null || g < 0) {
      throw new CacheException("Cache " + cacheName + ": " + conn.serverOf(generationKey)
          + " did not return the namespace generation " + generationKey);
    }
    lastGeneration = g;
    return namespace + ":" + g + ":";
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
      String prefix = keyPrefix();
      String mkey = prefix + suffix(key, prefix);
      CASValue<byte[]> v = await(mkey, conn.client().asyncGets(mkey, TC), "read");
      return v == null ? null : entryOf(key, mkey, v);
    } catch (CacheException e) {
      return missOrThrow(e);
    }
  }

  @Override
  public Map<Object, StoreEntry> getAll(Collection<?> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    String prefix;
    try {
      prefix = keyPrefix();
    } catch (CacheException e) {
      missOrThrow(e);
      return Map.of(); // the generation's server is unreachable: in miss mode, all misses
    }
    Map<String, Object> byMkey = new LinkedHashMap<>();
    for (Object key : keys) {
      byMkey.put(prefix + suffix(key, prefix), key);
    }
    Map<String, CASValue<byte[]>> found = multiGet(byMkey.keySet());
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
  private Map<String, CASValue<byte[]>> multiGet(Collection<String> mkeys) {
    MemcachedClient client = conn.client();
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
    String prefix = keyPrefix();
    String mkey = prefix + suffix(entry.key(), prefix);
    byte[] bytes = envelope(entry, mkey, prefix);
    if (oversized(entry, mkey, bytes)) {
      await(mkey, conn.client().delete(mkey), "delete the previous value of an oversized entry");
      return;
    }
    OperationFuture<Boolean> f = conn.client().set(mkey, exptime(entry.expireAt()), bytes, TC);
    checkStored(entry, mkey, bytes, f, await(mkey, f, "write"));
  }

  @Override
  public void putAll(Collection<StoreEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    String prefix = keyPrefix();
    MemcachedClient client = conn.client();
    // pipelined: every write is sent before the first reply is awaited
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
    String prefix = keyPrefix();
    String mkey = prefix + suffix(entry.key(), prefix);
    byte[] bytes = envelope(entry, mkey, prefix);
    if (oversized(entry, mkey, bytes)) {
      return true; // as if written and evicted at once
    }
    OperationFuture<Boolean> f = conn.client().add(mkey, exptime(entry.expireAt()), bytes, TC);
    Boolean ok = await(mkey, f, "add");
    if (!Boolean.TRUE.equals(ok)) {
      checkTooLarge(entry, mkey, bytes, f);
      return false;
    }
    return true;
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
    Long g = await(generationKey, conn.client().asyncIncr(generationKey, 1L, System.currentTimeMillis(), 0),
        "increment the namespace generation");
    if (g == null || g < 0) {
      throw new CacheException("Cache " + cacheName + ": " + conn.serverOf(generationKey)
          + " did not increment the namespace generation " + generationKey);
    }
    lastGeneration = g;
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
        multiGet(batch).forEach((mkey, v) -> {
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
