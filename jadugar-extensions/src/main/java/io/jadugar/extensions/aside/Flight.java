package io.jadugar.extensions.aside;

import java.util.concurrent.CompletableFuture;

/**
 * One load of one key in this JVM, shared by every caller that asks for the key while it runs;
 * completes with the value, or with the {@code CacheLoaderException} every caller rethrows.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class Flight<K, V> extends CompletableFuture<V> {

  final K key;
  /** The last stale value seen for the key, and until when (epoch ms) it may still be served; null if none. */
  private volatile Stale<V> stale;

  /** Until when ({@code System.nanoTime()}) its value, loaded while the store was unreachable, is served in this JVM; 0: never. */
  private volatile long offlineUntil;

  Flight(K key) {
    this.key = key;
  }

  /** A stale value and the end of its fail-safe window (epoch milliseconds). */
  record Stale<V>(V value, long usableUntil) {}

  void stale(Stale<V> s) {
    if (s != null) {
      stale = s;
    }
  }

  /** Its value was loaded without the store: serve it in this JVM for {@code nanos}, loading nothing more meanwhile. */
  void offline(long nanos) {
    offlineUntil = System.nanoTime() + nanos;
  }

  /** Whether callers join it: still loading, or done offline within its time. */
  boolean joinable() {
    long until = offlineUntil;
    return !isDone() || until != 0 && System.nanoTime() - until < 0 && !isCompletedExceptionally();
  }

  /** The stale value that may still be served at {@code now}, or {@code null}. */
  V stale(long now) {
    Stale<V> s = stale;
    return s != null && now < s.usableUntil() ? s.value() : null;
  }
}
