package io.jadugar.jcache.engine.core;

import javax.cache.Cache;

/**
 * A key and value handed to the application (iteration) or to a cache writer.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CacheEntry<K, V> implements Cache.Entry<K, V> {

  private final K key;
  private final V value;

  /** An entry of {@code key} and {@code value}. */
  public CacheEntry(K key, V value) {
    this.key = key;
    this.value = value;
  }

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
    throw new IllegalArgumentException("Cannot unwrap a cache entry to " + clazz.getName());
  }

  @Override
  public String toString() {
    return key + "=" + value;
  }
}
