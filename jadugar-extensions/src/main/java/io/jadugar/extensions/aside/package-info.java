/**
 * Cache-aside with single-flight loading: {@link io.jadugar.extensions.aside.CacheAside} loads a
 * missing key once per cache miss, across every JVM that shares the store, under a lease in the
 * store with fencing, so that a load that outlived its lease or raced a {@code set} or an
 * {@code invalidate} never leaves an older value behind. Soft and hard timeouts and a fail-safe
 * window of stale values are options, off by default.
 */
package io.jadugar.extensions.aside;
