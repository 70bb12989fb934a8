/**
 * The memcached store against the raw client it is built on, on the same {@code memcached}, whose
 * port {@code run.sh} passes in {@code -Djadugar.bench.memcached.port}.
 */
package io.jadugar.benchmarks.memcached;
