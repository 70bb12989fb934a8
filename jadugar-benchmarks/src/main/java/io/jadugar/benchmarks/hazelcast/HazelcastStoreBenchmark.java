package io.jadugar.benchmarks.hazelcast;

import io.jadugar.benchmarks.CacheTarget;
import io.jadugar.benchmarks.CacheWorkloads;
import io.jadugar.benchmarks.RemoteStoreWorkloads;
import org.openjdk.jmh.annotations.Param;

/**
 * The workloads of {@link CacheWorkloads} on Hazelcast: Jadugar's store, Hazelcast's JCache provider
 * and raw {@code IMap}, all as clients of the member whose port is in {@code -Dbench.hazelcast.port}
 * (cluster {@code -Dbench.hazelcast.cluster}).
 */
public class HazelcastStoreBenchmark extends RemoteStoreWorkloads {

  /** Which provider: an id of {@link HazelcastProvider}. */
  @Param({"jadugar", "hazelcast-jcache", "hazelcast-native"})
  public String provider;

  @Override
  protected CacheTarget open(int capacity) {
    return HazelcastProvider.of(provider).open(capacity);
  }
}
