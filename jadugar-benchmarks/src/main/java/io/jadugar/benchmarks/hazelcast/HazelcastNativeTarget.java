package io.jadugar.benchmarks.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.jadugar.benchmarks.CacheTarget;
import io.jadugar.benchmarks.Payload;
import java.util.Map;
import java.util.Set;

/**
 * Raw {@code IMap} calls through a Hazelcast client, the latency ceiling for a JCache layer over it;
 * the increment is an entry processor run on the key's owner (the member has the benchmarks' classes).
 */
final class HazelcastNativeTarget implements CacheTarget {

  private static final EntryProcessor<Integer, Payload, Object> INCREMENT = new Increment();

  private final HazelcastInstance client;
  private final IMap<Integer, Payload> map;

  HazelcastNativeTarget(HazelcastInstance client) {
    this.client = client;
    this.map = client.getMap("bench-raw");
  }

  @Override
  public Payload get(Integer key) {
    return map.get(key);
  }

  @Override
  public boolean containsKey(Integer key) {
    return map.containsKey(key);
  }

  @Override
  public void put(Integer key, Payload value) {
    map.set(key, value);
  }

  @Override
  public Object increment(Integer key) {
    return map.executeOnKey(key, INCREMENT);
  }

  @Override
  public Map<Integer, Payload> getAll(Set<Integer> keys) {
    return map.getAll(keys);
  }

  @Override
  public void putAll(Map<Integer, Payload> entries) {
    map.putAll(entries);
  }

  @Override
  public long size() {
    return map.size();
  }

  @Override
  public void close() {
    try {
      map.destroy();
    } finally {
      client.shutdown();
    }
  }

  /** The counter one higher, or 1; on the key's owner. */
  private static final class Increment implements EntryProcessor<Integer, Payload, Object> {
    private static final long serialVersionUID = 1L;

    @Override
    public Object process(Map.Entry<Integer, Payload> entry) {
      Payload current = entry.getValue();
      entry.setValue(current == null ? new Payload(1, 0) : current.incremented());
      return null;
    }
  }
}
