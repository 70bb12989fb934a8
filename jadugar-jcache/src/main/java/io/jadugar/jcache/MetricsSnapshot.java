package io.jadugar.jcache;

import java.time.Instant;
import java.util.Map;

/**
 * A cache's metrics at one moment, as {@link JadugarCache#metrics} gives them. Like JSR-107's
 * statistics, latency and the hit, miss, put, removal and eviction counts are recorded only while
 * statistics are enabled (a hit then costs two clock reads); corrupt entries, errors and round trips
 * are always counted, on striped counters, where they happen. The memory figures are read when the
 * snapshot is taken, never on an operation's path.
 *
 * @param cache the cache's name
 * @param latency per kind of operation ({@code get}, {@code put}, {@code remove}; a batch is one)
 * @param hits reads that found their entry
 * @param misses reads that did not
 * @param puts entries written
 * @param removals entries removed
 * @param evictions entries the store's bound dropped
 * @param corruptEntries stored entries that did not decode and counted as misses
 * @param errors failures since the cache started, by kind: {@code store} (a request to a server
 *     failed or could not be sent: refused, timed out, outcome unknown, server down, cache manager
 *     disconnected; counted by the store per failed request, also when failure mode {@code miss}
 *     answers a read as a miss), {@code writer} (the {@code CacheWriter} threw), {@code loader} (the
 *     {@code CacheLoader} threw), {@code processor} (an {@code EntryProcessor} threw; a loader
 *     failure inside it counts as {@code loader})
 * @param roundTrips exchanges with the store's servers since the cache started: on Redis a command,
 *     a script call, or a pipeline (a batch) per master it reaches; on memcached a request, or
 *     requests sent together to one server (a multi-get, a batch's writes, an operation with the
 *     generation read behind it) per server. 0 on the memory store
 * @param estimatedBytes the heap this cache's entries take in this JVM, estimated (the memory store:
 *     the weigher's weighted size if it has one, else the entries times the mean estimated size of a
 *     sample of them, the store's own bookkeeping included), or {@code null} on a remote store
 * @param serverBytes the memory in use the servers report, summed over them (Redis {@code
 *     used_memory} of every master, memcached {@code bytes} of every server): a server-wide figure
 *     that includes everything else they hold; {@code null} on the memory store, and when a server
 *     did not answer in time
 * @param writer what the cache's {@code CacheWriter} reports of its own work when it is a
 *     {@link WriterMetrics} (a write-back: {@code pending}, {@code oldestPendingAgeMillis},
 *     {@code retries}, {@code deadLetters}...), else empty
 * @param at when the snapshot was taken
 */
public record MetricsSnapshot(String cache, Map<String, LatencySnapshot> latency, long hits, long misses,
    long puts, long removals, long evictions, long corruptEntries, Map<String, Long> errors, long roundTrips,
    Long estimatedBytes, Long serverBytes, Map<String, Long> writer, Instant at) {

  /** The kinds of error counted, in the order {@link #errors} lists them. */
  public static final java.util.List<String> ERROR_KINDS = java.util.List.of("store", "writer", "loader", "processor");
}
