package io.jadugar.extensions.dependency;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A value fetched at most once per interval and shared by every caller: one thread fetches while
 * the others keep the previous value (or wait for the first one). A failed fetch is remembered for
 * the interval too, so a source that is down is not asked again by every read.
 *
 * <p>{@link #matches} tells whether a value captured elsewhere (another JVM, a later write) is the
 * current one. A value that differs from ours may be newer than ours rather than older: deciding
 * "invalid" on our possibly stale copy would make this JVM drop another JVM's fresh entry from the
 * shared store. So a value we have not seen replaced is checked against a fresh fetch, once: the
 * values seen replaced are remembered (the last {@value #REMEMBERED}) and refused without a fetch.
 *
 * @param <T> the value's type
 */
final class RateLimited<T> {

  private record State<T>(T value, RuntimeException error, long fetchedAt) {}

  static final int REMEMBERED = 16;

  private final Callable<T> fetch;
  private final long intervalNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile State<T> state;
  private final Set<T> replaced = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<T, Boolean> eldest) {
      return size() > REMEMBERED;
    }
  }));

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

  /**
   * Whether {@code captured} is the current value: ours if equal; refused if seen replaced; otherwise
   * decided by a fetch now. Throws what the fetch threw.
   */
  boolean matches(T captured) {
    if (captured.equals(get())) {
      return true;
    }
    if (replaced.contains(captured)) {
      return false;
    }
    if (captured.equals(refresh())) {
      return true;
    }
    replaced.add(captured);
    return false;
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
