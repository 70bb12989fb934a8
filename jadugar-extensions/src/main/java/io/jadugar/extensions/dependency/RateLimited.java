package io.jadugar.extensions.dependency;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A value fetched at most once per interval and shared by every caller: one fetch at a time, while
 * the callers that have a previous value keep it (the others wait for the fetch). A failed fetch is
 * remembered for the interval too, so a source that is down is not asked again by every read.
 *
 * <p>A fetch runs on a thread of its own and a caller waits for it at most {@link #WAIT}: a source
 * that stops answering (a database stopped, a hung file system) fails the caller then, and the
 * failure is remembered for the interval, so that no read waits for it again meanwhile. The fetch
 * goes on; when it ends its value replaces the failure, and no second fetch starts before.
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

  /** One fetch, and whether the caller that asked for it started it. */
  private record Fetch<T>(CompletableFuture<State<T>> future, boolean started) {}

  static final int REMEMBERED = 16;

  /** The longest a caller waits for a fetch. */
  static final Duration WAIT = Duration.ofSeconds(2);

  private static final Executor FETCHERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "jadugar-dependency-check");
    t.setDaemon(true);
    return t;
  });

  private final Callable<T> fetch;
  private final long intervalNanos;
  private final AtomicReference<State<T>> state = new AtomicReference<>();
  /** The fetch under way, or null; guarded by {@code this}. */
  private CompletableFuture<State<T>> inFlight;
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
    State<T> s = state.get();
    if (s != null && System.nanoTime() - s.fetchedAt < intervalNanos) {
      return unwrap(s);
    }
    Fetch<T> f = fetching(s);
    if (s != null && !f.started()) {
      return unwrap(s); // another thread is fetching: the previous value is as good as it was a moment ago
    }
    return unwrap(await(f.future(), s));
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

  /** Fetches now, whatever the age of the last value (or waits for the fetch under way). */
  T refresh() {
    State<T> s = state.get();
    return unwrap(await(fetching(s).future(), s));
  }

  /** Replaces the value with {@code value}, fetched now. */
  void set(T value) {
    state.set(new State<>(value, null, System.nanoTime()));
  }

  /**
   * The fetch under way, or a new one; or, if a fetch ended since the caller saw {@code seen}, that
   * fetch's state (a caller that read the old state just before it was replaced must not fetch again).
   */
  private synchronized Fetch<T> fetching(State<T> seen) {
    if (inFlight != null) {
      return new Fetch<>(inFlight, false);
    }
    State<T> now = state.get();
    if (now != seen) {
      return new Fetch<>(CompletableFuture.completedFuture(now), true);
    }
    CompletableFuture<State<T>> f = new CompletableFuture<>();
    inFlight = f;
    FETCHERS.execute(() -> {
      State<T> s = fetchNow();
      synchronized (this) { // with inFlight: a caller sees either the fetch under way or its state
        state.set(s);
        inFlight = null;
      }
      f.complete(s);
    });
    return new Fetch<>(f, true);
  }

  /** What {@code f} fetched, waiting at most {@link #WAIT}; after that a failure, remembered unless a fetch ended since {@code before}. */
  private State<T> await(CompletableFuture<State<T>> f, State<T> before) {
    try {
      return f.get(WAIT.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      State<T> failed = new State<>(null, new IllegalStateException("no answer within " + WAIT.toMillis()
          + " ms (the check goes on in the background)", e), System.nanoTime());
      state.compareAndSet(before, failed);
      return failed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new State<>(null, new IllegalStateException("interrupted while waiting for the check", e), System.nanoTime());
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause()); // fetchNow catches everything: not reached
    }
  }

  private State<T> fetchNow() {
    try {
      return new State<>(fetch.call(), null, System.nanoTime());
    } catch (RuntimeException e) {
      return new State<>(null, e, System.nanoTime());
    } catch (Exception | Error e) {
      // an Error too: the callers waiting for this fetch must hear of it, and the next one must start
      return new State<>(null, new IllegalStateException(e.toString(), e), System.nanoTime());
    }
  }

  private static <T> T unwrap(State<T> s) {
    if (s.error != null) {
      throw s.error;
    }
    return s.value;
  }
}
