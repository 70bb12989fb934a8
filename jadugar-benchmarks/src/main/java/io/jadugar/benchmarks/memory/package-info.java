/**
 * The memory store's benchmarks: Jadugar's embedded store against the other in-heap JCache
 * providers (Caffeine's, Ehcache's, cache2k's) and the native Caffeine ceiling, for throughput
 * ({@link io.jadugar.benchmarks.memory.MemoryStoreBenchmark}) and memory per entry
 * ({@link io.jadugar.benchmarks.memory.Footprint}).
 */
package io.jadugar.benchmarks.memory;
