package io.jadugar.extensions.tags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreEntry;
import io.jadugar.jcache.testing.AllStores;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tags on every store, in one JVM: invalidation reaches every standard read, a later write is
 * valid, a lost tag record invalidates, keysByTag is exact and its index goes with the entries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TagsTest {

  @RegisterExtension
  static final AllStores.PerClass stores = AllStores.perClass("tags");

  /** A fresh cache named {@code name} on {@code store}, with its companions emptied. */
  private Cache<String, String> cache(String store, String name, MutableConfiguration<String, String> config) {
    CacheManager m = stores.manager(store);
    m.destroyCache(name);
    m.destroyCache(name + TagManager.RECORDS_SUFFIX);
    m.destroyCache(name + TagManager.INDEX_SUFFIX);
    return m.createCache(name, config.setTypes(String.class, String.class));
  }

  private Cache<String, String> cache(String store, String name) {
    return cache(store, name, new JadugarConfiguration<>());
  }

  @ParameterizedTest
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void anInvalidatedTagMakesEveryStandardReadMiss(String store) {
    Cache<String, String> cache = cache(store, "tag-reads");
    TagManager<String, String> tags = TagManager.of(cache);
    Cache<String, String> ab = tags.tags("a", "b");
    Map<String, Consumer<Cache<String, String>>> reads = new LinkedHashMap<>();
    reads.put("get", c -> assertNull(c.get("k")));
    reads.put("getAll", c -> assertEquals(Map.of("other", "o"), c.getAll(Set.of("k", "other"))));
    reads.put("containsKey", c -> assertFalse(c.containsKey("k")));
    reads.put("iterator", c -> {
      Map<String, String> seen = new HashMap<>();
      c.forEach(e -> seen.put(e.getKey(), e.getValue()));
      assertEquals(Map.of("other", "o"), seen);
    });
    reads.put("invoke", c -> assertEquals(Boolean.FALSE, c.invoke("k", (e, a) -> e.exists())));
    reads.put("getAndPut", c -> assertNull(c.getAndPut("k", "new")));
    reads.put("getAndRemove", c -> assertNull(c.getAndRemove("k")));
    reads.put("replace", c -> assertFalse(c.replace("k", "x")));
    reads.put("replace(k, old, new)", c -> assertFalse(c.replace("k", "v", "x")));
    reads.put("getAndReplace", c -> assertNull(c.getAndReplace("k", "x")));
    reads.put("remove(k, v)", c -> assertFalse(c.remove("k", "v")));
    reads.put("putIfAbsent", c -> assertTrue(c.putIfAbsent("k", "fresh")));
    reads.put("getEntry", c -> assertNull(c.unwrap(JadugarCache.class).getEntry("k")));
    for (Map.Entry<String, Consumer<Cache<String, String>>> read : reads.entrySet()) {
      String what = store + ", " + read.getKey();
      cache.clear();
      ab.put("k", "v");
      tags.tags("b").put("other", "o");
      assertEquals("v", cache.get("k"), what + ": valid before");
      tags.invalidateTag("a");
      try {
        read.getValue().accept(cache);
        // and through the view, which reads as the cache does
        ab.put("k", "v");
        tags.invalidateTag("a");
        read.getValue().accept(ab);
      } catch (AssertionError e) {
        throw new AssertionError(what + ": " + e.getMessage(), e);
      }
      assertEquals("o", cache.get("other"), what + ": an entry without the tag stays");
    }
  }

  @ParameterizedTest
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void aWriteAfterTheInvalidationIsValidAndEveryWriteOfTheViewCarriesTheTags(String store) {
    Cache<String, String> cache = cache(store, "tag-writes");
    TagManager<String, String> tags = TagManager.of(cache);
    Cache<String, String> a = tags.tags("a");
    a.put("k", "v");
    tags.invalidateTags(Set.of("a", "unused"));
    assertNull(cache.get("k"));
    a.put("k", "v2");
    assertEquals("v2", cache.get("k"), "written after the invalidation");
    assertEquals(Set.of("a"), tags.tagsByKey("k"));
    // every write of the view carries its tags: each is invalidated with the tag
    Map<String, Consumer<Cache<String, String>>> writes = new LinkedHashMap<>();
    writes.put("put", c -> c.put("w", "1"));
    writes.put("getAndPut", c -> c.getAndPut("w", "1"));
    writes.put("putAll", c -> c.putAll(Map.of("w", "1")));
    writes.put("putIfAbsent", c -> assertTrue(c.putIfAbsent("w", "1")));
    writes.put("replace", c -> {
      cache.put("w", "0");
      assertTrue(c.replace("w", "1"));
    });
    writes.put("replace(k, old, new)", c -> {
      cache.put("w", "0");
      assertTrue(c.replace("w", "0", "1"));
    });
    writes.put("getAndReplace", c -> {
      cache.put("w", "0");
      assertEquals("0", c.getAndReplace("w", "1"));
    });
    JadugarCache<String, String> vendor = cache.unwrap(JadugarCache.class);
    writes.put("vendor put with options", c -> vendor.put("w", "1", tags.options(EntryOptions.ttl(Duration.ofMinutes(1)), "a")));
    for (Map.Entry<String, Consumer<Cache<String, String>>> write : writes.entrySet()) {
      String what = store + ", " + write.getKey();
      cache.remove("w");
      write.getValue().accept(a);
      assertEquals("1", cache.get("w"), what);
      assertEquals(Set.of("a"), tags.tagsByKey("w"), what);
      tags.invalidateTag("a");
      assertNull(cache.get("w"), what + ": invalidated with the tag");
    }
    // tag and untag an existing entry: its value and other tags stay
    tags.tags("b").put("t", "x");
    assertTrue(tags.tag("t", "c"));
    assertEquals(Set.of("b", "c"), tags.tagsByKey("t"));
    tags.invalidateTag("b");
    assertNull(cache.get("t"), "the tag it was written with still holds");
    tags.tags("b").put("t", "x");
    assertTrue(tags.untag("t", "b"));
    assertEquals(Set.of(), tags.tagsByKey("t"));
    tags.invalidateTag("b");
    assertEquals("x", cache.get("t"), "untagged");
    assertFalse(tags.tag("absent", "c"));
  }

  @ParameterizedTest
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void aLostTagRecordMakesItsEntriesInvalidForGood(String store) {
    Cache<String, String> cache = cache(store, "tag-lost");
    TagManager<String, String> tags = TagManager.of(cache);
    tags.tags("t").putAll(Map.of("old", "v", "unread", "v"));
    tags.tags("u").put("other", "o");
    assertEquals("v", cache.get("old"));
    // the store drops the record behind the cache's back, as an eviction would
    Cache<String, Long> records = stores.manager(store).getCache("tag-lost" + TagManager.RECORDS_SUFFIX,
        String.class, Long.class);
    Store raw = records.unwrap(Store.class);
    int dropped = 0;
    for (Iterator<StoreEntry> it = raw.iterator(); it.hasNext(); ) {
      dropped += raw.remove(it.next()) ? 1 : 0;
    }
    assertEquals(2, dropped, "the records of t and u were there to drop");
    assertFalse(records.containsKey("jadugar.tag:t"));
    assertNull(cache.get("old"), "no record: invalid, never 'version 0'");
    // a new write creates the record again: the old entry stays invalid, the new one is valid
    tags.tags("t").put("new", "n");
    assertNotNull(records.get("jadugar.tag:t"));
    assertEquals("n", cache.get("new"));
    // not read since the record was lost (a read drops an invalid entry): the record written again
    // must not revive it, as a version counter starting again at 0 would (symfony PR 44015)
    assertNull(cache.get("unread"));
    assertNull(cache.get("old"));
    // the other tag's record was dropped too: its entry is invalid, as it must be
    assertNull(cache.get("other"));
  }

  @ParameterizedTest
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void keysByTagIsExactAndItsIndexGoesWithTheEntries(String store) throws Exception {
    Cache<String, String> cache = cache(store, "tag-keys", new JadugarConfiguration<String, String>()
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(javax.cache.expiry.Duration.ONE_HOUR)));
    TagManager<String, String> tags = TagManager.of(cache);
    tags.tags("x").putAll(Map.of("k1", "1", "k2", "2", "k3", "3"));
    tags.tags("y").put("k4", "4");
    cache.put("k5", "5");
    assertTrue(tags.tag("k5", "x"));
    assertEquals(Set.of("k1", "k2", "k3", "k5"), tags.keysByTag("x"));
    assertEquals(Set.of("k4"), tags.keysByTag("y"));
    cache.remove("k2");
    cache.put("k3", "untagged");
    assertTrue(tags.untag("k5", "x"));
    assertEquals(Set.of("k1"), tags.keysByTag("x"), "removed, rewritten without the tag, untagged");
    Cache<Object, Long> index = stores.manager(store).getCache("tag-keys" + TagManager.INDEX_SUFFIX,
        Object.class, Long.class);
    assertEquals(2, count(index), "keysByTag dropped the index entries that no longer hold: k1 x, k4 y");
    tags.invalidateTag("y");
    assertEquals(Set.of(), tags.keysByTag("y"));
    // entries with a short TTL of their own: their index entries leave the store with them
    tags.tags("z").put("short", "s");
    cache.unwrap(JadugarCache.class).put("short2", "s", tags.options(EntryOptions.ttl(Duration.ofSeconds(1)), "z"));
    tags.tag("short2", "z");
    assertEquals(Set.of("short", "short2"), tags.keysByTag("z"));
    // each index entry expires with the entry it was written for: its memory goes within that entry's TTL
    for (String key : List.of("short", "short2")) {
      java.time.Instant entry = cache.unwrap(JadugarCache.class).getEntry(key).expiresAt();
      java.time.Instant hint = index.unwrap(JadugarCache.class)
          .getEntry(new java.util.ArrayList<>(List.of(TagVersions.name("z"), key))).expiresAt();
      assertTrue(entry != null && hint != null && !hint.isBefore(entry)
          && Duration.between(entry, hint).toMillis() < 1000, store + ": " + key + " expires at " + entry
          + ", its index entry at " + hint);
    }
    Store raw = index.unwrap(Store.class);
    int before = storeSize(raw);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    // the memory store drops an entry within a second of its time plus a 1 s grace; memcached has 1 s steps
    while (storeSize(raw) > before - 1 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertEquals(before - 1, storeSize(raw), "the store itself dropped the index entry of short2 with the entry");
    assertEquals(Set.of("short"), tags.keysByTag("z"));
  }

  @org.junit.jupiter.api.Test
  void theIndexOfABoundedMemoryCacheIsNotBoundedWithIt() throws InterruptedException {
    Cache<String, String> cache = cache("memory", "tag-bounded",
        new JadugarConfiguration<String, String>().setMaximumSize(5));
    TagManager<String, String> tags = TagManager.of(cache);
    Cache<String, String> ab = tags.tags("a", "b");
    for (int i = 0; i < 10; i++) {
      ab.put("k" + i, "v");
    }
    Set<String> live = new java.util.TreeSet<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    // Caffeine evicts in its maintenance, soon after the writes
    do {
      Thread.sleep(50);
      live.clear();
      for (int i = 0; i < 10; i++) {
        if (cache.containsKey("k" + i)) {
          live.add("k" + i);
        }
      }
    } while (live.size() > 5 && System.nanoTime() < deadline);
    assertEquals(5, live.size(), "the cache kept its bound");
    assertEquals(live, new java.util.TreeSet<>(tags.keysByTag("a")), "every live key of the tag, 20 hints for 5 entries");
    assertEquals(live, new java.util.TreeSet<>(tags.keysByTag("b")));
  }

  /** Round trips of {@code cache} and of its tag records so far, as their metrics count them. */
  private long[] roundTrips(String store, Cache<String, String> cache) {
    Cache<String, Long> records = stores.manager(store).getCache(cache.getName() + TagManager.RECORDS_SUFFIX,
        String.class, Long.class);
    return new long[] {cache.unwrap(JadugarCache.class).metrics().roundTrips(),
        records.unwrap(JadugarCache.class).metrics().roundTrips()};
  }

  /** Round trips {@code read} costs: of the cache, of the tag records. */
  private long[] cost(String store, Cache<String, String> cache, Runnable read) {
    long[] before = roundTrips(store, cache);
    read.run();
    long[] after = roundTrips(store, cache);
    return new long[] {after[0] - before[0], after[1] - before[1]};
  }

  @ParameterizedTest
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void aTaggedReadIsOneScriptOnRedisAndOneBatchedReadOfItsRecordsElsewhere(String store) {
    Cache<String, String> cache = cache(store, "tag-cost");
    TagManager<String, String> tags = TagManager.of(cache);
    cache.put("plain", "p");
    tags.tags("a").put("one", "1");
    tags.tags("a", "b").put("two", "2");
    Map<String, String> ten = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      ten.put("k" + i, "v");
    }
    tags.tags("a").putAll(ten);
    // once per server, the first read may load its script (NOSCRIPT: a load and a retry more)
    cache.get("plain");
    long[] plain = cost(store, cache, () -> assertEquals("p", cache.get("plain")));
    long[] one = cost(store, cache, () -> assertEquals("1", cache.get("one")));
    long[] two = cost(store, cache, () -> assertEquals("2", cache.get("two")));
    long[] many = cost(store, cache, () -> assertEquals(10, cache.getAll(ten.keySet()).size()));
    long[] mixed = cost(store, cache,
        () -> assertEquals(Map.of("plain", "p", "one", "1", "two", "2"), cache.getAll(Set.of("plain", "one", "two"))));
    long[] contains = cost(store, cache, () -> assertTrue(cache.containsKey("one")));
    long[] iterate = cost(store, cache, () -> assertEquals(13, count(cache), "plain, one, two, k0..k9"));
    long[] write = cost(store, cache, () -> tags.tags("a").put("w", "w"));
    org.slf4j.LoggerFactory.getLogger(TagsTest.class).info(
        "round trips on {} (cache + tag records): get untagged {}+{}, get 1 tag {}+{}, get 2 tags {}+{}, "
            + "getAll of 10 with 1 tag {}+{}, getAll of 3 with tags a, b {}+{}, containsKey 1 tag {}+{}, "
            + "iteration of 13 with tags a, b {}+{}, put with 1 tag {}+{} (and one write of the key index)",
        store, plain[0], plain[1], one[0], one[1], two[0], two[1], many[0], many[1], mixed[0], mixed[1],
        contains[0], contains[1], iterate[0], iterate[1], write[0], write[1]);
    boolean remote = !store.startsWith("memory");
    // single Redis: one script reads the entry and its tags' records; a cluster keeps the records in
    // other slots, out of the script's reach: there (and on memcached) one read of the records more
    boolean oneScript = store.equals("redis");
    boolean recordsRead = remote && !oneScript;
    assertEquals(plain[0], one[0], store + ": the entry's own read is what an untagged one costs");
    assertEquals(plain[0], two[0], store + ": with two tags too");
    assertEquals(remote ? 1 : 0, plain[0], store + ": an untagged get is one round trip");
    assertEquals(recordsRead ? 1 : 0, one[1], store + ": one tag, " + (recordsRead ? "one read" : "no read") + " of its record");
    // two tags: one batched read, one round trip per server (or partition) their records are on
    assertTrue(recordsRead ? two[1] >= 1 && two[1] <= 2 : two[1] == 0, store + ": two tags, one batched read: " + two[1]);
    // still correct when the records come with the entry: an invalidated tag and a lost record miss
    tags.invalidateTag("b");
    long[] invalid = cost(store, cache, () -> assertNull(cache.get("two"), store + ": invalidated"));
    assertTrue(recordsRead ? invalid[1] >= 1 && invalid[1] <= 2 : invalid[1] == 0,
        store + ": the records of an invalidated entry: " + invalid[1]);
    if (oneScript) {
      assertEquals(2, invalid[0], store + ": the entry's read (one script) and the drop of the invalid entry");
    }
    // the store loses the records behind the cache's back, as an eviction would
    Store raw = stores.manager(store).getCache("tag-cost" + TagManager.RECORDS_SUFFIX, String.class, Long.class)
        .unwrap(Store.class);
    for (Iterator<StoreEntry> it = raw.iterator(); it.hasNext(); ) {
      raw.remove(it.next());
    }
    long[] lostAll = cost(store, cache, () -> assertEquals(Map.of("plain", "p"),
        cache.getAll(Set.of("plain", "k0", "k1")), store + ": getAll of entries whose record is lost"));
    assertEquals(remote ? 1 : 0, lostAll[1], store + ": getAll looked for the lost record once");
    long[] lost = cost(store, cache, () -> assertNull(cache.get("one"), store + ": its record is lost"));
    assertEquals(recordsRead ? 1 : 0, lost[1], store + ": the lost record looked for");
    if (oneScript) {
      assertEquals(2, lost[0], store + ": the entry's read (one script) and the drop of the invalid entry");
    }
    assertEquals("p", cache.get("plain"), store + ": an untagged entry stays");
    // a getAll reads the records of all its entries' tags in one batch, not once per entry
    assertEquals(remote ? 1 : 0, many[1], store + ": getAll of 10 entries of one tag, one read of its record");
    assertTrue(remote ? mixed[1] >= 1 && mixed[1] <= 2 : mixed[1] == 0,
        store + ": getAll of entries of two tags, one batched read of both records: " + mixed[1]);
    assertTrue(remote ? iterate[1] >= 1 && iterate[1] <= 2 : iterate[1] == 0,
        store + ": an iteration reads the records of its entries' tags once per chunk of 100 entries: " + iterate[1]);
    assertEquals(plain[0], contains[0], store + ": containsKey reads the entry as get does");
    assertEquals(recordsRead ? 1 : 0, contains[1], store + ": containsKey, as get: " + contains[1]);
    assertEquals(remote ? 1 : 0, write[1], store + ": a tagged write reads its tags' records once");
  }

  @ParameterizedTest
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void anIterationOverSeveralChunksSkipsExactlyTheInvalidatedEntries(String store) {
    Cache<String, String> cache = cache(store, "tag-iterate");
    TagManager<String, String> tags = TagManager.of(cache);
    Map<String, String> a = new HashMap<>();
    Map<String, String> b = new HashMap<>();
    for (int i = 0; i < 125; i++) {
      a.put("a" + i, "va" + i);
      b.put("b" + i, "vb" + i);
    }
    tags.tags("a").putAll(a);
    tags.tags("b").putAll(b);
    cache.put("plain", "p");
    tags.invalidateTag("a");
    Map<String, String> seen = new HashMap<>();
    cache.forEach(e -> seen.put(e.getKey(), e.getValue()));
    Map<String, String> expected = new HashMap<>(b);
    expected.put("plain", "p");
    // 251 entries: the iteration reads the tag records of its entries in chunks (of 100), which this spans
    assertEquals(expected, seen, store + ": the entries of b and the untagged one, none of a");
  }

  @ParameterizedTest
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void anInvalidationIsOneWriteWhateverTheNumberOfEntries(String store) {
    Cache<String, String> cache = cache(store, "tag-o1");
    TagManager<String, String> tags = TagManager.of(cache);
    Map<String, String> thousand = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      thousand.put("k" + i, "v");
    }
    tags.tags("many").putAll(thousand);
    tags.tags("one").put("single", "v");
    long[] many = cost(store, cache, () -> tags.invalidateTag("many"));
    long[] one = cost(store, cache, () -> tags.invalidateTag("one"));
    long write = store.startsWith("memory") ? 0 : 1;
    assertEquals(List.of(0L, write), List.of(many[0], many[1]), store + ": 1,000 entries: no entry touched, one record written");
    assertEquals(List.of(0L, write), List.of(one[0], one[1]), store + ": one entry: the same");
    assertEquals(Map.of(), cache.getAll(Set.of("k0", "k999", "single")));
  }

  private static int count(Cache<?, ?> cache) {
    int n = 0;
    for (Cache.Entry<?, ?> e : cache) {
      n++;
    }
    return n;
  }

  private static int storeSize(Store store) {
    int n = 0;
    for (Iterator<StoreEntry> it = store.iterator(); it.hasNext(); it.next()) {
      n++;
    }
    return n;
  }
}
