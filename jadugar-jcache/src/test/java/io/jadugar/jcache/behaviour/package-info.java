/**
 * Behaviour tests through the standard {@code javax.cache} API only: events and their order,
 * exact statistics, expiry timing, concurrency, store-by-value, read/write-through and closing.
 * They check what the TCK checks loosely or not at all.
 */
package io.jadugar.jcache.behaviour;
