package io.jadugar.extensions.dependency;

import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A value fetched at most once per interval and shared by every caller: one thread fetches while
 * the others keep the previous value (or wait for the first one). A failed fetch is remembered for
 * the interval too, so a source that is down is not asked again by every read.
 *
 * @param <T> the value's type
 */
final class RateLimited<T> {

  private record State<T>(T value, RuntimeException error, long fetchedAt) {}

  private final Callable<T> fetch;
  private final long intervalNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile State<T> state;

  RateLimited(long intervalNanos, Callable<T> fetch) {
    this.intervalNanos = intervalNanos;
    this.fetch = fetch;
  }

  /** The value, fetched now if the last fetch is older than the interval; throws what the fetch threw. */
  T get() {
    State<T> s = state;
    if (s != null && System.nanoTime() - s.fetchedAt < intervalNanos) {
      return unwrap(s);
    }
    if (s != null && !lock.tryLock()) {
      return unwrap(s); // another thread is fetching: the previous value is as good as it was a moment ago
    }
    if (s == null) {
      lock.lock();
    }
    try {
      State<T> now = state;
      if (now == null || now == s) {
        now = fetch();
      }
      return unwrap(now);
    } finally {
      lock.unlock();
    }
  }

  /** Fetches now, whatever the age of the last value. */
  T refresh() {
    lock.lock();
    try {
      return unwrap(fetch());
    } finally {
      lock.unlock();
    }
  }

  /** Replaces the value with {@code value}, fetched now. */
  void set(T value) {
    state = new State<>(value, null, System.nanoTime());
  }

  private State<T> fetch() {
    State<T> s;
    try {
      s = new State<>(fetch.call(), null, System.nanoTime());
    } catch (RuntimeException e) {
      s = new State<>(null, e, System.nanoTime());
    } catch (Exception e) {
      s = new State<>(null, new IllegalStateException(e.getMessage(), e), System.nanoTime());
    }
    state = s;
    return s;
  }

  private static <T> T unwrap(State<T> s) {
    if (s.error != null) {
      throw s.error;
    }
    return s.value;
  }
}
