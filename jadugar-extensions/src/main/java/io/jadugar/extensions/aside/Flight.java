package io.jadugar.extensions.aside;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.cache.integration.CacheLoaderException;

/**
 * One load of one key in this JVM, shared by every caller that asks for the key while it runs;
 * ends with the value, or with the {@code CacheLoaderException} every caller rethrows as its own.
 *
 * <p>A failed load completes the future normally, with a {@link Failed}: a future completed
 * exceptionally makes each waiter allocate an {@code ExecutionException} (a stack trace) before its
 * own exception, and a thousand waiters released at once on two cores wait for each other's.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class Flight<K, V> {

  final K key;
  /** The value (maybe {@code null}) or a {@link Failed}. */
  private final CompletableFuture<Object> outcome = new CompletableFuture<>();
  /** The last stale value seen for the key, and until when (epoch ms) it may still be served; null if none. */
  private volatile Stale<V> stale;

  /** Until when ({@code System.nanoTime()}) its value, loaded while the store was unreachable, is served in this JVM; 0: never. */
  private volatile long offlineUntil;

  Flight(K key) {
    this.key = key;
  }

  /** A stale value and the end of its fail-safe window (epoch milliseconds). */
  record Stale<V>(V value, long usableUntil) {}

  /** How a failed load ended. */
  private record Failed(CacheLoaderException error) {}

  /** Ends it with {@code value}, unless it has ended. */
  void succeed(V value) {
    outcome.complete(value);
  }

  /** Ends it with {@code error}, unless it has ended. */
  void fail(CacheLoaderException error) {
    outcome.complete(new Failed(error));
  }

  /** Whether it has ended. */
  boolean isDone() {
    return outcome.isDone();
  }

  /** Its value once it ends; throws the caller's own copy of its error. */
  V await() throws InterruptedException {
    try {
      return result(outcome.get());
    } catch (ExecutionException never) {
      throw new IllegalStateException(never);
    }
  }

  /** {@link #await()}, for at most {@code nanos}. */
  V await(long nanos) throws InterruptedException, TimeoutException {
    try {
      return result(outcome.get(nanos, TimeUnit.NANOSECONDS));
    } catch (ExecutionException never) {
      throw new IllegalStateException(never);
    }
  }

  @SuppressWarnings("unchecked")
  private static <V> V result(Object r) {
    if (r instanceof Failed f) {
      // each caller its own exception (its own stack), with the flight's message and cause
      Throwable c = f.error();
      throw new CacheLoaderException(c.getMessage(), c.getCause() != null ? c.getCause() : c);
    }
    return (V) r;
  }

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
    return !isDone() || until != 0 && System.nanoTime() - until < 0 && !(outcome.getNow(null) instanceof Failed);
  }

  /** The stale value that may still be served at {@code now}, or {@code null}. */
  V stale(long now) {
    Stale<V> s = stale;
    return s != null && now < s.usableUntil() ? s.value() : null;
  }
}
