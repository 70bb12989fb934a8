package io.jadugar.benchmarks.redis;

import io.jadugar.benchmarks.CacheTarget;
import io.jadugar.benchmarks.CacheWorkloads;
import org.openjdk.jmh.annotations.Param;

/**
 * The workloads of {@link CacheWorkloads} on Redis: Jadugar's store, Redisson's JCache provider and
 * raw Redisson, on the server whose port is in {@code -Dbench.redis.port}. The profile runs
 * getHit, put, getAll100 and putAll100; capacity means nothing here (the server bounds the data).
 */
public class RedisStoreBenchmark extends CacheWorkloads {

  /** Which provider: an id of {@link RedisProvider}. */
  @Param({"jadugar", "redisson-jcache", "redisson-native"})
  public String provider;

  /** Always {@code value}: a remote store holds bytes. A param only so that rows read like the memory table's. */
  @Param({"value"})
  public String storeBy;

  @Override
  protected CacheTarget open(int capacity) {
    return RedisProvider.of(provider).open();
  }

  @Override
  protected boolean storesByValue() {
    return true;
  }

  @Override
  protected void fill(CacheTarget target) {
    fillInBatches(target, 1000);
  }
}
