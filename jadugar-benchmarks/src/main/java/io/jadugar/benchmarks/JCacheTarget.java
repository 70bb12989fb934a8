package io.jadugar.benchmarks;

import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;

/** A {@link CacheTarget} through the standard {@link javax.cache.Cache} API, whoever provides it. */
public final class JCacheTarget implements CacheTarget {

  /** The increment of the invoke benchmark; a singleton, so no provider pays for allocating it. */
  static final EntryProcessor<Integer, Payload, Object> INCREMENT = new Increment();

  private final CacheManager manager;
  private final Cache<Integer, Payload> cache;

  /** A target over {@code cache}; closing it closes {@code manager} too. */
  public JCacheTarget(CacheManager manager, Cache<Integer, Payload> cache) {
    this.manager = manager;
    this.cache = cache;
  }

  /** The cache under test. */
  public Cache<Integer, Payload> cache() {
    return cache;
  }

  @Override
  public Payload get(Integer key) {
    return cache.get(key);
  }

  @Override
  public boolean containsKey(Integer key) {
    return cache.containsKey(key);
  }

  @Override
  public void put(Integer key, Payload value) {
    cache.put(key, value);
  }

  @Override
  public Object increment(Integer key) {
    return cache.invoke(key, INCREMENT);
  }

  @Override
  public Map<Integer, Payload> getAll(Set<Integer> keys) {
    return cache.getAll(keys);
  }

  @Override
  public void putAll(Map<Integer, Payload> entries) {
    cache.putAll(entries);
  }

  @Override
  public long size() {
    long n = 0;
    for (Cache.Entry<Integer, Payload> ignored : cache) {
      n++;
    }
    return n;
  }

  @Override
  public void close() {
    try {
      manager.destroyCache(cache.getName());
    } finally {
      manager.close();
    }
  }

  /** Sets the counter one higher, creating the entry at 1; returns nothing, as most increments do. */
  private static final class Increment implements EntryProcessor<Integer, Payload, Object>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Object process(MutableEntry<Integer, Payload> entry, Object... arguments) {
      Payload current = entry.getValue();
      entry.setValue(current == null ? new Payload(1, 0) : current.incremented());
      return null;
    }
  }
}
