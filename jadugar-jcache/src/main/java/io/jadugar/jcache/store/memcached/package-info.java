/**
 * The {@code memcached} store: caches on one or many memcached servers, spread by consistent
 * hashing (ketama), atomic across JVMs through {@code gets}/{@code cas}.
 *
 * <p>{@link io.jadugar.jcache.store.memcached.MemcachedStoreFactory} is the only class that is
 * loaded without the memcached client library on the class path; every other class here uses it.
 */
package io.jadugar.jcache.store.memcached;
