/** Tests of the memcached store against real memcached processes started on loopback ports. */
package io.jadugar.jcache.store.memcached;
