/**
 * Key locks held by a lease in a remote store, for stores whose compute may retry: one thread per
 * JVM and key asks the server, the lease is renewed while held and ends by itself if its JVM dies.
 */
package io.jadugar.jcache.store.lease;
