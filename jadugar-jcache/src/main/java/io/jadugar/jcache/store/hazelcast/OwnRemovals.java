package io.jadugar.jcache.store.hazelcast;

import io.jadugar.jcache.spi.BinaryKey;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells the map's REMOVED events of this store's own removals from other JVMs' ones. Hazelcast's
 * event carries the removed value, not who removed it; every value carries a token unique to its
 * write, so a removal this store makes records the removed value's token, and the event that names
 * it is dropped (the engine has reported that removal already). A removal whose old value is known
 * beforehand (a compute's) records it before it is sent; one that learns it from the answer
 * ({@code remove(key)}, {@code removeAll}) marks its keys in flight, and an event for such a key
 * waits (at most {@link #WAIT_MS}) until the answer is in. Tokens whose event never comes (nobody
 * listened yet, or the event went to another registration) are dropped after a minute.
 */
final class OwnRemovals {

  static final long WAIT_MS = 5000;
  private static final long KEEP_NANOS = 60_000_000_000L;

  private final Map<Long, Long> tokens = new ConcurrentHashMap<>();
  private final Map<BinaryKey, Integer> inFlight = new ConcurrentHashMap<>();
  private long lastPurge = System.nanoTime();

  /** A removal of the value with {@code token} is about to be sent. */
  void expect(long token) {
    purge();
    tokens.put(token, System.nanoTime());
  }

  /** The removal of {@code token} was not made. */
  void forget(long token) {
    tokens.remove(token);
  }

  /** Removals of {@code keys} are about to be sent, their old values unknown until they answer. */
  void begin(Collection<?> keys) {
    for (Object k : keys) {
      inFlight.merge((BinaryKey) k, 1, Integer::sum);
    }
  }

  /** The removals of {@code keys} answered; they removed the values of {@code removed}. */
  void end(Collection<?> keys, Collection<Long> removed) {
    purge();
    long now = System.nanoTime();
    for (Long t : removed) {
      tokens.put(t, now);
    }
    for (Object k : keys) {
      inFlight.computeIfPresent((BinaryKey) k, (x, n) -> n == 1 ? null : n - 1);
    }
    synchronized (this) {
      notifyAll();
    }
  }

  /** Whether this store removed the value of {@code token} under {@code key}; forgets it if so. */
  boolean own(BinaryKey key, long token) {
    if (tokens.remove(token) != null) {
      return true;
    }
    if (!inFlight.containsKey(key)) {
      return false;
    }
    long deadline = System.currentTimeMillis() + WAIT_MS;
    synchronized (this) {
      while (inFlight.containsKey(key) && !tokens.containsKey(token)) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          break;
        }
        try {
          wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return tokens.remove(token) != null;
  }

  private void purge() {
    long now = System.nanoTime();
    if (now - lastPurge < KEEP_NANOS) {
      return;
    }
    lastPurge = now;
    tokens.values().removeIf(at -> now - at > KEEP_NANOS);
  }
}
