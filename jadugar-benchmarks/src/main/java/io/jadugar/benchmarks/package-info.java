/**
 * JMH workloads that every cache under test runs through the same calls: {@link
 * io.jadugar.benchmarks.CacheWorkloads} holds the benchmarks, and each store family (the memory
 * store now; Redis and memcached later) adds a subclass that names its providers and opens them.
 */
package io.jadugar.benchmarks;
