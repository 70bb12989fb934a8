package io.jadugar.jcache.store.redis;

import io.jadugar.jcache.configuration.CoreSettings;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.health.HealthReport;
import io.jadugar.jcache.spi.BinaryKey;
import io.jadugar.jcache.spi.KeyLock;
import io.jadugar.jcache.spi.RecordedWrite;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreEntry;
import io.jadugar.jcache.spi.StoreListener;
import io.jadugar.jcache.spi.StoreLookup;
import io.jadugar.jcache.spi.StoreMemory;
import io.jadugar.jcache.spi.StoreOptions;
import io.jadugar.jcache.spi.StoreTraffic;
import io.jadugar.jcache.spi.WriterRecord;
import io.jadugar.jcache.store.StoreCounters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import javax.cache.event.EventType;
import org.redisson.api.BatchResult;
import org.redisson.api.RBatch;
import org.redisson.api.RBucket;
import org.redisson.api.RBucketAsync;
import org.redisson.api.RBuckets;
import org.redisson.api.RFuture;
import org.redisson.api.RKeys;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.KeysScanOptions;
import org.redisson.client.RedisNoScriptException;
import org.redisson.client.codec.ByteArrayCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cache in Redis: a Redis string per entry under {@code <prefix><cache>:<key>}, holding an
 * 8-byte version, the 8-byte expiry time and the frame. Redis expires the entry itself
 * ({@code PXAT}, a grace period after its expiry time so that a reader can still report it).
 */
final class RedisStore implements Store {

  private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);

  /** Marks a key part that is Base64 of bytes that are not UTF-8 text. */
  private static final char BINARY = '#';
  private static final byte[] NO_CHANNEL = new byte[0];
  private static final byte[] ONE = {'1'};
  private static final byte[] ZERO = {'0'};
  private static final int ORIGIN_LENGTH = 16;
  private static final int CHUNK = 200;
  /** Keys per PUT script call of a putAll: bounds how long one call holds the server. */
  private static final int PUT_CHUNK = 500;
  private static final Loaded PUT = new Loaded(RedisScripts.PUT);
  private static final Loaded GET_ALONG = new Loaded(RedisScripts.GET_ALONG);
  /** The version of another program's data under a cache's key (see {@link RedisScripts#FOREIGN}). */
  private static final byte[] FOREIGN_VERSION = RedisScripts.FOREIGN.getBytes(StandardCharsets.US_ASCII);
  /** The value of foreign data: no frame, so the engine counts a corrupt entry. */
  private static final byte[] NO_FRAME = new byte[0];

  /** The cache manager's client: the current Redisson client, fetched for every operation (see {@link #redisson()}). */
  private final RedisStoreClient client;
  /** Whether keys live on several masters: a script may then write one key only. */
  private final boolean cluster;
  private final String where;
  private final String cacheName;
  private final String namespace;
  private final String pattern;
  private final byte[] channel;
  private final byte[] origin;
  private final long grace;
  private final StoreListener listener;
  /** The events channel, or {@code null} without events. */
  private final String channelName;
  /** Guards the topic and the subscription, which a reconnect replaces. */
  private final Object subscriptionLock = new Object();
  /** The channel on the current Redisson client; {@code null} without events. */
  private RTopic topic;
  /** Whether this JVM's cache has listeners: then the channel is heard, and heard again after a reconnect. */
  private boolean heard;
  private volatile Integer subscription;
  private final RedisKeyLock locks;
  /** The scripts of {@link #putRecorded}, by the record's script: a writer has one or two. */
  private final Map<String, Loaded> recordedPuts = new ConcurrentHashMap<>();
  /** This cache's round trips and failed requests; its key locks count theirs here too. */
  private final StoreCounters counters = new StoreCounters();

  RedisStore(RedisStoreClient client, StoreOptions options, Settings managerSettings) {
    this.client = client;
    RedissonClient redisson = client.connection().redisson();
    this.where = client.where();
    this.cluster = client.cluster();
    this.cacheName = options.cacheName();
    Settings settings = options.settings();
    this.namespace = settings.get(CoreSettings.PREFIX) + escapeName(cacheName) + ":";
    this.pattern = globEscape(namespace) + "*";
    Duration g = settings.get(RedisStoreFactory.EXPIRY_GRACE);
    this.grace = (g == null ? RedisStoreFactory.DEFAULT_EXPIRY_GRACE : g).toMillis();
    this.listener = options.listener();
    Duration lease = settings.get(RedisStoreFactory.LOCK_LEASE);
    this.locks = new RedisKeyLock(this::redisson, where, cacheName, namespace, cluster,
        lease == null ? RedisStoreFactory.DEFAULT_LOCK_LEASE : lease, counters);
    byte[] id = new byte[ORIGIN_LENGTH];
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < id.length; i++) {
      id[i] = (byte) ('a' + r.nextInt(26));
    }
    this.origin = id;
    boolean events = Boolean.parseBoolean(settings.get(RedisStoreFactory.EVENTS));
    if (events) {
      this.channelName = "jadugar-events:" + namespace;
      this.channel = channelName.getBytes(StandardCharsets.UTF_8);
      // subscribed by listenersChanged, which the engine calls as soon as the store is open
      this.topic = redisson.getTopic(channelName, ByteArrayCodec.INSTANCE);
    } else {
      this.channel = NO_CHANNEL;
      this.channelName = null;
      this.topic = null;
    }
  }

  /** The current Redisson client; fails at once while the cache manager is disconnected. */
  private RedissonClient redisson() {
    return client.connection().redisson();
  }

  private RScript script() {
    return client.connection().script();
  }

  /**
   * The error of operation {@code op}, counted as a failed request: every catch of this store calls
   * this once for the one Redisson call that failed (an error already made here is passed on as it is).
   */
  private javax.cache.CacheException fault(String op, RuntimeException e, boolean write) {
    counters.failed();
    return client.fault(op, e, write);
  }

  /** Counts the round trips of one batch of {@code redisKeys}: Redisson sends it as one pipeline per master. */
  private void sentBatch(Collection<String> redisKeys) {
    counters.sent(cluster ? client.masters(redisKeys) : 1);
  }

  // ---------------------------------------------------------------- keys

  /** The Redis key of a store key: the namespace, then the key's bytes as text, or # and Base64. */
  String redisKey(Object key) {
    byte[] b = ((BinaryKey) key).bytes();
    if (b.length > 0 && b[0] != BINARY && isAscii(b)) {
      // the common case: ASCII is UTF-8 as it stands, and decodes as a plain copy
      return namespace + new String(b, StandardCharsets.ISO_8859_1);
    }
    if (b.length > 0 && b[0] != BINARY) {
      String text = new String(b, StandardCharsets.UTF_8);
      if (Arrays.equals(text.getBytes(StandardCharsets.UTF_8), b)) {
        return namespace + text;
      }
    }
    return namespace + BINARY + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static boolean isAscii(byte[] b) {
    for (byte x : b) {
      if (x < 0) {
        return false;
      }
    }
    return true;
  }

  private BinaryKey storeKey(String redisKey) {
    String part = redisKey.substring(namespace.length());
    if (!part.isEmpty() && part.charAt(0) == BINARY) {
      try {
        return new BinaryKey(Base64.getUrlDecoder().decode(part.substring(1)));
      } catch (IllegalArgumentException e) {
        // not ours to read: the engine counts the key as corrupt
      }
    }
    return new BinaryKey(part.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The cache name with {@code %} and {@code :} escaped, so that the namespace of cache {@code a}
   * ({@code a:}) is never the start of another cache's ({@code a:b} becomes {@code a%3Ab:}).
   */
  static String escapeName(String name) {
    return name.replace("%", "%25").replace(":", "%3A");
  }

  private static String globEscape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (char c : s.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- values

  private static byte[] encode(StoreEntry entry, byte[] version) {
    byte[] frame = (byte[]) entry.value();
    return ByteBuffer.allocate(16 + frame.length).put(version).putLong(entry.expireAt()).put(frame).array();
  }

  private static byte[] newVersion() {
    return ByteBuffer.allocate(8).putLong(ThreadLocalRandom.current().nextLong()).array();
  }

  /** The entry that {@code raw} holds; bytes too short or odd are handed on as a frame that fails to decode. */
  private static StoreEntry decode(Object key, byte[] raw) {
    if (raw == null) {
      return null;
    }
    if (raw.length < 16) {
      // the scripts compare the first 8 bytes (here: at most 8) as the version
      return new StoreEntry(key, raw, StoreEntry.ETERNAL, Arrays.copyOf(raw, Math.min(8, raw.length)));
    }
    long expireAt = ByteBuffer.wrap(raw, 8, 8).getLong();
    if (expireAt <= 0) {
      expireAt = StoreEntry.ETERNAL; // not a time we wrote: let the frame check call it corrupt
    }
    return new StoreEntry(key, Arrays.copyOfRange(raw, 16, raw.length), expireAt, Arrays.copyOf(raw, 8));
  }

  /**
   * The entry of a key that holds another program's data (a list, a hash...): a corrupt entry, which
   * a read counts as a miss and drops and a write replaces, through the scripts' foreign version.
   */
  private static StoreEntry foreign(Object key) {
    return new StoreEntry(key, NO_FRAME, StoreEntry.ETERNAL, FOREIGN_VERSION);
  }

  /** Whether Redis refused a command because the key holds another type than a string. */
  private static boolean wrongType(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (String.valueOf(t.getMessage()).startsWith("WRONGTYPE")) {
        return true;
      }
    }
    return false;
  }

  private byte[] pxat(long expireAt) {
    if (expireAt == StoreEntry.ETERNAL || expireAt > Long.MAX_VALUE - grace) {
      return ZERO;
    }
    return ascii(Math.max(1, expireAt + grace));
  }

  private static byte[] ascii(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  private Object[] args(Object... own) {
    Object[] all = new Object[3 + own.length];
    all[0] = channel;
    all[1] = origin;
    all[2] = ascii(System.currentTimeMillis());
    System.arraycopy(own, 0, all, 3, own.length);
    return all;
  }

  private <R> R eval(String key, RScript.Mode mode, String lua, RScript.ReturnType type, Object... own) {
    RScript s = script();
    counters.sent(1);
    return s.eval(key, mode, lua, type, List.of(key), args(own));
  }

  /** The PUT script by its SHA ({@link #evalSha}). */
  private void evalPut(String key, List<Object> keys, Object[] args) {
    evalSha(key, RScript.Mode.READ_WRITE, PUT, RScript.ReturnType.LONG, keys, args);
  }

  private static boolean noScript(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof RedisNoScriptException || String.valueOf(t.getMessage()).startsWith("NOSCRIPT")) {
        return true;
      }
    }
    return false;
  }

  private static String sha1(String script) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- the SPI

  @Override
  public StoreEntry get(Object key) {
    try {
      RBucket<byte[]> bucket = redisson().getBucket(redisKey(key), ByteArrayCodec.INSTANCE);
      counters.sent(1);
      return decode(key, bucket.get());
    } catch (RuntimeException e) {
      if (wrongType(e)) {
        LOG.debug("Cache {}: key {} holds foreign data, not a Redis string", cacheName, key);
        return foreign(key);
      }
      throw fault("get", e, false);
    }
  }

  /**
   * On one server, when the lookup's store is a cache of this client: its records are then on the
   * same server, read by the same script. A cluster keeps them in other slots, which one script
   * cannot reach: there the caller reads them (a second round trip).
   */
  @Override
  public boolean readsAlong(StoreLookup lookup) {
    byte[] prefix = lookup.keyPrefix();
    // the script names a record's Redis key namespace + prefix + name: plain text, as redisKey does
    // for bytes that are UTF-8 and do not start with its Base64 mark
    return !cluster && lookup.store() instanceof RedisStore other && other.client == client
        && prefix != null && prefix.length > 0 && prefix[0] != BINARY && isAscii(prefix);
  }

  /** One script ({@link RedisScripts#GET_ALONG}): the entry and the records its metadata lists. */
  @Override
  public StoreEntry get(Object key, StoreLookup lookup, Map<String, StoreEntry> along) {
    if (!readsAlong(lookup)) {
      return get(key);
    }
    RedisStore other = (RedisStore) lookup.store();
    byte[] prefix = lookup.keyPrefix();
    byte[] ns = other.namespace.getBytes(StandardCharsets.UTF_8);
    byte[] recordPrefix = Arrays.copyOf(ns, ns.length + prefix.length);
    System.arraycopy(prefix, 0, recordPrefix, ns.length, prefix.length);
    String redisKey = redisKey(key);
    List<Object> reply;
    try {
      reply = evalSha(redisKey, RScript.Mode.READ_ONLY, GET_ALONG,
          RScript.ReturnType.LIST, List.of(redisKey),
          new Object[] {lookup.listName().getBytes(StandardCharsets.UTF_8), recordPrefix});
    } catch (RuntimeException e) {
      throw fault("get", e, false);
    }
    if (reply == null || reply.isEmpty()) {
      LOG.debug("Cache {}: key {} holds foreign data, not a Redis string", cacheName, key);
      return foreign(key);
    }
    for (int i = 1; i + 1 < reply.size(); i += 2) {
      byte[] name = (byte[]) reply.get(i);
      byte[] k = Arrays.copyOf(prefix, prefix.length + name.length);
      System.arraycopy(name, 0, k, prefix.length, name.length);
      along.put(new String(name, StandardCharsets.UTF_8), decode(new BinaryKey(k), (byte[]) reply.get(i + 1)));
    }
    return decode(key, (byte[]) reply.get(0));
  }

  /**
   * A script by its SHA. Redisson's {@code eval} would copy every argument of every call (to resend
   * them after a NOSCRIPT); here only the rare NOSCRIPT pays: load the script, call again.
   */
  private <R> R evalSha(String key, RScript.Mode mode, Loaded lua, RScript.ReturnType type, List<Object> keys,
      Object[] args) {
    RScript s = script();
    try {
      counters.sent(1);
      return s.evalSha(key, mode, lua.sha(), type, keys, args);
    } catch (RuntimeException e) {
      if (!noScript(e)) {
        throw e;
      }
      LOG.debug("Cache {}: loading a script into {}", cacheName, where);
      counters.sent(2);
      s.scriptLoad(lua.text());
      return s.evalSha(key, mode, lua.sha(), type, keys, args);
    }
  }

  /** A script and its SHA, for {@link #evalSha}. */
  private record Loaded(String text, String sha) {
    Loaded(String text) {
      this(text, sha1(text));
    }
  }

  /** Only on one server: on a Cluster the record's keys are in another slot than the entry's. */
  @Override
  public boolean recordsWrites() {
    return !cluster;
  }

  @Override
  public RecordedWrite putRecorded(StoreEntry entry, WriterRecord record) {
    String key = redisKey(entry.key());
    Loaded lua = recordedPuts.computeIfAbsent(record.script(), r -> new Loaded(RedisScripts.recorded(r)));
    List<Object> keys = new ArrayList<>(2 + record.keys().size());
    keys.add(key);
    keys.add(locks.lockKey(key));
    keys.addAll(record.keys());
    Object[] put = args(encode(entry, newVersion()), pxat(entry.expireAt()));
    Object[] args = new Object[1 + put.length + record.args().size()];
    args[0] = ascii(put.length);
    System.arraycopy(put, 0, args, 1, put.length);
    int i = 1 + put.length;
    for (byte[] a : record.args()) {
      args[i++] = a;
    }
    List<Object> reply;
    try {
      reply = evalSha(key, RScript.Mode.READ_WRITE, lua, RScript.ReturnType.LIST, keys, args);
    } catch (RuntimeException e) {
      throw fault("put", e, true);
    }
    long outcome = (Long) reply.get(0);
    if (outcome == 0) {
      return RecordedWrite.LOCKED;
    }
    return outcome == 1 ? RecordedWrite.DECLINED
        : new RecordedWrite(RecordedWrite.Outcome.WRITTEN, reply.size() > 1 ? reply.get(1) : null);
  }

  @Override
  public Map<Object, StoreEntry> getAll(Collection<?> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    // the i-th name is the i-th key's: arrays, not a map from names back to keys
    Object[] storeKeys = keys.toArray();
    String[] names = new String[storeKeys.length];
    for (int i = 0; i < names.length; i++) {
      names[i] = redisKey(storeKeys[i]);
    }
    Map<String, byte[]> found;
    try {
      // MGET, grouped per node by Redisson on a cluster
      RBuckets buckets = redisson().getBuckets(ByteArrayCodec.INSTANCE);
      sentBatch(Arrays.asList(names));
      found = buckets.get(names);
    } catch (RuntimeException e) {
      throw fault("getAll", e, false);
    }
    Map<Object, StoreEntry> out = new HashMap<>((int) (found.size() / 0.75f) + 1);
    for (int i = 0; i < names.length; i++) {
      StoreEntry e = decode(storeKeys[i], found.get(names[i]));
      if (e != null) {
        out.put(storeKeys[i], e);
      }
    }
    return out;
  }

  @Override
  public void put(StoreEntry entry) {
    String key = redisKey(entry.key());
    try {
      if (channel.length == 0) {
        // nothing to publish: a plain SET, no script (CAS scripts still see an 8-byte version)
        RBucket<byte[]> bucket = redisson().getBucket(key, ByteArrayCodec.INSTANCE);
        counters.sent(1);
        setPlain(bucket, entry).toCompletableFuture().join();
      } else {
        evalPut(key, List.of(key), args(encode(entry, newVersion()), pxat(entry.expireAt())));
      }
    } catch (RuntimeException e) {
      throw fault("put", e, true);
    }
  }

  /**
   * Sends {@code entry} as a plain {@code SET}, with {@code PX} counted from this JVM's clock (the
   * clock the engine checks {@code expireAt} against, as {@link #pxat} is) unless it is eternal.
   */
  private RFuture<Void> setPlain(RBucketAsync<byte[]> bucket, StoreEntry entry) {
    byte[] value = encode(entry, newVersion());
    long expireAt = entry.expireAt();
    if (expireAt == StoreEntry.ETERNAL || expireAt > Long.MAX_VALUE - grace) {
      return bucket.setAsync(value);
    }
    return bucket.setAsync(value, Duration.ofMillis(Math.max(1, expireAt + grace - System.currentTimeMillis())));
  }

  @Override
  public void putAll(Collection<StoreEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    try {
      if (cluster) {
        putAllPerKey(entries);
      } else {
        putAllScripted(entries);
      }
    } catch (RuntimeException e) {
      throw fault("putAll", e, true);
    }
  }

  /**
   * One server holds every key: one PUT call writes (and publishes) a whole chunk, where a call
   * per key cost a script invocation and a batch slot each.
   */
  private void putAllScripted(Collection<StoreEntry> entries) {
    StoreEntry[] all = entries.toArray(new StoreEntry[0]);
    long nowMs = System.currentTimeMillis();
    byte[] now = ascii(nowMs);
    int chunks = (all.length + PUT_CHUNK - 1) / PUT_CHUNK;
    List<List<Object>> keyChunks = new ArrayList<>(chunks);
    List<Object[]> argChunks = new ArrayList<>(chunks);
    for (int from = 0; from < all.length; from += PUT_CHUNK) {
      int to = Math.min(all.length, from + PUT_CHUNK);
      int n = to - from;
      boolean message = channel.length > 0 && n > 1;
      List<Object> keys = new ArrayList<>(n);
      Object[] args = new Object[3 + 2 * n + (message ? 1 : 0)];
      args[0] = channel;
      args[1] = origin;
      args[2] = now;
      for (int i = 0; i < n; i++) {
        StoreEntry entry = all[from + i];
        keys.add(redisKey(entry.key()));
        args[3 + 2 * i] = encode(entry, newVersion());
        args[4 + 2 * i] = pxat(entry.expireAt());
      }
      if (message) {
        args[3 + 2 * n] = putMessageHead(all, from, to, nowMs);
      }
      keyChunks.add(keys);
      argChunks.add(args);
    }
    if (chunks == 1) {
      List<Object> k = keyChunks.get(0);
      evalPut((String) k.get(0), k, argChunks.get(0));
      return;
    }
    // still one round trip: the chunks travel in one pipeline
    RBatch batch = redisson().createBatch();
    RScriptAsync s = batch.getScript(ByteArrayCodec.INSTANCE);
    for (int i = 0; i < keyChunks.size(); i++) {
      List<Object> k = keyChunks.get(i);
      s.evalAsync((String) k.get(0), RScript.Mode.READ_WRITE, RedisScripts.PUT, RScript.ReturnType.LONG, k,
          argChunks.get(i));
    }
    counters.sent(1);
    batch.execute();
  }

  /**
   * The head of a {@code P} message, which the PUT script completes with the replaced values:
   * origin, {@code P}, this JVM's clock (8 bytes), the count, then each store key and new frame,
   * length-prefixed.
   */
  private byte[] putMessageHead(StoreEntry[] all, int from, int to, long now) {
    int size = ORIGIN_LENGTH + 1 + 8 + 4;
    for (int i = from; i < to; i++) {
      size += 8 + ((BinaryKey) all[i].key()).bytes().length + ((byte[]) all[i].value()).length;
    }
    ByteBuffer b = ByteBuffer.allocate(size).put(origin).put((byte) 'P').putLong(now)
        .putInt(to - from);
    for (int i = from; i < to; i++) {
      byte[] k = ((BinaryKey) all[i].key()).bytes();
      byte[] v = (byte[]) all[i].value();
      b.putInt(k.length).put(k).putInt(v.length).put(v);
    }
    return b.array();
  }

  /**
   * Redis Cluster refuses a script whose keys hash to different slots: a command per key, which
   * Redisson pipelines per master (one round trip per node). Without events, a plain SET each.
   */
  private void putAllPerKey(Collection<StoreEntry> entries) {
    RBatch batch = redisson().createBatch();
    List<String> keys = new ArrayList<>(entries.size());
    if (channel.length == 0) {
      for (StoreEntry entry : entries) {
        String key = redisKey(entry.key());
        keys.add(key);
        setPlain(batch.getBucket(key, ByteArrayCodec.INSTANCE), entry);
      }
    } else {
      RScriptAsync s = batch.getScript(ByteArrayCodec.INSTANCE);
      byte[] now = ascii(System.currentTimeMillis());
      for (StoreEntry entry : entries) {
        String key = redisKey(entry.key());
        keys.add(key);
        s.evalAsync(key, RScript.Mode.READ_WRITE, RedisScripts.PUT, RScript.ReturnType.LONG, List.of(key),
            channel, origin, now, encode(entry, newVersion()), pxat(entry.expireAt()));
      }
    }
    sentBatch(keys);
    batch.execute();
  }

  @Override
  public boolean insert(StoreEntry entry) {
    String key = redisKey(entry.key());
    try {
      Long done = eval(key, RScript.Mode.READ_WRITE, RedisScripts.INSERT, RScript.ReturnType.LONG,
          encode(entry, newVersion()), pxat(entry.expireAt()));
      return done != null && done == 1L;
    } catch (RuntimeException e) {
      throw fault("insert", e, true);
    }
  }

  @Override
  public boolean replace(StoreEntry expected, StoreEntry replacement) {
    String key = redisKey(expected.key());
    // the same value with another expiry (access expiry) is no change other JVMs should hear of
    boolean expiryOnly = replacement.value() == expected.value();
    try {
      Long done = eval(key, RScript.Mode.READ_WRITE, RedisScripts.REPLACE, RScript.ReturnType.LONG,
          encode(replacement, newVersion()), pxat(replacement.expireAt()), (byte[]) expected.version(),
          expiryOnly ? ONE : ZERO);
      return done != null && done == 1L;
    } catch (RuntimeException e) {
      throw fault("replace", e, true);
    }
  }

  @Override
  public boolean remove(StoreEntry expected) {
    String key = redisKey(expected.key());
    try {
      Long done = eval(key, RScript.Mode.READ_WRITE, RedisScripts.REMOVE_EXPECTED, RScript.ReturnType.LONG,
          (byte[]) expected.version());
      return done != null && done == 1L;
    } catch (RuntimeException e) {
      throw fault("remove", e, true);
    }
  }

  @Override
  public StoreEntry remove(Object key) {
    String rk = redisKey(key);
    try {
      byte[] old = eval(rk, RScript.Mode.READ_WRITE, RedisScripts.REMOVE, RScript.ReturnType.VALUE);
      return decode(key, old);
    } catch (RuntimeException e) {
      throw fault("remove", e, true);
    }
  }

  @Override
  public Map<Object, StoreEntry> removeAll(Collection<?> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    List<Object> order = new ArrayList<>(keys);
    BatchResult<?> result;
    try {
      RBatch batch = redisson().createBatch();
      RScriptAsync s = batch.getScript(ByteArrayCodec.INSTANCE);
      List<String> rks = new ArrayList<>(order.size());
      for (Object k : order) {
        String rk = redisKey(k);
        rks.add(rk);
        s.evalAsync(rk, RScript.Mode.READ_WRITE, RedisScripts.REMOVE, RScript.ReturnType.VALUE, List.of(rk), args());
      }
      sentBatch(rks);
      result = batch.execute();
    } catch (RuntimeException e) {
      throw fault("removeAll", e, true);
    }
    Map<Object, StoreEntry> out = new LinkedHashMap<>();
    List<?> responses = result.getResponses();
    for (int i = 0; i < order.size(); i++) {
      Object r = responses.get(i);
      if (r instanceof byte[]) {
        out.put(order.get(i), decode(order.get(i), (byte[]) r));
      }
    }
    return out;
  }

  @Override
  public void clear() {
    try {
      List<String> chunk = new ArrayList<>(CHUNK);
      for (String k : scan()) {
        chunk.add(k);
        if (chunk.size() == CHUNK) {
          delete(chunk);
          chunk.clear();
        }
      }
      if (!chunk.isEmpty()) {
        delete(chunk);
      }
    } catch (RuntimeException e) {
      throw fault("clear", e, true);
    }
  }

  private void delete(List<String> redisKeys) {
    RKeys keys = redisson().getKeys();
    sentBatch(redisKeys);
    keys.delete(redisKeys.toArray(new String[0]));
  }

  /**
   * The cache's keys, by SCAN MATCH on every master (never KEYS). Redisson's iterator sends the SCAN
   * pages as it goes, out of sight: they are not among the round trips counted.
   */
  private Iterable<String> scan() {
    return redisson().getKeys().getKeys(KeysScanOptions.defaults().pattern(pattern).chunkSize(500));
  }

  @Override
  public Iterator<StoreEntry> iterator() {
    Iterator<String> keys;
    try {
      keys = scan().iterator();
    } catch (RuntimeException e) {
      throw fault("iterator", e, false);
    }
    return new Iterator<>() {
      private Iterator<StoreEntry> batch = java.util.Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        try {
          while (!batch.hasNext() && keys.hasNext()) {
            List<String> names = new ArrayList<>(CHUNK);
            List<Object> chunk = new ArrayList<>(CHUNK);
            while (chunk.size() < CHUNK && keys.hasNext()) {
              String name = keys.next();
              names.add(name);
              chunk.add(storeKey(name));
            }
            Map<Object, StoreEntry> found = getAll(chunk);
            if (found.size() < chunk.size()) {
              List<StoreEntry> all = new ArrayList<>(found.values());
              all.addAll(foreignAmong(names, chunk, found));
              batch = all.iterator();
            } else {
              batch = found.values().iterator();
            }
          }
          return batch.hasNext();
        } catch (javax.cache.CacheException e) {
          throw e; // made (and counted) by getAll or foreignAmong
        } catch (RuntimeException e) {
          throw fault("iteration", e, false);
        }
      }

      @Override
      public StoreEntry next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return batch.next();
      }
    };
  }

  /**
   * The keys among {@code names} that MGET read as nil because they hold foreign data, as corrupt
   * entries, so that iterating drops them as it drops any corrupt entry. One more round trip, only
   * for a chunk where MGET missed some key (foreign, or removed since SCAN saw it).
   */
  private List<StoreEntry> foreignAmong(List<String> names, List<Object> storeKeys, Map<Object, StoreEntry> found) {
    List<Object> missing = new ArrayList<>();
    List<?> answers;
    try {
      RBatch check = redisson().createBatch();
      RScriptAsync s = check.getScript(ByteArrayCodec.INSTANCE);
      List<String> missingNames = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        if (!found.containsKey(storeKeys.get(i))) {
          missing.add(storeKeys.get(i));
          missingNames.add(names.get(i));
          s.evalAsync(names.get(i), RScript.Mode.READ_ONLY, RedisScripts.IS_FOREIGN, RScript.ReturnType.LONG,
              List.of(names.get(i)));
        }
      }
      sentBatch(missingNames);
      answers = check.execute().getResponses();
    } catch (RuntimeException e) {
      throw fault("iteration", e, false);
    }
    List<StoreEntry> out = new ArrayList<>();
    for (int i = 0; i < missing.size(); i++) {
      if (Long.valueOf(1L).equals(answers.get(i))) {
        out.add(foreign(missing.get(i)));
      }
    }
    return out;
  }

  /** A lease in Redis beside the entry (see {@link RedisKeyLock}): compute here is a retrying CAS loop. */
  @Override
  public KeyLock lock(Object key) {
    return locks.lock(redisKey(key));
  }

  // ---------------------------------------------------------------- other JVMs

  private void onMessage(byte[] message) {
    try {
      if (message.length < ORIGIN_LENGTH + 1
          || Arrays.equals(message, 0, ORIGIN_LENGTH, origin, 0, ORIGIN_LENGTH)) {
        return; // our own change: the engine has reported it already
      }
      ByteBuffer in = ByteBuffer.wrap(message, ORIGIN_LENGTH, message.length - ORIGIN_LENGTH);
      char kind = (char) in.get();
      if (kind == 'P') {
        onPutMessage(in);
        return;
      }
      byte[] key = field(in);
      byte[] value = field(in);
      byte[] old = field(in);
      String redisKey = new String(key, StandardCharsets.UTF_8);
      if (!redisKey.startsWith(namespace)) {
        return;
      }
      BinaryKey storeKey = storeKey(redisKey);
      switch (kind) {
        case 'C':
          listener.changedElsewhere(EventType.CREATED, storeKey, value, null);
          break;
        case 'U':
          listener.changedElsewhere(EventType.UPDATED, storeKey, value, old);
          break;
        case 'R':
          listener.changedElsewhere(EventType.REMOVED, storeKey, value, value);
          break;
        case 'E':
          listener.changedElsewhere(EventType.EXPIRED, storeKey, value, value);
          break;
        default:
          LOG.debug("Cache {}: ignored a change message of unknown kind {}", cacheName, kind);
      }
    } catch (RuntimeException e) {
      LOG.warn("Cache {}: could not pass on a change made by another JVM", cacheName, e);
    }
  }

  /** The entries of one putAll: created, or updated where a live value was replaced. */
  private void onPutMessage(ByteBuffer in) {
    long writerNow = in.getLong();
    int n = in.getInt();
    BinaryKey[] keys = new BinaryKey[n];
    byte[][] values = new byte[n][];
    for (int i = 0; i < n; i++) {
      keys[i] = new BinaryKey(field(in));
      values[i] = field(in);
    }
    // what MGET read, as the script's cmsgpack wrote it: an array of strings and false
    if (readArrayLength(in) != n) {
      throw new IllegalArgumentException("a put message of " + n + " entries without as many old values");
    }
    for (int i = 0; i < n; i++) {
      byte[] old = readOld(in);
      if (old != null && old.length >= 16 && ByteBuffer.wrap(old, 8, 8).getLong() > writerNow) {
        listener.changedElsewhere(EventType.UPDATED, keys[i], values[i], Arrays.copyOfRange(old, 16, old.length));
      } else {
        listener.changedElsewhere(EventType.CREATED, keys[i], values[i], null);
      }
    }
  }

  private static int readArrayLength(ByteBuffer in) {
    int t = in.get() & 0xff;
    if ((t & 0xf0) == 0x90) {
      return t & 0x0f;
    }
    if (t == 0xdc) {
      return in.getShort() & 0xffff;
    }
    if (t == 0xdd) {
      return in.getInt();
    }
    throw new IllegalArgumentException("not a MessagePack array: " + t);
  }

  /** A MessagePack string or bytes, or null for false/nil (no value was there). */
  private static byte[] readOld(ByteBuffer in) {
    int t = in.get() & 0xff;
    int length;
    if (t == 0xc2 || t == 0xc0) {
      return null;
    } else if ((t & 0xe0) == 0xa0) {
      length = t & 0x1f;
    } else if (t == 0xd9 || t == 0xc4) {
      length = in.get() & 0xff;
    } else if (t == 0xda || t == 0xc5) {
      length = in.getShort() & 0xffff;
    } else if (t == 0xdb || t == 0xc6) {
      length = in.getInt();
    } else {
      throw new IllegalArgumentException("not a MessagePack string: " + t);
    }
    byte[] b = new byte[length];
    in.get(b);
    return b;
  }

  private static byte[] field(ByteBuffer in) {
    byte[] b = new byte[in.getInt()];
    in.get(b);
    return b;
  }

  /**
   * Hears the channel only while this JVM's cache has listeners: otherwise every change this JVM
   * publishes would come back to it, to be read, decoded and dropped (most of a put's cost on the
   * client). Writers publish regardless, so a listener that another JVM registers hears every
   * change made after its registration returned, which waits for the subscription.
   */
  @Override
  public void listenersChanged(boolean any) {
    if (channelName == null) {
      return;
    }
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
    synchronized (subscriptionLock) {
      try {
        // returns once Redis has confirmed the subscription
        subscription = topic.addListener(byte[].class, (ch, message) -> onMessage(message));
      } catch (RuntimeException e) {
        throw fault("subscribing to the changes of cache " + cacheName, e, false);
      }
    }
  }

  private void unsubscribe() {
    synchronized (subscriptionLock) {
      Integer id = subscription;
      subscription = null;
      if (id != null) {
        try {
          topic.removeListener(id);
        } catch (RuntimeException e) {
          LOG.debug("Cache {}: could not unsubscribe from {}", cacheName, where, e);
        }
      }
    }
  }

  /** The client's Redisson client was shut down by a disconnect: its subscription went with it. */
  void disconnected() {
    synchronized (subscriptionLock) {
      subscription = null;
    }
  }

  /** The client connected again: the channel on the new Redisson client, heard again if it was. */
  void reconnected(RedisStoreClient.Connection connection) {
    if (channelName == null) {
      return;
    }
    synchronized (subscriptionLock) {
      topic = connection.redisson().getTopic(channelName, ByteArrayCodec.INSTANCE);
      if (heard) {
        try {
          subscribe();
        } catch (RuntimeException e) {
          LOG.warn("Cache {}: could not hear other JVMs' changes again after reconnecting to {}", cacheName, where, e);
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
    if (channelName != null && client.isConnected()) {
      unsubscribe();
    }
  }

  @Override
  public boolean isConnected() {
    if (!client.isConnected()) {
      return false;
    }
    try {
      script().eval(RScript.Mode.READ_ONLY, "return 1", RScript.ReturnType.LONG);
      return true;
    } catch (RuntimeException e) {
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

  /** Counted on this cache's calls: the commands, script calls and pipelines per master it sent, and those that failed. */
  @Override
  public StoreTraffic traffic() {
    return counters.traffic();
  }

  /** {@code used_memory} of {@code INFO memory}, summed over the masters: the servers' figure, not this cache's. */
  @Override
  public StoreMemory memory(Duration timeout) {
    return new StoreMemory(null, client.usedMemory(timeout));
  }

  @Override
  public String toString() {
    return "RedisStore[" + cacheName + " at " + where + "]";
  }
}
