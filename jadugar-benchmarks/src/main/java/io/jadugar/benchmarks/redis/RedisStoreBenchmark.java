package io.jadugar.benchmarks.redis;

import io.jadugar.benchmarks.CacheTarget;
import io.jadugar.benchmarks.CacheWorkloads;
import io.jadugar.benchmarks.RemoteStoreWorkloads;
import org.openjdk.jmh.annotations.Param;

/**
 * The workloads of {@link CacheWorkloads} on Redis: Jadugar's store, Redisson's JCache provider and
 * raw Redisson, on the server whose port is in {@code -Dbench.redis.port}. The profile runs
 * getHit, put, getAll100 and putAll100; capacity means nothing here (the server bounds the data).
 */
public class RedisStoreBenchmark extends RemoteStoreWorkloads {

  /** Which provider: an id of {@link RedisProvider}. */
  @Param({"jadugar", "redisson-jcache", "redisson-native"})
  public String provider;

  @Override
  protected CacheTarget open(int capacity) {
    return RedisProvider.of(provider).open();
  }
}
