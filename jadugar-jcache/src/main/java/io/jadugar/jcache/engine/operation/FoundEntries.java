package io.jadugar.jcache.engine.operation;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * What a {@code getAll} found: its keys and values in two arrays, with an open-addressing index of
 * the keys built on the first lookup by key (a caller that only iterates never pays for it; it was
 * a sixth of a getAll of 100 in a profile). Unmodifiable, as JSR-107 leaves the returned map
 * (cache2k returns a view). A {@code HashMap} of the same entries takes a node per entry: a third of
 * the allocation of a {@code getAll} of 100 and most of the work of building it.
 */
final class FoundEntries<K, V> extends AbstractMap<K, V> {

  /** Up to this many entries a lookup scans the keys: no index is worth building. */
  private static final int SCAN = 8;

  private final Object[] keys;
  private final Object[] values;
  private final int size;
  /**
   * Position + 1 of the key whose hash lands here, 0 where empty; a power of two at least twice the
   * size. Built on the first lookup; volatile, so another thread that is handed the map sees it whole.
   */
  private volatile int[] index;

  /**
   * The first {@code size} of {@code keys} (distinct, non-null) to the first {@code size} of
   * {@code values}; both arrays are taken over, not copied.
   */
  FoundEntries(Object[] keys, Object[] values, int size) {
    this.keys = keys;
    this.values = values;
    this.size = size;
  }

  private int[] index() {
    int[] slots = index;
    if (slots == null) {
      // two threads may both build it: the same array either way
      int capacity = Integer.highestOneBit(Math.max(2, size) * 2 - 1) << 1;
      slots = new int[capacity];
      int mask = capacity - 1;
      for (int i = 0; i < size; i++) {
        int slot = spread(keys[i].hashCode()) & mask;
        while (slots[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        slots[slot] = i + 1;
      }
      index = slots;
    }
    return slots;
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }

  private int positionOf(Object key) {
    if (key == null) {
      return -1;
    }
    if (size <= SCAN) {
      for (int i = 0; i < size; i++) {
        if (keys[i] == key || keys[i].equals(key)) {
          return i;
        }
      }
      return -1;
    }
    int[] slots = index();
    int mask = slots.length - 1;
    for (int slot = spread(key.hashCode()) & mask;; slot = (slot + 1) & mask) {
      int p = slots[slot] - 1;
      if (p < 0) {
        return -1;
      }
      Object k = keys[p];
      if (k == key || k.equals(key)) {
        return p;
      }
    }
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  public boolean containsKey(Object key) {
    return positionOf(key) >= 0;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    int p = positionOf(key);
    return p < 0 ? null : (V) values[p];
  }

  @Override
  @SuppressWarnings("unchecked")
  public void forEach(BiConsumer<? super K, ? super V> action) {
    Objects.requireNonNull(action);
    for (int i = 0; i < size; i++) {
      action.accept((K) keys[i], (V) values[i]);
    }
  }

  @Override
  public Set<Map.Entry<K, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Map.Entry<K, V>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          @SuppressWarnings("unchecked")
          public Map.Entry<K, V> next() {
            if (next >= size) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new AbstractMap.SimpleImmutableEntry<>((K) keys[i], (V) values[i]);
          }
        };
      }
    };
  }
}
