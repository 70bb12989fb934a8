package io.jadugar.extensions.writeback;

import javax.cache.Cache;

/**
 * An entry as a write-back hands it to the writer's {@code writeAll}: the key, its latest value, and
 * that change's version, which grows with every change of the key (compare it to skip a replay of
 * an older change: {@code UPDATE ... WHERE version < ?}). A new or lost journal starts its versions
 * from the wall clock (ms × 1000), so they keep growing past those of the journal before it.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public record WriteBackEntry<K, V>(K key, V value, long version) implements Cache.Entry<K, V> {

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    return value;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("A write-back entry cannot be unwrapped to " + clazz.getName());
  }

  /** The version of {@code entry} if a write-back handed it out, else -1. */
  public static long versionOf(Cache.Entry<?, ?> entry) {
    return entry instanceof WriteBackEntry<?, ?> w ? w.version : -1;
  }
}
