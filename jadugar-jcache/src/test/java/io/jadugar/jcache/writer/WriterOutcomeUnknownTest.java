package io.jadugar.jcache.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jadugar.jcache.spi.OutcomeUnknownException;
import io.jadugar.jcache.testing.AllStores;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A writer that fails can say whether it may have taken the change all the same (a timeout): with an
 * {@link OutcomeUnknownException} as the cause, the cache drops the key's entry (a miss is never
 * older than the writer's value); with any other failure it keeps the entry unchanged, as JSR-107
 * says. On every store, for put, remove, putAll and removeAll.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WriterOutcomeUnknownTest {

  @RegisterExtension
  static final AllStores.PerClass stores = AllStores.perClass("writer-unknown");

  /** Fails every call whose key starts with "unsure" as of unknown outcome, "refused" plainly (not while seeding). */
  public static final class FailingWriter implements CacheWriter<String, String> {
    private static void check(Object key) {
      if (SEEDING.get()) {
        return;
      }
      String k = String.valueOf(key);
      if (k.startsWith("unsure")) {
        throw new CacheWriterException("timed out", new OutcomeUnknownException("sent, not confirmed", null));
      }
      if (k.startsWith("refused")) {
        throw new CacheWriterException("refused");
      }
    }

    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      check(entry.getKey());
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      entries.removeIf(e -> !String.valueOf(e.getKey()).startsWith("unsure")
          && !String.valueOf(e.getKey()).startsWith("refused"));
      if (!entries.isEmpty()) {
        check(entries.stream().anyMatch(e -> e.getKey().startsWith("unsure")) ? "unsure" : "refused");
      }
    }

    @Override
    public void delete(Object key) {
      check(key);
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      keys.removeIf(k -> !String.valueOf(k).startsWith("unsure") && !String.valueOf(k).startsWith("refused"));
      if (!keys.isEmpty()) {
        check(keys.stream().anyMatch(k -> String.valueOf(k).startsWith("unsure")) ? "unsure" : "refused");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void aFailureOfUnknownOutcomeDropsTheEntryAnyOtherLeavesItUnchanged(String store) {
    CacheManager m = stores.manager(store);
    m.destroyCache("unknown");
    Cache<String, String> c = m.createCache("unknown", new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class).setWriteThrough(true)
        .setCacheWriterFactory(FactoryBuilder.factoryOf(FailingWriter.class)));
    seed(c);

    assertThrows(CacheWriterException.class, () -> c.put("unsure-put", "new"));
    assertNull(c.get("unsure-put"), store + ": dropped, the writer may hold 'new'");
    assertThrows(CacheWriterException.class, () -> c.put("refused-put", "new"));
    assertEquals("old", c.get("refused-put"), store + ": a refused write leaves the cache unchanged");

    assertThrows(CacheWriterException.class, () -> c.remove("unsure-remove"));
    assertNull(c.get("unsure-remove"), store + ": dropped, the writer may have deleted it");
    assertThrows(CacheWriterException.class, () -> c.remove("refused-remove"));
    assertEquals("old", c.get("refused-remove"), store);

    assertThrows(CacheWriterException.class, () -> c.putAll(Map.of("unsure-batch", "new", "ok-batch", "new")));
    assertNull(c.get("unsure-batch"), store + ": a batch's unsure key is dropped");
    assertEquals("new", c.get("ok-batch"), store + ": what the writer took is written");
    assertThrows(CacheWriterException.class, () -> c.putAll(Map.of("refused-batch", "new")));
    assertEquals("old", c.get("refused-batch"), store);

    assertThrows(CacheWriterException.class, () -> c.removeAll(Set.of("unsure-del")));
    assertNull(c.get("unsure-del"), store);
    assertThrows(CacheWriterException.class, () -> c.removeAll(Set.of("refused-del")));
    assertEquals("old", c.get("refused-del"), store);
  }

  /** Puts "old" under every key the test uses, with the writer's failures switched off for them. */
  private static void seed(Cache<String, String> c) {
    SEEDING.set(true);
    try {
      for (String k : new String[] {"unsure-put", "refused-put", "unsure-remove", "refused-remove", "unsure-batch",
          "refused-batch", "ok-batch", "unsure-del", "refused-del"}) {
        c.put(k, "old");
      }
    } finally {
      SEEDING.set(false);
    }
  }

  private static final ThreadLocal<Boolean> SEEDING = ThreadLocal.withInitial(() -> false);
}
