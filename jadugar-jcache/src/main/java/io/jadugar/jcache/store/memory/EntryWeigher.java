package io.jadugar.jcache.store.memory;

/**
 * The weight of one entry, for a memory store bounded by {@code jadugar.memory.maximum-weight}.
 * Implementations need a public no-argument constructor.
 */
@FunctionalInterface
public interface EntryWeigher {

  /**
   * The weight of an entry, at least 0. The value is as the store holds it: the application's
   * object with store-by-reference or an immutable value, otherwise a private serialized copy.
   */
  int weigh(Object key, Object value);
}
