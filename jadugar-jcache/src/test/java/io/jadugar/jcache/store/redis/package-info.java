/**
 * Tests of the Redis store against real servers that the tests start on loopback ports: a single
 * {@code redis-server}, a 3-master Cluster, TLS, a password and an ACL user, Sentinel, and a second
 * JVM for the cross-JVM tests.
 */
package io.jadugar.jcache.store.redis;
