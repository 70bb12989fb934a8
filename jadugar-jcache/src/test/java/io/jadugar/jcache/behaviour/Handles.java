package io.jadugar.jcache.behaviour;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.cache.configuration.Factory;

/**
 * A static registry that lets a test hand a specific object (listener, loader,
 * writer, expiry policy, filter) to a cache through a {@link Factory} and keep a
 * reference to it.
 *
 * <p>The factory holds only a string id, so it stays valid even if a provider
 * copies or serializes configurations: whatever copy of the factory the provider
 * ends up using, {@link Factory#create()} returns the very instance the test
 * registered.
 */
final class Handles {

  private static final Map<String, Object> REGISTRY = new ConcurrentHashMap<>();
  private static final AtomicLong IDS = new AtomicLong();

  private Handles() {
  }

  /** Registers {@code instance} and returns a factory that always creates it. */
  static <T> Factory<T> factoryOf(T instance) {
    Objects.requireNonNull(instance, "instance");
    String id = "handle-" + IDS.incrementAndGet();
    REGISTRY.put(id, instance);
    return new RefFactory<>(id);
  }

  /** Forgets every registered instance (called after each test). */
  static void clear() {
    REGISTRY.clear();
  }

  static final class RefFactory<T> implements Factory<T> {
    private static final long serialVersionUID = 1L;

    private final String id;

    RefFactory(String id) {
      this.id = id;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T create() {
      Object instance = REGISTRY.get(id);
      if (instance == null) {
        throw new IllegalStateException("no test object registered under " + id);
      }
      return (T) instance;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof RefFactory && ((RefFactory<?>) other).id.equals(id);
    }

    @Override
    public int hashCode() {
      return id.hashCode();
    }

    @Override
    public String toString() {
      return "RefFactory[" + id + "]";
    }
  }
}
