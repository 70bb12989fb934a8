package io.jadugar.jcache.behaviour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import javax.cache.Cache;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.configuration.OptionalFeature;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;

import org.junit.jupiter.api.Test;

/**
 * Store-by-value (the default) isolates the cache from later mutation of the
 * objects handed to it or returned by it; store-by-reference does not.
 */
class StoreByValueTest extends BehaviourTestBase {

  /** A mutable, serializable value. */
  static final class Box implements Serializable {
    private static final long serialVersionUID = 1L;
    int n;

    Box(int n) {
      this.n = n;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Box && ((Box) o).n == n;
    }

    @Override
    public int hashCode() {
      return Objects.hash(n);
    }

    @Override
    public String toString() {
      return "Box(" + n + ")";
    }
  }

  @Test
  void storeByValueIsTheDefault() {
    assertTrue(new MutableConfiguration<String, Box>().isStoreByValue());
    Cache<String, Box> cache = createCache(new MutableConfiguration<String, Box>()
        .setTypes(String.class, Box.class));
    assertTrue(cache.getConfiguration(CompleteConfiguration.class).isStoreByValue());
  }

  @Test
  void byValueMutatingTheObjectAfterPutDoesNotChangeTheCachedValue() {
    Cache<String, Box> cache = createCache(new MutableConfiguration<String, Box>()
        .setTypes(String.class, Box.class));

    Box box = new Box(1);
    cache.put("k", box);
    box.n = 99;
    assertEquals(1, cache.get("k").n, "mutation after put must not leak into the cache");

    Box other = new Box(5);
    Map<String, Box> batch = new HashMap<>();
    batch.put("all", other);
    cache.putAll(batch);
    other.n = 55;
    assertEquals(5, cache.get("all").n, "same for putAll");

    Box ifAbsent = new Box(7);
    cache.putIfAbsent("pia", ifAbsent);
    ifAbsent.n = 77;
    assertEquals(7, cache.get("pia").n, "same for putIfAbsent");
  }

  @Test
  void byValueMutatingAReturnedValueDoesNotChangeTheCachedValue() {
    Cache<String, Box> cache = createCache(new MutableConfiguration<String, Box>()
        .setTypes(String.class, Box.class));
    cache.put("k", new Box(1));

    Box first = cache.get("k");
    first.n = 42;
    Box second = cache.get("k");
    assertEquals(1, second.n, "mutating what get() returned must not change the cache");
    assertNotSame(first, second);

    Box viaIterator = cache.iterator().next().getValue();
    viaIterator.n = 43;
    assertEquals(1, cache.get("k").n, "same for values seen through the iterator");

    Box old = cache.getAndPut("k", new Box(2));
    assertEquals(1, old.n);
    old.n = 44;
    assertEquals(2, cache.get("k").n);
  }

  @Test
  void byValueMutatingTheValueInsideAnEntryProcessorWithoutSetValueChangesNothing() {
    Cache<String, Box> cache = createCache(new MutableConfiguration<String, Box>()
        .setTypes(String.class, Box.class));
    cache.put("k", new Box(1));
    cache.invoke("k", new MutateWithoutSetValue());
    assertEquals(1, cache.get("k").n,
        "only MutableEntry.setValue() changes a by-value cache");
  }

  @Test
  void byValueMutatedKeyStillFindsTheOriginalMapping() {
    Cache<Box, String> cache = createCache(new MutableConfiguration<Box, String>()
        .setTypes(Box.class, String.class));
    Box key = new Box(1);
    cache.put(key, "one");
    key.n = 2;
    assertEquals("one", cache.get(new Box(1)),
        "the cache keeps its own copy of the key");
    assertFalse(cache.containsKey(new Box(2)));
  }

  @Test
  void byReferenceMutatingTheObjectAfterPutIsVisible() {
    assumeFalse(store().remote(), "store-by-reference needs the memory store: Redis, memcached and Hazelcast "
        + "keep bytes in another process, so they are store-by-value only (see the next test)");
    // optional in JSR-107, but Jadugar supports it: a provider that stopped would fail here
    assertTrue(provider().isSupported(OptionalFeature.STORE_BY_REFERENCE));
    Cache<String, Box> cache = createCache(new MutableConfiguration<String, Box>()
        .setTypes(String.class, Box.class)
        .setStoreByValue(false));
    assertFalse(cache.getConfiguration(CompleteConfiguration.class).isStoreByValue());

    Box box = new Box(1);
    cache.put("k", box);
    box.n = 99;
    Box got = cache.get("k");
    assertSame(box, got, "by reference, the cache hands back the very object stored");
    assertEquals(99, got.n);

    got.n = 100;
    assertEquals(100, cache.get("k").n);
  }

  @Test
  void remoteStoresRefuseStoreByReferenceByName() {
    assumeTrue(store().remote(), "the memory store supports store-by-reference (previous test)");
    assertFalse(provider().isSupported(OptionalFeature.STORE_BY_REFERENCE),
        "a remote default store cannot hand back the very object stored");
    String name = uniqueName();
    UnsupportedOperationException refused = assertThrows(UnsupportedOperationException.class,
        () -> createCache(manager(), name, new MutableConfiguration<String, Box>()
            .setTypes(String.class, Box.class)
            .setStoreByValue(false)));
    assertTrue(String.valueOf(refused.getMessage()).contains(name),
        "the refusal names the cache: " + refused.getMessage());
  }

  static final class MutateWithoutSetValue
      implements EntryProcessor<String, Box, Void>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Void process(MutableEntry<String, Box> entry, Object... arguments) {
      entry.getValue().n = 1000;
      return null;
    }
  }
}
