/**
 * What follows a store's commit, once, whatever the operation: statistics, the events of what a
 * compute found and changed; and what the store reports on its own (expiry, changes made by
 * other JVMs, evictions). Internal to the engine: not an API.
 */
package io.jadugar.jcache.engine.completion;
