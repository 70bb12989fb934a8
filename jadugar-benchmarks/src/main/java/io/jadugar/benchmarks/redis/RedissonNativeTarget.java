package io.jadugar.benchmarks.redis;

import io.jadugar.benchmarks.CacheTarget;
import io.jadugar.benchmarks.Keys;
import io.jadugar.benchmarks.Payload;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** Raw Redisson, the latency ceiling for a JCache layer over it: a bucket per key, MGET/MSET for batches. */
final class RedissonNativeTarget implements CacheTarget {

  private static final String PREFIX = "bench-raw:";

  /** Key strings made in advance, so the ceiling pays nothing a cache layer must pay (its own key text). */
  private static final String[] NAMES = new String[Keys.HOT];

  static {
    for (int i = 0; i < NAMES.length; i++) {
      NAMES[i] = PREFIX + i;
    }
  }

  private final RedissonClient client;

  RedissonNativeTarget(Config config) {
    this.client = Redisson.create(config);
  }

  private static String name(Integer key) {
    int k = key;
    return k >= 0 && k < NAMES.length ? NAMES[k] : PREFIX + k;
  }

  @Override
  public Payload get(Integer key) {
    return client.<Payload>getBucket(name(key)).get();
  }

  @Override
  public boolean containsKey(Integer key) {
    return client.getBucket(name(key)).isExists();
  }

  @Override
  public void put(Integer key, Payload value) {
    client.getBucket(name(key)).set(value);
  }

  @Override
  public Object increment(Integer key) {
    throw new UnsupportedOperationException("raw Redisson has no entry processor; not a workload here");
  }

  @Override
  public Map<Integer, Payload> getAll(Set<Integer> keys) {
    String[] names = new String[keys.size()];
    int i = 0;
    for (Integer k : keys) {
      names[i++] = name(k);
    }
    // one MGET; the answer is keyed by name, turned back into the caller's keys as a cache must
    Map<String, Payload> found = client.getBuckets().get(names);
    Map<Integer, Payload> result = new HashMap<>(found.size() * 2);
    for (Integer k : keys) {
      Payload v = found.get(name(k));
      if (v != null) {
        result.put(k, v);
      }
    }
    return result;
  }

  @Override
  public void putAll(Map<Integer, Payload> entries) {
    Map<String, Payload> named = new HashMap<>(entries.size() * 2);
    entries.forEach((k, v) -> named.put(name(k), v));
    // one MSET
    client.getBuckets().set(named);
  }

  @Override
  public long size() {
    return client.getKeys().getKeysStreamByPattern(PREFIX + "*").count();
  }

  @Override
  public void close() {
    try {
      client.getKeys().deleteByPattern(PREFIX + "*");
    } finally {
      client.shutdown();
    }
  }
}
