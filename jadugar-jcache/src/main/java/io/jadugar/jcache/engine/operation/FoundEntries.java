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
 * the keys, built once. Unmodifiable, as JSR-107 leaves the returned map (cache2k returns a view).
 * A {@code HashMap} of the same entries takes a node per entry: a third of the allocation of a
 * {@code getAll} of 100 and most of the work of building it.
 */
final class FoundEntries<K, V> extends AbstractMap<K, V> {

  private final Object[] keys;
  private final Object[] values;
  private final int size;
  /** Position + 1 of the key whose hash lands here, 0 where empty; a power of two at least twice the size. */
  private final int[] index;

  /**
   * The first {@code size} of {@code keys} (distinct, non-null) to the first {@code size} of
   * {@code values}; both arrays are taken over, not copied.
   */
  FoundEntries(Object[] keys, Object[] values, int size) {
    this.keys = keys;
    this.values = values;
    this.size = size;
    int capacity = Integer.highestOneBit(Math.max(2, size) * 2 - 1) << 1;
    int[] slots = new int[capacity];
    int mask = capacity - 1;
    for (int i = 0; i < size; i++) {
      int slot = spread(keys[i].hashCode()) & mask;
      while (slots[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      slots[slot] = i + 1;
    }
    this.index = slots;
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }

  private int positionOf(Object key) {
    if (key == null) {
      return -1;
    }
    int mask = index.length - 1;
    for (int slot = spread(key.hashCode()) & mask;; slot = (slot + 1) & mask) {
      int p = index[slot] - 1;
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
