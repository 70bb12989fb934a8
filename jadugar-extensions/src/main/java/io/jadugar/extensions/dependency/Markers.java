package io.jadugar.extensions.dependency;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.cache.Cache;

/**
 * The invalidation markers: one random token per source in the companion cache, in the same store
 * as the entries, so every JVM sees it. A dependency captures its source's token when made and is
 * valid while the token is the same; {@code invalidate} writes a new one. A missing token (evicted,
 * cleared) makes every dependency on the source invalid: there is no "version 0" to fall back to.
 * Each JVM reads a token at most once per interval, shared by all dependencies on the source.
 */
final class Markers {

  private final Cache<String, String> store;
  private final long intervalNanos;
  private final ConcurrentMap<String, RateLimited<String>> seen = new ConcurrentHashMap<>();

  Markers(Cache<String, String> store, long intervalNanos) {
    this.store = store;
    this.intervalNanos = intervalNanos;
  }

  /** The token of {@code key} as last read (at most an interval ago), or {@code null} if there is none. */
  String current(String key) {
    return watch(key).get();
  }

  /** Whether {@code token} is the current token of {@code key} (see {@link RateLimited#matches}). */
  boolean isCurrent(String key, String token) {
    return watch(key).matches(token);
  }

  /** The token to capture for a new dependency: the current one, made now if there is none. */
  String forWrite(String key) {
    String t = current(key);
    if (t != null) {
      return t;
    }
    store.putIfAbsent(key, UUID.randomUUID().toString());
    t = watch(key).refresh();
    if (t == null) {
      throw new IllegalStateException("The dependency marker " + key + " in cache " + store.getName()
          + " vanished right after it was written");
    }
    return t;
  }

  /** Gives {@code key} a new token: every dependency that captured an older one is invalid. */
  void invalidate(String key) {
    String t = UUID.randomUUID().toString();
    store.put(key, t);
    watch(key).set(t);
  }

  private RateLimited<String> watch(String key) {
    return seen.computeIfAbsent(key, k -> new RateLimited<>(intervalNanos, () -> store.get(k)));
  }
}
