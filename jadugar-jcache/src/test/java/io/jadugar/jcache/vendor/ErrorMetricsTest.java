package io.jadugar.jcache.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.MetricsSnapshot;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.testing.AllStores;
import java.io.Serializable;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.processor.EntryProcessorException;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Errors by kind, on every store, with statistics off (errors are always counted): each failure of
 * the writer, the loader or an entry processor counts once, under its own kind, and nothing else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorMetricsTest {

  @RegisterExtension
  static final AllStores.PerClass stores = AllStores.perClass("error-metrics");

  private JadugarCache<String, String> cache(String store, String name,
      javax.cache.configuration.MutableConfiguration<String, String> config) {
    CacheManager m = stores.manager(store);
    m.destroyCache(name);
    Cache<String, String> c = m.createCache(name, config.setTypes(String.class, String.class));
    return c.unwrap(JadugarCache.class);
  }

  /** The error counts of {@code c} in the order of {@link MetricsSnapshot#ERROR_KINDS}. */
  private static List<Long> errors(JadugarCache<String, String> c) {
    MetricsSnapshot m = c.metrics();
    assertEquals(MetricsSnapshot.ERROR_KINDS, List.copyOf(m.errors().keySet()));
    return List.copyOf(m.errors().values());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void aWriterThatThrowsCountsAsAWriterError(String store) {
    JadugarCache<String, String> c = cache(store, "writer", new JadugarConfiguration<String, String>()
        .setWriteThrough(true).setCacheWriterFactory(FactoryBuilder.factoryOf(RefusingWriter.class)));
    c.put("fine", "v");
    assertEquals(List.of(0L, 0L, 0L, 0L), errors(c));
    assertThrows(CacheWriterException.class, () -> c.put("refused", "v"));
    assertEquals(List.of(0L, 1L, 0L, 0L), errors(c));
    assertThrows(CacheWriterException.class, () -> c.remove("refused"));
    Map<String, String> batch = new LinkedHashMap<>();
    batch.put("fine2", "v"); // written before the writer refuses the next one
    batch.put("refused", "v");
    assertThrows(CacheWriterException.class, () -> c.putAll(batch));
    assertThrows(CacheWriterException.class, () -> c.removeAll(Set.of("refused", "fine")));
    assertEquals(List.of(0L, 4L, 0L, 0L), errors(c));
    assertEquals("v", c.get("fine2"));
    assertNull(c.get("refused"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void aLoaderThatThrowsCountsAsALoaderError(String store) {
    JadugarCache<String, String> c = cache(store, "loader", new JadugarConfiguration<String, String>()
        .setReadThrough(true).setCacheLoaderFactory(FactoryBuilder.factoryOf(RefusingLoader.class)));
    assertEquals("loaded fine", c.get("fine"));
    assertEquals(List.of(0L, 0L, 0L, 0L), errors(c));
    assertThrows(CacheLoaderException.class, () -> c.get("refused"));
    assertEquals(List.of(0L, 0L, 1L, 0L), errors(c));
    assertThrows(CacheLoaderException.class, () -> c.getAll(Set.of("refused", "other")));
    assertEquals(List.of(0L, 0L, 2L, 0L), errors(c));
    // a processor that reads a value the loader fails on: the loader's error, not the processor's
    assertThrows(CacheLoaderException.class, () -> c.invoke("refused", (entry, args) -> entry.getValue()));
    assertEquals(List.of(0L, 0L, 3L, 0L), errors(c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void aProcessorThatThrowsCountsAsAProcessorError(String store) {
    JadugarCache<String, String> c = cache(store, "processor", new JadugarConfiguration<>());
    c.put("k", "v");
    assertEquals("v", c.invoke("k", (entry, args) -> entry.getValue()));
    assertThrows(EntryProcessorException.class, () -> c.invoke("k", (entry, args) -> {
      throw new IllegalStateException("refused");
    }));
    assertEquals(List.of(0L, 0L, 0L, 1L), errors(c));
    // invokeAll reports each failure in its result: each counts
    Map<String, javax.cache.processor.EntryProcessorResult<Object>> results =
        c.invokeAll(Set.of("k", "other"), (entry, args) -> {
          throw new IllegalStateException("refused");
        });
    assertEquals(2, results.size());
    assertEquals(List.of(0L, 0L, 0L, 3L), errors(c));
    assertEquals("v", c.get("k"));
  }

  /** Writes every key but {@code refused}. */
  public static final class RefusingWriter implements CacheWriter<String, String>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      if (entry.getKey().equals("refused")) {
        throw new IllegalStateException("the database refused " + entry.getKey());
      }
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      for (java.util.Iterator<Cache.Entry<? extends String, ? extends String>> it = entries.iterator(); it.hasNext();) {
        write(it.next());
        it.remove();
      }
    }

    @Override
    public void delete(Object key) {
      if (key.equals("refused")) {
        throw new IllegalStateException("the database refused to delete " + key);
      }
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      if (keys.contains("refused")) {
        throw new IllegalStateException("the database refused to delete " + keys);
      }
      keys.clear();
    }
  }

  /** Loads {@code loaded <key>}, but fails on {@code refused}. */
  public static final class RefusingLoader implements CacheLoader<String, String>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public String load(String key) {
      if (key.equals("refused")) {
        throw new IllegalStateException("the database refused " + key);
      }
      return "loaded " + key;
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> out = new LinkedHashMap<>();
      for (String k : keys) {
        out.put(k, load(k));
      }
      return out;
    }
  }
}
