package io.jadugar.benchmarks;

import java.util.Map;
import java.util.Set;

/**
 * The operations the workloads call, so that a cache reached through javax.cache and a native
 * ceiling run the same benchmark code. Each fork holds one implementation, so the call through
 * this interface is monomorphic and inlined.
 */
public interface CacheTarget extends AutoCloseable {

  /** The value of {@code key}, or {@code null}. */
  Payload get(Integer key);

  /** Whether {@code key} is present. */
  boolean containsKey(Integer key);

  /** Stores {@code value} under {@code key}. */
  void put(Integer key, Payload value);

  /** Atomically replaces the value of {@code key} by one with its counter incremented (1 if absent). */
  Object increment(Integer key);

  /** The present values of {@code keys}. */
  Map<Integer, Payload> getAll(Set<Integer> keys);

  /** Stores every mapping of {@code entries}. */
  void putAll(Map<Integer, Payload> entries);

  /** Number of entries present; slow, for checks and the footprint only. */
  long size();

  /** Closes the cache and whatever manager opened it. */
  @Override
  void close();
}
