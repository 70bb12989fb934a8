/**
 * The Redis store against Redisson's own JCache provider and raw Redisson, all on the same
 * {@code redis-server}, whose port {@code run.sh} passes in {@code -Dbench.redis.port}.
 */
package io.jadugar.benchmarks.redis;
