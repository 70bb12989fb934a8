/**
 * The memcached store against the raw client it is built on, on the same {@code memcached}, whose
 * port {@code run.sh} passes in {@code -Dbench.memcached.port}.
 */
package io.jadugar.benchmarks.memcached;
