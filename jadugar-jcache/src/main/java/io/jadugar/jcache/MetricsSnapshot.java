package io.jadugar.jcache;

import java.time.Instant;
import java.util.Map;

/**
 * A cache's metrics at one moment, as {@link JadugarCache#metrics} gives them. Like JSR-107's
 * statistics they are recorded only while statistics are enabled (a hit then costs two clock
 * reads); corrupt entries are always counted.
 *
 * @param cache the cache's name
 * @param latency per kind of operation ({@code get}, {@code put}, {@code remove}; a batch is one)
 * @param hits reads that found their entry
 * @param misses reads that did not
 * @param puts entries written
 * @param removals entries removed
 * @param evictions entries the store's bound dropped
 * @param corruptEntries stored entries that did not decode and counted as misses
 * @param at when the snapshot was taken
 */
public record MetricsSnapshot(String cache, Map<String, LatencySnapshot> latency, long hits, long misses,
    long puts, long removals, long evictions, long corruptEntries, Instant at) {}
