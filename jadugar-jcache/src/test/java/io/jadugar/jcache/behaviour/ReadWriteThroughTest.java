package io.jadugar.jcache.behaviour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListenerFuture;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;

import org.junit.jupiter.api.Test;

/**
 * Read-through with a {@link CacheLoader}, {@code loadAll} with a
 * {@link javax.cache.integration.CompletionListener}, write-through with a
 * {@link CacheWriter}, and how failures of either surface.
 */
class ReadWriteThroughTest extends BehaviourTestBase {

  private MutableConfiguration<String, Integer> base() {
    return new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class);
  }

  private Cache<String, Integer> readThrough(Loader loader) {
    return createCache(base().setReadThrough(true).setCacheLoaderFactory(Handles.factoryOf(loader)));
  }

  private Cache<String, Integer> writeThrough(Writer writer) {
    return createCache(base().setWriteThrough(true).setCacheWriterFactory(Handles.factoryOf(writer)));
  }

  // ------------------------------------------------------------ read-through

  @Test
  void readThroughLoadsOnMissAndCachesTheLoadedValue() {
    Loader loader = new Loader();
    Cache<String, Integer> cache = readThrough(loader);

    assertEquals(3, cache.get("abc"));
    assertEquals(List.of("abc"), loader.loadedKeys());
    assertTrue(cache.containsKey("abc"), "the loaded value is now cached");
    assertEquals(3, cache.get("abc"));
    assertEquals(List.of("abc"), loader.loadedKeys(), "a hit does not call the loader");
  }

  @Test
  void presentEntryIsReturnedWithoutConsultingTheLoader() {
    Loader loader = new Loader();
    Cache<String, Integer> cache = readThrough(loader);
    cache.put("abc", 100);
    assertEquals(100, cache.get("abc"));
    assertEquals(List.of(), loader.loadedKeys());
  }

  @Test
  void loaderIsNotUsedByGetWithoutReadThrough() {
    Loader loader = new Loader();
    Cache<String, Integer> cache = createCache(base()
        .setReadThrough(false)
        .setCacheLoaderFactory(Handles.factoryOf(loader)));
    assertNull(cache.get("abc"));
    assertEquals(List.of(), loader.loadedKeys());
  }

  @Test
  void loaderReturningNullStoresNothing() {
    Loader loader = new Loader();
    Cache<String, Integer> cache = readThrough(loader);
    assertNull(cache.get("null"), "the loader returns null for \"null\"");
    assertFalse(cache.containsKey("null"));
    assertNull(cache.get("null"));
    assertEquals(List.of("null", "null"), loader.loadedKeys(), "nothing cached, so asked again");
  }

  @Test
  void getAllReadsThroughOnlyTheMissingKeys() {
    Loader loader = new Loader();
    Cache<String, Integer> cache = readThrough(loader);
    cache.put("a", 100);

    Map<String, Integer> result = cache.getAll(keys("a", "bb", "ccc"));
    assertEquals(Map.of("a", 100, "bb", 2, "ccc", 3), result);
    assertFalse(loader.loadedKeys().contains("a"), "the present key is not loaded");
    assertTrue(loader.loadedKeys().containsAll(List.of("bb", "ccc")));
    assertTrue(cache.containsKey("bb") && cache.containsKey("ccc"));
  }

  @Test
  void entryProcessorGetValueReadsThrough() {
    Loader loader = new Loader();
    Cache<String, Integer> cache = readThrough(loader);
    assertEquals(4, cache.invoke("abcd", new GetValue()));
    assertEquals(List.of("abcd"), loader.loadedKeys());
    assertEquals(4, cache.get("abcd"), "the loaded value is cached");
    assertEquals(List.of("abcd"), loader.loadedKeys());
  }

  @Test
  void loaderExceptionIsWrappedInCacheLoaderException() {
    Loader loader = new Loader();
    Cache<String, Integer> cache = readThrough(loader);
    loader.failWith.set(new IllegalStateException("backing store down"));

    CacheLoaderException e = assertThrows(CacheLoaderException.class, () -> cache.get("abc"));
    assertSame(loader.failWith.get(), rootCause(e), "the loader's exception is the cause");
    assertFalse(cache.containsKey("abc"));

    assertThrows(CacheLoaderException.class, () -> cache.getAll(keys("abc", "de")));

    loader.failWith.set(null);
    assertEquals(3, cache.get("abc"), "works again once the loader recovers");
  }

  @Test
  void cacheLoaderExceptionFromTheLoaderPropagates() {
    Loader loader = new Loader();
    Cache<String, Integer> cache = readThrough(loader);
    CacheLoaderException thrown = new CacheLoaderException("explicit");
    loader.failWith.set(thrown);
    CacheLoaderException e = assertThrows(CacheLoaderException.class, () -> cache.get("abc"));
    assertTrue(e == thrown || e.getCause() == thrown, "the loader's CacheLoaderException surfaces");
  }

  // ------------------------------------------------------------ loadAll

  @Test
  void loadAllLoadsEveryKeyAndSignalsCompletionEvenWithoutReadThrough() throws Exception {
    Loader loader = new Loader();
    Writer writer = new Writer();
    Cache<String, Integer> cache = createCache(base()
        .setReadThrough(false)
        .setCacheLoaderFactory(Handles.factoryOf(loader))
        .setWriteThrough(true)
        .setCacheWriterFactory(Handles.factoryOf(writer)));

    CompletionListenerFuture done = new CompletionListenerFuture();
    cache.loadAll(keys("a", "bb", "ccc"), false, done);
    done.get(EVENTUALLY_MILLIS, TimeUnit.MILLISECONDS);
    assertTrue(done.isDone());

    assertEquals(1, cache.get("a"));
    assertEquals(2, cache.get("bb"));
    assertEquals(3, cache.get("ccc"));
    assertEquals(List.of(), writer.operations(), "loaded entries are not written through");
  }

  @Test
  void loadAllKeepsExistingValuesUnlessAskedToReplaceThem() throws Exception {
    Loader loader = new Loader();
    Cache<String, Integer> cache = readThrough(loader);
    cache.put("a", 100);
    cache.put("bb", 200);

    CompletionListenerFuture keep = new CompletionListenerFuture();
    cache.loadAll(keys("a", "ccc"), false, keep);
    keep.get(EVENTUALLY_MILLIS, TimeUnit.MILLISECONDS);
    assertEquals(100, cache.get("a"), "replaceExistingValues=false keeps the cached value");
    assertEquals(3, cache.get("ccc"));

    CompletionListenerFuture replace = new CompletionListenerFuture();
    cache.loadAll(keys("a", "bb"), true, replace);
    replace.get(EVENTUALLY_MILLIS, TimeUnit.MILLISECONDS);
    assertEquals(1, cache.get("a"), "replaceExistingValues=true overwrites");
    assertEquals(2, cache.get("bb"));
  }

  @Test
  void loadAllFailureIsReportedToTheCompletionListener() {
    Loader loader = new Loader();
    Cache<String, Integer> cache = readThrough(loader);
    loader.failWith.set(new IllegalStateException("backing store down"));

    CompletionListenerFuture done = new CompletionListenerFuture();
    cache.loadAll(keys("a", "bb"), false, done);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> done.get(EVENTUALLY_MILLIS, TimeUnit.MILLISECONDS));
    assertInstanceOf(CacheLoaderException.class, e.getCause(),
        "loader failures are CacheLoaderExceptions");
    assertFalse(cache.containsKey("a"));
    assertFalse(cache.containsKey("bb"));
  }

  // ------------------------------------------------------------ write-through

  @Test
  void writerSeesEveryMutationAndEndsUpMirroringTheCache() {
    Writer writer = new Writer();
    Cache<String, Integer> cache = writeThrough(writer);

    cache.put("a", 1);
    assertEquals(List.of("write a=1"), writer.operations());
    cache.put("a", 2);
    assertTrue(cache.remove("a"));
    assertEquals(List.of("write a=1", "write a=2", "delete a"), writer.operations());

    cache.getAndPut("b", 1);
    assertTrue(cache.putIfAbsent("c", 1));
    assertTrue(cache.replace("b", 2));
    assertTrue(cache.replace("c", 1, 3));
    cache.getAndReplace("c", 4);
    cache.invoke("d", new SetValue(5));
    cache.invoke("e", new SetValue(6));
    cache.invoke("e", new RemoveEntry());
    Map<String, Integer> batch = new LinkedHashMap<>();
    batch.put("f", 7);
    batch.put("g", 8);
    batch.put("h", 9);
    cache.putAll(batch);
    assertTrue(cache.remove("f", 7));
    assertEquals(8, cache.getAndRemove("g"));
    cache.removeAll(keys("h", "d"));

    Map<String, Integer> cached = new HashMap<>();
    for (Cache.Entry<String, Integer> entry : cache) {
      cached.put(entry.getKey(), entry.getValue());
    }
    assertEquals(Map.of("b", 2, "c", 4), cached);
    assertEquals(cached, writer.store, "the store of record mirrors the cache");
  }

  @Test
  void failedPutIfAbsentOrConditionalOperationsDoNotWrite() {
    Writer writer = new Writer();
    Cache<String, Integer> cache = writeThrough(writer);
    cache.put("a", 1);
    writer.clearOperations();

    assertFalse(cache.putIfAbsent("a", 2));
    assertFalse(cache.replace("absent", 1));
    assertFalse(cache.replace("a", 9, 3));
    assertFalse(cache.remove("a", 9));
    assertEquals(List.of(), writer.operations(), "operations that change nothing write nothing");
    assertEquals(Map.of("a", 1), writer.store);
  }

  @Test
  void writerIsNotCalledWithoutWriteThrough() {
    Writer writer = new Writer();
    Cache<String, Integer> cache = createCache(base()
        .setWriteThrough(false)
        .setCacheWriterFactory(Handles.factoryOf(writer)));
    cache.put("a", 1);
    cache.remove("a");
    assertEquals(List.of(), writer.operations());
  }

  @Test
  void readThroughLoadIsNotWrittenThrough() {
    Loader loader = new Loader();
    Writer writer = new Writer();
    Cache<String, Integer> cache = createCache(base()
        .setReadThrough(true)
        .setCacheLoaderFactory(Handles.factoryOf(loader))
        .setWriteThrough(true)
        .setCacheWriterFactory(Handles.factoryOf(writer)));
    assertEquals(3, cache.get("abc"));
    assertEquals(List.of(), writer.operations(), "a loaded value came from the store of record");
  }

  @Test
  void writerFailureOnPutIsWrappedAndTheEntryIsNotChanged() {
    RecordingListener<String, Integer> listener = new RecordingListener<>();
    Writer writer = new Writer();
    Cache<String, Integer> cache = createCache(base()
        .setWriteThrough(true)
        .setCacheWriterFactory(Handles.factoryOf(writer))
        .addCacheEntryListenerConfiguration(listenerConfig(listener, null, true, true)));
    cache.put("existing", 1);
    listener.reset();

    RuntimeException boom = new UnsupportedOperationException("store of record refuses");
    writer.failWith.set(boom);

    CacheWriterException e = assertThrows(CacheWriterException.class, () -> cache.put("new", 1));
    assertSame(boom, rootCause(e), "the writer's exception is the cause");
    assertFalse(cache.containsKey("new"), "a failed write-through must not create the entry");

    assertThrows(CacheWriterException.class, () -> cache.put("existing", 2));
    assertThrows(CacheWriterException.class, () -> cache.getAndPut("existing", 3));
    assertThrows(CacheWriterException.class, () -> cache.replace("existing", 4));
    assertThrows(CacheWriterException.class, () -> cache.replace("existing", 1, 5));
    assertThrows(CacheWriterException.class, () -> cache.putIfAbsent("new2", 1));
    assertEquals(1, cache.get("existing"), "a failed write-through must not update the entry");
    assertFalse(cache.containsKey("new2"));
    assertEquals(List.of(), listener.events(), "nothing changed, so no events");
  }

  @Test
  void writerFailureOnRemoveIsWrappedAndTheEntryStays() {
    Writer writer = new Writer();
    Cache<String, Integer> cache = writeThrough(writer);
    cache.put("a", 1);
    writer.failWith.set(new IllegalStateException("cannot delete"));

    assertThrows(CacheWriterException.class, () -> cache.remove("a"));
    assertThrows(CacheWriterException.class, () -> cache.getAndRemove("a"));
    assertThrows(CacheWriterException.class, () -> cache.remove("a", 1));
    assertEquals(1, cache.get("a"), "a failed delete-through must not remove the entry");
  }

  @Test
  void cacheWriterExceptionFromTheWriterPropagates() {
    Writer writer = new Writer();
    Cache<String, Integer> cache = writeThrough(writer);
    CacheWriterException thrown = new CacheWriterException("explicit");
    writer.failWith.set(thrown);
    CacheWriterException e = assertThrows(CacheWriterException.class, () -> cache.put("a", 1));
    assertTrue(e == thrown || e.getCause() == thrown, "the writer's CacheWriterException surfaces");
    assertFalse(cache.containsKey("a"));
  }

  /** CacheWriter.writeAll partial success: written entries are cached, the rest are not. */
  @Test
  void putAllWithPartialWriterFailureCachesOnlyWhatWasWritten() {
    Writer writer = new Writer();
    Cache<String, Integer> cache = writeThrough(writer);
    writer.failingKeys.add("bad");
    writer.bulkFailure = () -> new IllegalStateException("some writes failed");

    Map<String, Integer> batch = new LinkedHashMap<>();
    batch.put("good1", 1);
    batch.put("bad", 2);
    batch.put("good2", 3);
    assertThrows(CacheWriterException.class, () -> cache.putAll(batch));

    assertEquals(1, cache.get("good1"));
    assertEquals(3, cache.get("good2"));
    assertFalse(cache.containsKey("bad"), "the entry the writer failed on is not cached");
    assertEquals(Map.of("good1", 1, "good2", 3), writer.store);
  }

  @Test
  void removeAllWithPartialWriterFailureRemovesOnlyWhatWasDeleted() {
    Writer writer = new Writer();
    Cache<String, Integer> cache = writeThrough(writer);
    cache.put("good", 1);
    cache.put("bad", 2);
    writer.failingKeys.add("bad");
    writer.bulkFailure = () -> new IllegalStateException("some deletes failed");

    assertThrows(CacheWriterException.class, () -> cache.removeAll(keys("good", "bad")));
    assertFalse(cache.containsKey("good"));
    assertEquals(2, cache.get("bad"), "the entry the writer could not delete stays");
  }

  /**
   * A {@link CacheWriterException} thrown by {@code writeAll} must reach the
   * caller of {@code putAll} like any other writer failure. (The RI 1.1.1 wraps
   * other exceptions but silently drops a CacheWriterException here.)
   */
  @Test
  void putAllPropagatesACacheWriterExceptionFromWriteAll() {
    Writer writer = new Writer();
    Cache<String, Integer> cache = writeThrough(writer);
    writer.failingKeys.add("bad");
    writer.bulkFailure = () -> new CacheWriterException("some writes failed");

    Map<String, Integer> batch = new LinkedHashMap<>();
    batch.put("good", 1);
    batch.put("bad", 2);
    assertThrows(CacheWriterException.class, () -> cache.putAll(batch));
    assertEquals(1, cache.get("good"));
    assertFalse(cache.containsKey("bad"));
  }

  /** Same as above for {@code removeAll} / {@code deleteAll}. */
  @Test
  void removeAllPropagatesACacheWriterExceptionFromDeleteAll() {
    Writer writer = new Writer();
    Cache<String, Integer> cache = writeThrough(writer);
    cache.put("good", 1);
    cache.put("bad", 2);
    writer.failingKeys.add("bad");
    writer.bulkFailure = () -> new CacheWriterException("some deletes failed");

    assertThrows(CacheWriterException.class, () -> cache.removeAll(keys("good", "bad")));
    assertFalse(cache.containsKey("good"));
    assertEquals(2, cache.get("bad"));
  }

  // ------------------------------------------------------------ helpers

  private static Throwable rootCause(Throwable t) {
    Throwable cause = t;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Loads the key's length; "null" loads as null. Can be made to fail. */
  static final class Loader implements CacheLoader<String, Integer>, Closeable {
    final AtomicReference<RuntimeException> failWith = new AtomicReference<>();
    final AtomicInteger closed = new AtomicInteger();
    private final List<String> loaded = new ArrayList<>();

    @Override
    public Integer load(String key) {
      synchronized (loaded) {
        loaded.add(key);
      }
      RuntimeException failure = failWith.get();
      if (failure != null) {
        throw failure;
      }
      return "null".equals(key) ? null : key.length();
    }

    @Override
    public Map<String, Integer> loadAll(Iterable<? extends String> keys) {
      Map<String, Integer> out = new LinkedHashMap<>();
      for (String key : keys) {
        Integer value = load(key);
        if (value != null) {
          out.put(key, value);
        }
      }
      return out;
    }

    List<String> loadedKeys() {
      synchronized (loaded) {
        return new ArrayList<>(loaded);
      }
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }

  /**
   * A store of record. {@code failWith} makes every call fail; {@code failingKeys}
   * make the bulk calls fail on just those keys (after handling the others, per
   * the partial-success contract) with {@code bulkFailure}.
   */
  static final class Writer implements CacheWriter<String, Integer>, Closeable {
    final Map<String, Integer> store = new ConcurrentHashMap<>();
    final AtomicReference<RuntimeException> failWith = new AtomicReference<>();
    final Set<String> failingKeys = ConcurrentHashMap.newKeySet();
    volatile java.util.function.Supplier<RuntimeException> bulkFailure =
        () -> new IllegalStateException("bulk failure");
    final AtomicInteger closed = new AtomicInteger();
    private final List<String> ops = new ArrayList<>();

    private void log(String op) {
      synchronized (ops) {
        ops.add(op);
      }
    }

    List<String> operations() {
      synchronized (ops) {
        return new ArrayList<>(ops);
      }
    }

    void clearOperations() {
      synchronized (ops) {
        ops.clear();
      }
    }

    private void maybeFail() {
      RuntimeException failure = failWith.get();
      if (failure != null) {
        throw failure;
      }
    }

    @Override
    public void write(Cache.Entry<? extends String, ? extends Integer> entry) {
      maybeFail();
      if (failingKeys.contains(entry.getKey())) {
        throw bulkFailure.get();
      }
      log("write " + entry.getKey() + "=" + entry.getValue());
      store.put(entry.getKey(), entry.getValue());
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends Integer>> entries) {
      maybeFail();
      boolean failed = false;
      for (Iterator<Cache.Entry<? extends String, ? extends Integer>> it = entries.iterator();
           it.hasNext(); ) {
        Cache.Entry<? extends String, ? extends Integer> entry = it.next();
        if (failingKeys.contains(entry.getKey())) {
          failed = true;
          continue; // stays in the collection: not written
        }
        log("write " + entry.getKey() + "=" + entry.getValue());
        store.put(entry.getKey(), entry.getValue());
        it.remove();
      }
      if (failed) {
        throw bulkFailure.get();
      }
    }

    @Override
    public void delete(Object key) {
      maybeFail();
      if (failingKeys.contains(key)) {
        throw bulkFailure.get();
      }
      log("delete " + key);
      store.remove(key);
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      maybeFail();
      boolean failed = false;
      for (Iterator<?> it = keys.iterator(); it.hasNext(); ) {
        Object key = it.next();
        if (failingKeys.contains(key)) {
          failed = true;
          continue;
        }
        log("delete " + key);
        store.remove(key);
        it.remove();
      }
      if (failed) {
        throw bulkFailure.get();
      }
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }

  static final class RemoveEntry implements EntryProcessor<String, Integer, Void>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Void process(MutableEntry<String, Integer> entry, Object... arguments) {
      entry.remove();
      return null;
    }
  }
}
