package io.jadugar.benchmarks.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.jadugar.benchmarks.CacheTarget;
import io.jadugar.benchmarks.Payload;
import java.util.Map;
import java.util.Set;

/** The ceiling: a plain bounded Caffeine cache through its native API, which no JCache layer can beat. */
final class CaffeineNativeTarget implements CacheTarget {

  private final Cache<Integer, Payload> cache;

  CaffeineNativeTarget(int capacity) {
    this.cache = Caffeine.newBuilder().maximumSize(capacity).build();
  }

  @Override
  public Payload get(Integer key) {
    return cache.getIfPresent(key);
  }

  @Override
  public boolean containsKey(Integer key) {
    return cache.getIfPresent(key) != null;
  }

  @Override
  public void put(Integer key, Payload value) {
    cache.put(key, value);
  }

  @Override
  public Object increment(Integer key) {
    cache.asMap().compute(key, (k, v) -> v == null ? new Payload(1, 0) : v.incremented());
    return null;
  }

  @Override
  public Map<Integer, Payload> getAll(Set<Integer> keys) {
    return cache.getAllPresent(keys);
  }

  @Override
  public void putAll(Map<Integer, Payload> entries) {
    cache.putAll(entries);
  }

  @Override
  public long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  @Override
  public void close() {
    cache.invalidateAll();
  }
}
