package io.jadugar.jcache.processor;

import java.util.Objects;
import java.util.function.Function;
import javax.cache.processor.MutableEntry;

/**
 * The entry an entry processor sees. It reads the current value lazily (loading it through the
 * cache loader when read-through asks for it), records sets and removes, and tells the engine in
 * the end which single {@link Operation} the processor's calls add up to.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class ProcessorEntry<K, V> implements MutableEntry<K, V> {

  /** What the processor did to the entry, all calls taken together. */
  public enum Operation {
    /** Nothing, or only {@code exists()}/{@code getKey()}. */
    NONE,
    /** Read an existing value. */
    ACCESS,
    /** Set a value where there was none. */
    CREATE,
    /** Loaded a value through read-through (a creation that is not a put). */
    LOAD,
    /** Replaced an existing value. */
    UPDATE,
    /** Removed an existing value. */
    REMOVE
  }

  private final K key;
  private final boolean existed;
  private final V existing;
  private final Function<K, V> loader;
  private Operation operation = Operation.NONE;
  private V value;

  /**
   * An entry for {@code key}; {@code existing} is its current value or {@code null}, and
   * {@code loader} loads a missing value ({@code null} when read-through is off).
   */
  public ProcessorEntry(K key, V existing, Function<K, V> loader) {
    this.key = key;
    this.existed = existing != null;
    this.existing = existing;
    this.value = existing;
    this.loader = loader;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    if (operation == Operation.NONE) {
      if (existed) {
        operation = Operation.ACCESS;
      } else if (loader != null) {
        value = loader.apply(key);
        if (value != null) {
          operation = Operation.LOAD;
        }
      }
    }
    return value;
  }

  @Override
  public boolean exists() {
    return value != null;
  }

  @Override
  public void remove() {
    // removing what this processor created leaves nothing to do; any other remove goes to the
    // writer, even of an absent entry (the TCK checks that the writer sees it)
    operation = (operation == Operation.CREATE || operation == Operation.LOAD)
        ? Operation.NONE : Operation.REMOVE;
    value = null;
  }

  @Override
  public void setValue(V newValue) {
    Objects.requireNonNull(newValue, "value");
    operation = existed ? Operation.UPDATE : Operation.CREATE;
    value = newValue;
  }

  /** What the processor did. */
  public Operation operation() {
    return operation;
  }

  /** The value the entry ends with; {@code null} if removed or absent. */
  public V value() {
    return value;
  }

  /** The value the entry had before the processor ran, or {@code null}. */
  public V existing() {
    return existing;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("Cannot unwrap a mutable entry to " + clazz.getName());
  }
}
