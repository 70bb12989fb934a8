/**
 * Tests of health reports, the cache manager's connect/disconnect and store state events, against
 * real servers started on loopback ports: a single {@code redis-server}, a 3-master Redis Cluster,
 * one and three memcached servers, and the embedded memory store.
 */
package io.jadugar.jcache.health;
