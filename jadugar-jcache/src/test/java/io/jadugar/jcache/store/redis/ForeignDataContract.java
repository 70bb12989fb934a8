package io.jadugar.jcache.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.ValidityCheck;
import io.jadugar.jcache.spi.EntryMetadata;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.engine.EngineCache;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Another program's list, hash, set, sorted set or stream under one of a cache's keys: every
 * operation treats it as a corrupt entry (a read misses, a write replaces it), none fails with
 * WRONGTYPE. Run on a single server and on a Cluster by the subclasses.
 */
abstract class ForeignDataContract {

  /** The Redis types a string-only cache can find under its keys. */
  private static final List<String> TYPES = List.of("list", "hash", "set", "zset", "stream");

  private JadugarCachingProvider provider;
  private CacheManager manager;

  /** The server (or a Cluster node) that redis-cli writes the foreign data through. */
  abstract RedisServer node();

  /** Arguments that make redis-cli reach the key's owner ({@code -c} on a Cluster). */
  abstract List<String> cliMode();

  /** The cache manager's settings: the server's or the Cluster's address. */
  abstract Properties settings();

  @BeforeEach
  void open() {
    provider = new JadugarCachingProvider();
    Properties p = settings();
    p.setProperty("jadugar.prefix", "f:");
    manager = provider.getCacheManager(URI.create("jadugar:" + getClass().getSimpleName()),
        getClass().getClassLoader(), p);
  }

  @AfterEach
  void close() {
    provider.close();
  }

  private Cache<String, String> cache(String name) {
    return manager.createCache(name, new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class).setStatisticsEnabled(true));
  }

  private String cli(String... args) throws IOException {
    List<String> all = new java.util.ArrayList<>(cliMode());
    all.addAll(List.of(args));
    return node().cli(all.toArray(new String[0])).trim();
  }

  /** Writes a value of {@code type} under the Redis key of string key {@code key} in cache {@code cache}. */
  private void foreign(String cache, String key, String type) throws IOException {
    String rk = "f:" + cache + ":s" + key;
    cli("DEL", rk);
    switch (type) {
      case "list" -> cli("RPUSH", rk, "a", "b");
      case "hash" -> cli("HSET", rk, "field", "value");
      case "set" -> cli("SADD", rk, "a");
      case "zset" -> cli("ZADD", rk, "1", "a");
      case "stream" -> cli("XADD", rk, "*", "field", "value");
      default -> throw new IllegalArgumentException(type);
    }
    assertEquals(type, type(cache, key));
  }

  private String type(String cache, String key) throws IOException {
    return cli("TYPE", "f:" + cache + ":s" + key);
  }

  private static long corrupt(Cache<?, ?> c) {
    return c.unwrap(EngineCache.class).statistics().getCorruptEntries();
  }

  @Test
  void getIsACountedMissThatDropsTheForeignValue() throws Exception {
    Cache<String, String> c = cache("get");
    for (String t : TYPES) {
      foreign("get", t, t);
      long before = corrupt(c);
      assertNull(c.get(t), t);
      assertEquals(before + 1, corrupt(c), t + " counted as corrupt");
      assertEquals("none", type("get", t), t + " dropped");
    }
  }

  /**
   * A check that declares a lookup (on one server the entry and its records are then read by one
   * script): foreign data under the entry's key is a counted miss, dropped; under a listed record's
   * key it is no record, so the entry is invalid.
   */
  @Test
  void aReadWithALookupTakesForeignDataForCorruptOrAbsent() throws Exception {
    Cache<String, String> c = cache("along");
    Cache<String, Long> records = manager.createCache("along-records",
        new MutableConfiguration<String, Long>().setTypes(String.class, Long.class));
    c.unwrap(JadugarCache.class).addValidityCheck(new ValidityCheck() {
      @Override
      public boolean isValid(EntryMetadata metadata) {
        return Long.valueOf(1).equals(records.get(metadata.values().get("list")));
      }

      @Override
      public Lookup lookup() {
        return new Lookup("list", records);
      }

      @Override
      public boolean isValid(EntryMetadata metadata, Map<String, Object> along) {
        String name = metadata.values().get("list");
        return along.containsKey(name) ? Long.valueOf(1).equals(along.get(name)) : isValid(metadata);
      }
    });
    records.put("r", 1L);
    @SuppressWarnings("unchecked")
    JadugarCache<String, String> vendor = c.unwrap(JadugarCache.class);
    vendor.put("k", "v", EntryOptions.NONE.withMetadata("list", "r"));
    assertEquals("v", c.get("k"), "valid while its record holds");
    for (String t : TYPES) {
      foreign("along", t, t);
      long before = corrupt(c);
      assertNull(c.get(t), t);
      assertEquals(before + 1, corrupt(c), t + " counted as corrupt");
      assertEquals("none", type("along", t), t + " dropped");
    }
    foreign("along-records", "r", "list");
    assertNull(c.get("k"), "a foreign value under the record's key is no record");
    records.put("r", 1L);
    vendor.put("k", "v", EntryOptions.NONE.withMetadata("list", "r"));
    assertEquals("v", c.get("k"), "valid again with its record");
  }

  @Test
  void containsKeySaysNoAndDropsIt() throws Exception {
    Cache<String, String> c = cache("contains");
    for (String t : TYPES) {
      foreign("contains", t, t);
      // present means get would return it
      assertFalse(c.containsKey(t), t);
      assertEquals("none", type("contains", t), t + " dropped");
    }
  }

  @Test
  void putAndGetAndPutOverwriteIt() throws Exception {
    Cache<String, String> c = cache("put");
    for (String t : TYPES) {
      foreign("put", t, t);
      c.put(t, "v");
      assertEquals("string", type("put", t));
      assertEquals("v", c.get(t));
      foreign("put", t, t);
      assertNull(c.getAndPut(t, "w"), t);
      assertEquals("w", c.get(t));
    }
  }

  @Test
  void aQuietOrExpiringCachesPutOverwritesIt() throws Exception {
    Cache<String, String> quiet = manager.createCache("quiet", new JadugarConfiguration<String, String>()
        .setSetting("jadugar.redis.events", "false").setTypes(String.class, String.class));
    Cache<String, String> expiring = manager.createCache("expiring", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 5))));
    for (String t : TYPES) {
      foreign("quiet", t, t);
      quiet.put(t, "v");
      assertEquals("v", quiet.get(t));
      foreign("expiring", t, t);
      expiring.put(t, "v");
      assertEquals("v", expiring.get(t));
      foreign("quiet", t, t);
      foreign("expiring", t, t);
      quiet.putAll(Map.of(t, "w", "other", "o"));
      expiring.putAll(Map.of(t, "w", "other", "o"));
      assertEquals("w", quiet.get(t));
      assertEquals("w", expiring.get(t));
    }
  }

  @Test
  void putAllOverwritesIt() throws Exception {
    Cache<String, String> c = cache("putall");
    for (String t : TYPES) {
      foreign("putall", t, t);
      c.putAll(Map.of(t, "one"));
      assertEquals("one", c.get(t));
      foreign("putall", t, t);
      Map<String, String> many = new LinkedHashMap<>();
      many.put(t, "many");
      for (int i = 0; i < 10; i++) {
        many.put("n" + i, "v" + i);
      }
      c.putAll(many);
      assertEquals(many, c.getAll(many.keySet()));
    }
  }

  @Test
  void putIfAbsentTakesItForAbsent() throws Exception {
    Cache<String, String> c = cache("absent");
    for (String t : TYPES) {
      foreign("absent", t, t);
      assertTrue(c.putIfAbsent(t, "v"), t);
      assertEquals("v", c.get(t));
      assertFalse(c.putIfAbsent(t, "w"));
    }
  }

  @Test
  void replaceFindsNothingToReplaceAndDropsIt() throws Exception {
    Cache<String, String> c = cache("replace");
    for (String t : TYPES) {
      foreign("replace", t, t);
      assertFalse(c.replace(t, "v"), t);
      assertEquals("none", type("replace", t));
      foreign("replace", t, t);
      assertFalse(c.replace(t, "a", "v"), t);
      foreign("replace", t, t);
      assertNull(c.getAndReplace(t, "v"), t);
      c.put(t, "v");
      assertTrue(c.replace(t, "v", "w"));
      assertEquals("w", c.get(t));
    }
  }

  @Test
  void invokeSeesNoEntryAndMayWriteOne() throws Exception {
    Cache<String, String> c = cache("invoke");
    for (String t : TYPES) {
      foreign("invoke", t, t);
      assertEquals("absent", c.invoke(t, (e, args) -> e.exists() ? "present" : "absent"));
      foreign("invoke", t, t);
      c.invoke(t, (e, args) -> {
        e.setValue("set by invoke");
        return null;
      });
      assertEquals("set by invoke", c.get(t));
      foreign("invoke", t, t);
      c.invoke(t, (e, args) -> {
        e.remove();
        return null;
      });
      assertEquals("none", type("invoke", t));
    }
  }

  @Test
  void removeFindsNothingAndDropsIt() throws Exception {
    Cache<String, String> c = cache("remove");
    for (String t : TYPES) {
      foreign("remove", t, t);
      assertFalse(c.remove(t), t);
      assertEquals("none", type("remove", t));
      foreign("remove", t, t);
      assertNull(c.getAndRemove(t));
      assertEquals("none", type("remove", t));
      foreign("remove", t, t);
      assertFalse(c.remove(t, "v"));
    }
  }

  @Test
  void getAllMissesItAndReadsTheRest() throws Exception {
    Cache<String, String> c = cache("getall");
    c.put("ok", "fine");
    for (String t : TYPES) {
      foreign("getall", t, t);
    }
    Set<String> keys = new HashSet<>(TYPES);
    keys.add("ok");
    assertEquals(Map.of("ok", "fine"), c.getAll(keys));
  }

  @Test
  void iterationSkipsAndDropsItAndSeesTheRest() throws Exception {
    Cache<String, String> c = cache("iter");
    Map<String, String> mine = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      mine.put("k" + i, "v" + i);
    }
    c.putAll(mine);
    for (String t : TYPES) {
      foreign("iter", t, t);
    }
    Map<String, String> seen = new HashMap<>();
    c.forEach(e -> seen.put(e.getKey(), e.getValue()));
    assertEquals(mine, seen);
    for (String t : TYPES) {
      assertEquals("none", type("iter", t), t + " dropped as corrupt when iterated over");
    }
  }

  @Test
  void removeAllAndClearTakeItAway() throws Exception {
    Cache<String, String> c = cache("removeall");
    for (String t : TYPES) {
      foreign("removeall", t, t);
    }
    c.put("mine", "v");
    c.removeAll(Set.of("list", "hash"));
    assertEquals("none", type("removeall", "list"));
    assertEquals("none", type("removeall", "hash"));
    c.removeAll(); // statistics on: a walk of the entries, not a clear
    for (String t : TYPES) {
      assertEquals("none", type("removeall", t), t);
    }
    assertNull(c.get("mine"));
    for (String t : TYPES) {
      foreign("removeall", t, t);
    }
    c.clear();
    for (String t : TYPES) {
      assertEquals("none", type("removeall", t), t);
    }
  }
}
