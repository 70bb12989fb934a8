/** The store-side key lock on every store that needs one: exclusion across JVMs, leases, ownership, invisibility. */
package io.jadugar.jcache.store.lease;
