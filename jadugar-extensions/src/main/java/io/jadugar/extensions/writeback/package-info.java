/**
 * Write-back: a cache's writes return once they are durable in a journal, and the user's
 * {@code CacheWriter} receives them later, in batches, coalesced and in order per key, retried with
 * backoff, and kept as dead letters when they keep failing; a JVM killed at any moment loses none of
 * them. {@link io.jadugar.extensions.writeback.WriteBack} is the entry point.
 */
package io.jadugar.extensions.writeback;
