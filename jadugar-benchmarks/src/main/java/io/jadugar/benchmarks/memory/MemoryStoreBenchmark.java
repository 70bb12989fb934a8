package io.jadugar.benchmarks.memory;

import io.jadugar.benchmarks.CacheTarget;
import io.jadugar.benchmarks.CacheWorkloads;
import org.openjdk.jmh.annotations.Param;

/**
 * The workloads of {@link CacheWorkloads} on every in-heap provider, by reference and by value.
 * {@code caffeine-native} has no store-by-value: run it with {@code -p storeBy=reference}.
 */
public class MemoryStoreBenchmark extends CacheWorkloads {

  /** Which provider: an id of {@link MemoryProvider}. */
  @Param({"jadugar", "caffeine-jcache", "ehcache", "cache2k", "caffeine-native"})
  public String provider;

  /** {@code reference} or {@code value}: JCache's store-by-reference or store-by-value. */
  @Param({"reference", "value"})
  public String storeBy;

  @Override
  protected CacheTarget open(int capacity) {
    return MemoryProvider.of(provider).open(capacity, storesByValue());
  }

  @Override
  protected boolean storesByValue() {
    return switch (storeBy) {
      case "reference" -> false;
      case "value" -> true;
      default -> throw new IllegalArgumentException("storeBy is reference or value, not " + storeBy);
    };
  }
}
