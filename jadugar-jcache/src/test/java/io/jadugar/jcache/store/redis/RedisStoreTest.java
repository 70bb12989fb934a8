package io.jadugar.jcache.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.engine.EngineCache;
import io.jadugar.jcache.testing.RedisExtension;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Redis store on a real single {@code redis-server}: round trips, expiry in Redis, corruption, iteration. */
class RedisStoreTest {

  @RegisterExtension
  static final RedisExtension REDIS = RedisExtension.single();
  private JadugarCachingProvider provider;
  private CacheManager manager;

  @BeforeEach
  void open() {
    provider = new JadugarCachingProvider();
    Properties p = new Properties();
    p.setProperty("jadugar.prefix", "t:");
    p.setProperty("jadugar.redis.expiry-grace", "0ms");
    manager = provider.getCacheManager(URI.create(REDIS.server().address()), getClass().getClassLoader(), p);
  }

  @AfterEach
  void close() {
    provider.close();
  }

  private Cache<String, String> cache(String name) {
    return manager.createCache(name, new MutableConfiguration<String, String>().setTypes(String.class, String.class)
        .setStatisticsEnabled(true));
  }

  @Test
  void putGetRemoveLiveInRedisUnderTheNamespace() throws Exception {
    Cache<String, String> c = cache("basic");
    c.put("k", "v");
    assertEquals("v", c.get("k"));
    assertEquals("1", REDIS.server().cli("EXISTS", "t:basic:sk").trim());
    assertTrue(c.putIfAbsent("k2", "v2"));
    assertTrue(c.replace("k2", "v2", "v3"));
    assertEquals("v3", c.getAndRemove("k2"));
    Set<String> keys = new HashSet<>();
    c.forEach(e -> keys.add(e.getKey()));
    assertEquals(Set.of("k"), keys);
    c.clear();
    assertNull(c.get("k"));
    assertEquals("0", REDIS.server().cli("EXISTS", "t:basic:sk").trim());
  }

  @Test
  void getAllOfHundredKeysIsOneRoundTrip() throws Exception {
    Cache<String, String> c = cache("batch");
    Map<String, String> all = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      all.put("k" + i, "v" + i);
    }
    c.putAll(all);
    long mget = REDIS.server().calls("mget");
    long get = REDIS.server().calls("get");
    long evals = REDIS.server().calls("evalsha") + REDIS.server().calls("eval");
    Map<String, String> got = c.getAll(all.keySet());
    assertEquals(all, got);
    assertEquals(mget + 1, REDIS.server().calls("mget"), "one MGET");
    assertEquals(get, REDIS.server().calls("get"), "no single GET");
    assertEquals(evals, REDIS.server().calls("evalsha") + REDIS.server().calls("eval"), "no script");
  }

  @Test
  void putAllOfHundredKeysIsOneScriptCall() throws Exception {
    Cache<String, String> c = cache("bulk");
    c.put("warm", "up"); // the first call of the script may load it
    c.put("k0", "old");
    Map<String, String> all = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      all.put("k" + i, "v" + i);
    }
    long evalsha = REDIS.server().calls("evalsha");
    long eval = REDIS.server().calls("eval");
    long publish = REDIS.server().calls("publish");
    c.putAll(all);
    assertEquals(evalsha + 1, REDIS.server().calls("evalsha"), "one script call for the whole batch");
    assertEquals(eval, REDIS.server().calls("eval"));
    assertEquals(publish + 1, REDIS.server().calls("publish"), "the changes are published, in one message");
    assertEquals(all, c.getAll(all.keySet()));
    // the entries are ordinary versioned values: CAS operations work on them
    assertTrue(c.replace("k7", "v7", "w7"));
    assertEquals("w7", c.get("k7"));
  }

  @Test
  void putsLoadTheirScriptAgainAfterAFlush() throws Exception {
    Cache<String, String> c = cache("flushed");
    c.put("k", "v");
    REDIS.server().cli("SCRIPT", "FLUSH");
    c.put("k", "w");
    assertEquals("w", c.get("k"));
    REDIS.server().cli("SCRIPT", "FLUSH");
    c.putAll(Map.of("a", "1", "b", "2"));
    assertEquals(Map.of("a", "1", "b", "2"), c.getAll(Set.of("a", "b")));
  }

  @Test
  void aLargePutAllIsAFewScriptCallsInOneBatch() throws Exception {
    Cache<String, String> c = cache("large");
    c.put("warm", "up");
    Map<String, String> all = new HashMap<>();
    for (int i = 0; i < 1200; i++) {
      all.put("k" + i, "v" + i);
    }
    long evalsha = REDIS.server().calls("evalsha");
    long publish = REDIS.server().calls("publish");
    c.putAll(all);
    assertEquals(evalsha + 3, REDIS.server().calls("evalsha"), "500 keys a call");
    assertEquals(publish + 3, REDIS.server().calls("publish"), "a message a call");
    assertEquals(all, c.getAll(all.keySet()));
  }

  @Test
  void aQuietCacheWritesPlainValuesThatCasStillHandles() throws Exception {
    Cache<String, String> c = manager.createCache("plain", new io.jadugar.jcache.configuration.JadugarConfiguration<String, String>()
        .setSetting("jadugar.redis.events", "false").setTypes(String.class, String.class));
    c.put("warm", "up");
    long evalsha = REDIS.server().calls("evalsha");
    long eval = REDIS.server().calls("eval");
    long set = REDIS.server().calls("set");
    c.put("k", "v");
    assertEquals(evalsha, REDIS.server().calls("evalsha"), "no script for a put nobody hears of");
    assertEquals(eval, REDIS.server().calls("eval"));
    assertEquals(set + 1, REDIS.server().calls("set"), "one plain SET");
    assertEquals("v", c.get("k"));
    assertTrue(c.replace("k", "v", "w"));
    assertTrue(c.remove("k", "w"));
    assertNull(c.get("k"));
    Map<String, String> all = new HashMap<>();
    for (int i = 0; i < 50; i++) {
      all.put("k" + i, "v" + i);
    }
    c.putAll(all);
    assertEquals(all, c.getAll(all.keySet()));
    assertEquals("v3", c.getAndPut("k3", "x"));
    assertEquals("x", c.get("k3"));
  }

  @Test
  void aQuietCachesExpiringPutLivesInRedisForItsTime() throws Exception {
    Cache<String, String> c = manager.createCache("plainexp", new io.jadugar.jcache.configuration.JadugarConfiguration<String, String>()
        .setSetting("jadugar.redis.events", "false").setTypes(String.class, String.class)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 2000))));
    c.put("k", "v");
    c.putAll(Map.of("k2", "v2"));
    assertEquals("v", c.get("k"));
    for (String k : new String[] {"t:plainexp:sk", "t:plainexp:sk2"}) {
      long pttl = Long.parseLong(REDIS.server().cli("PTTL", k).trim());
      assertTrue(pttl > 0 && pttl <= 2000, k + " PTTL " + pttl);
    }
    Thread.sleep(2300);
    assertNull(c.get("k"));
    assertEquals("0", REDIS.server().cli("EXISTS", "t:plainexp:sk").trim());
    assertEquals("0", REDIS.server().cli("EXISTS", "t:plainexp:sk2").trim());
  }

  @Test
  void asciiAndOtherKeysKeepTheirRedisNames() throws Exception {
    Cache<String, String> c = cache("names");
    Map<String, String> all = Map.of("plain", "1", "ключ", "2", "#hash", "3", "", "4");
    c.putAll(all);
    c.put("one more", "5");
    assertEquals("1", REDIS.server().cli("EXISTS", "t:names:splain").trim());
    assertEquals("1", REDIS.server().cli("EXISTS", "t:names:sключ").trim());
    assertEquals("1", REDIS.server().cli("EXISTS", "t:names:s#hash").trim());
    assertEquals("1", REDIS.server().cli("EXISTS", "t:names:s").trim());
    assertEquals("1", REDIS.server().cli("EXISTS", "t:names:sone more").trim());
    Map<String, String> seen = new HashMap<>();
    c.forEach(e -> seen.put(e.getKey(), e.getValue()));
    Map<String, String> expected = new HashMap<>(all);
    expected.put("one more", "5");
    assertEquals(expected, seen);
    assertEquals(expected, c.getAll(expected.keySet()));
  }

  @Test
  void expiryLivesInRedis() throws Exception {
    Cache<String, String> c = manager.createCache("expiring", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 400))));
    c.put("k", "v");
    long pttl = Long.parseLong(REDIS.server().cli("PTTL", "t:expiring:sk").trim());
    assertTrue(pttl > 0 && pttl <= 400, "PTTL " + pttl);
    Thread.sleep(700);
    // nobody read it: Redis dropped it on its own
    assertEquals("0", REDIS.server().cli("EXISTS", "t:expiring:sk").trim());
  }

  @Test
  void aCacheWhoseNameExtendsAnothersStaysApart() throws Exception {
    Cache<String, String> a = cache("a");
    Cache<String, String> ab = cache("a:b");
    a.put("k", "of a");
    ab.put("k", "of a:b");
    assertEquals("1", REDIS.server().cli("EXISTS", "t:a%3Ab:sk").trim());
    Set<String> seen = new HashSet<>();
    a.forEach(e -> seen.add(e.getKey() + "=" + e.getValue()));
    assertEquals(Set.of("k=of a"), seen);
    a.clear();
    assertNull(a.get("k"));
    assertEquals("of a:b", ab.get("k"));
    assertEquals(0, a.unwrap(EngineCache.class).statistics().getCorruptEntries());
  }

  @Test
  void eventsCanBeSwitchedOffPerCache() throws Exception {
    Cache<String, String> quiet = manager.createCache("quiet", new io.jadugar.jcache.configuration.JadugarConfiguration<String, String>()
        .setSetting("jadugar.redis.events", "false").setTypes(String.class, String.class));
    Cache<String, String> loud = cache("loud");
    assertTrue(REDIS.server().cli("PUBSUB", "NUMSUB", "jadugar-events:t:quiet:").trim().endsWith("0"));
    long publish = REDIS.server().calls("publish");
    quiet.put("k", "v");
    assertEquals(publish, REDIS.server().calls("publish"), "no message from a quiet cache");
    loud.put("k", "v");
    assertEquals(publish + 1, REDIS.server().calls("publish"));
  }

  @Test
  void aCacheHearsOtherClientsOnlyWhileItHasListeners() throws Exception {
    String channel = "jadugar-events:t:heard:";
    Cache<String, Integer> here = manager.createCache("heard", new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class));
    // nobody here listens: its own changes are not echoed back to it
    assertTrue(REDIS.server().cli("PUBSUB", "NUMSUB", channel).trim().endsWith("0"), "not subscribed");
    Properties p = new Properties();
    p.setProperty("jadugar.prefix", "t:");
    CacheManager second = provider.getCacheManager(URI.create(REDIS.server().address() + "/second"),
        getClass().getClassLoader(), p);
    Cache<String, Integer> there = second.createCache("heard", new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class));
    long publish = REDIS.server().calls("publish");
    there.put("a", 0);
    assertEquals(publish + 1, REDIS.server().calls("publish"), "a writer publishes whether or not anyone listens");

    RedisCrossJvmTest.Recorder.HEARD.clear();
    MutableCacheEntryListenerConfiguration<String, Integer> listener = new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(RedisCrossJvmTest.Recorder.class), null, true, true);
    here.registerCacheEntryListener(listener);
    // subscribed by the time registration returns: the very next change is heard
    assertTrue(REDIS.server().cli("PUBSUB", "NUMSUB", channel).trim().endsWith("1"), "subscribed");
    there.put("k", 1);
    there.putAll(Map.of("k", 2));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (RedisCrossJvmTest.Recorder.HEARD.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(List.of("CREATED k=1 old=null", "UPDATED k=2 old=1"), RedisCrossJvmTest.Recorder.HEARD);

    here.deregisterCacheEntryListener(listener);
    assertTrue(REDIS.server().cli("PUBSUB", "NUMSUB", channel).trim().endsWith("0"), "unsubscribed");
    here.registerCacheEntryListener(listener);
    assertTrue(REDIS.server().cli("PUBSUB", "NUMSUB", channel).trim().endsWith("1"), "subscribed again");
    there.remove("k");
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (RedisCrossJvmTest.Recorder.HEARD.size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals("REMOVED k=2 old=2", RedisCrossJvmTest.Recorder.HEARD.get(2));
  }

  /** Records created and updated events of String values, as text. */
  public static final class TextRecorder implements javax.cache.event.CacheEntryCreatedListener<String, String>,
      javax.cache.event.CacheEntryUpdatedListener<String, String>, java.io.Serializable {
    static final List<String> HEARD = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void onCreated(Iterable<javax.cache.event.CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(e -> HEARD.add("CREATED " + e.getKey() + "=" + e.getValue() + " old=" + e.getOldValue()));
    }

    @Override
    public void onUpdated(Iterable<javax.cache.event.CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(e -> HEARD.add("UPDATED " + e.getKey() + "=" + e.getValue() + " old=" + e.getOldValue()));
    }
  }

  @Test
  void anotherClientsPutAllIsHeardEntryByEntryWithTheReplacedValues() throws Exception {
    TextRecorder.HEARD.clear();
    manager.createCache("bulkheard", new MutableConfiguration<String, String>().setTypes(String.class, String.class)
        .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
            FactoryBuilder.factoryOf(TextRecorder.class), null, true, true)));
    Properties p = new Properties();
    p.setProperty("jadugar.prefix", "t:");
    CacheManager second = provider.getCacheManager(URI.create(REDIS.server().address() + "/writer"),
        getClass().getClassLoader(), p);
    // the writer's entries expire (SET PXAT each), values of every MessagePack string size
    Cache<String, String> there = second.createCache("bulkheard", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 5))));
    String mid = "m".repeat(300);
    String big = "b".repeat(70_000);
    there.put("x1", "small");
    there.put("x2", mid);
    there.put("x3", big);
    // an entry whose time has passed but which Redis still holds counts as created, not updated
    CacheManager third = provider.getCacheManager(URI.create(REDIS.server().address() + "/short"),
        getClass().getClassLoader(), p);
    third.createCache("bulkheard", new MutableConfiguration<String, String>().setTypes(String.class, String.class)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 50))))
        .put("x4", "stale");
    Thread.sleep(200);
    assertEquals("1", REDIS.server().cli("EXISTS", "t:bulkheard:sx4").trim(), "kept for the grace period");
    Map<String, String> all = new java.util.LinkedHashMap<>();
    all.put("x1", mid);
    all.put("x2", big);
    all.put("x3", "small");
    all.put("x4", "fresh");
    for (int i = 0; i < 20; i++) {
      all.put("n" + i, "v" + i);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (TextRecorder.HEARD.size() < 4 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    TextRecorder.HEARD.clear();
    long publish = REDIS.server().calls("publish");
    there.putAll(all);
    assertEquals(publish + 1, REDIS.server().calls("publish"), "one message for the whole putAll");
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (TextRecorder.HEARD.size() < all.size() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Set<String> expected = new HashSet<>();
    expected.add("UPDATED x1=" + mid + " old=small");
    expected.add("UPDATED x2=" + big + " old=" + mid);
    expected.add("UPDATED x3=small old=" + big);
    expected.add("CREATED x4=fresh old=null");
    for (int i = 0; i < 20; i++) {
      expected.add("CREATED n" + i + "=v" + i + " old=null");
    }
    assertEquals(all.size(), TextRecorder.HEARD.size());
    assertEquals(expected, new HashSet<>(TextRecorder.HEARD));
    long pttl = Long.parseLong(REDIS.server().cli("PTTL", "t:bulkheard:sn3").trim());
    assertTrue(pttl > 290_000, "PTTL " + pttl);
  }

  @Test
  void scriptsAreCalledBySha() throws Exception {
    Cache<String, String> c = cache("sha");
    c.put("warm", "up"); // the first call of each script may load it
    long evalsha = REDIS.server().calls("evalsha");
    long eval = REDIS.server().calls("eval");
    for (int i = 0; i < 20; i++) {
      c.put("k" + i, "v");
      assertTrue(c.replace("k" + i, "v", "w"));
    }
    assertTrue(REDIS.server().calls("evalsha") >= evalsha + 40, "EVALSHA for every write");
    assertEquals(eval, REDIS.server().calls("eval"), "no script text sent again");
  }

  @Test
  void theDatabaseNumberIsHonoured() throws Exception {
    Properties p = new Properties();
    p.setProperty("jadugar.redis.database", "3");
    CacheManager m = provider.getCacheManager(URI.create(REDIS.server().address() + "/db3"), getClass().getClassLoader(), p);
    Cache<String, String> c = m.createCache("db", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class));
    c.put("k", "v");
    assertEquals("1", REDIS.server().cli("-n", "3", "EXISTS", "db:sk").trim());
    assertEquals("0", REDIS.server().cli("-n", "0", "EXISTS", "db:sk").trim());
  }

  @Test
  void corruptBytesAreACountedMiss() throws Exception {
    Cache<String, String> c = cache("corrupt");
    c.put("k", "v");
    // a valid header (version, eternal expiry) before garbage, and garbage with no header at all
    REDIS.server().cli("SET", "t:corrupt:sk", "12345678" + "\u007f\u007f\u007f\u007f\u007f\u007f\u007f\u007f" + "garbage!");
    REDIS.server().cli("SET", "t:corrupt:sk2", "xx");
    assertNull(c.get("k"));
    assertNull(c.get("k2"));
    assertEquals(2, c.unwrap(EngineCache.class).statistics().getCorruptEntries());
    assertEquals(2, c.unwrap(EngineCache.class).statistics().getCacheMisses());
    // each corrupt entry was dropped (its version still held), so the next read is a plain miss
    assertEquals("0", REDIS.server().cli("EXISTS", "t:corrupt:sk").trim());
    assertEquals("0", REDIS.server().cli("EXISTS", "t:corrupt:sk2").trim());
    REDIS.server().cli("SET", "t:corrupt:sk3", "twelve bytes");
    assertNull(c.get("k3"));
    assertEquals("0", REDIS.server().cli("EXISTS", "t:corrupt:sk3").trim());
    assertEquals(3, c.unwrap(EngineCache.class).statistics().getCorruptEntries());
    c.put("k", "fine");
    assertEquals("fine", c.get("k"));
  }
}
