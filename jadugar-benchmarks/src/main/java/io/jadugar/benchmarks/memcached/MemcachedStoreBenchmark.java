package io.jadugar.benchmarks.memcached;

import io.jadugar.benchmarks.CacheTarget;
import io.jadugar.benchmarks.CacheWorkloads;
import io.jadugar.benchmarks.RemoteStoreWorkloads;
import org.openjdk.jmh.annotations.Param;

/**
 * The workloads of {@link CacheWorkloads} on memcached: Jadugar's store and the raw client, on the
 * server whose port is in {@code -Dbench.memcached.port}. The profile runs getHit, put and
 * getAll100; capacity means nothing here (the server bounds the data).
 */
public class MemcachedStoreBenchmark extends RemoteStoreWorkloads {

  /** Which provider: an id of {@link MemcachedProvider}. */
  @Param({"jadugar", "memcached-native"})
  public String provider;

  @Override
  protected CacheTarget open(int capacity) {
    return MemcachedProvider.of(provider).open();
  }
}
