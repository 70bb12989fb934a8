package io.jadugar.jcache.spi;

import io.jadugar.jcache.configuration.Settings;

/**
 * What a store needs to know about the cache it serves.
 *
 * @param cacheName the cache's name, part of the namespace of its keys in a shared store
 * @param settings the cache's validated settings (the manager's, overridden by the cache's own)
 * @param listener where the store reports entries it expired or evicted on its own
 * @param classLoader the cache's class loader
 * @param entriesExpire whether any entry can get an expiry time; when not, a store may skip its
 *     expiry machinery (every entry is then {@link StoreEntry#ETERNAL})
 */
public record StoreOptions(String cacheName, Settings settings, StoreListener listener,
    ClassLoader classLoader, boolean entriesExpire) {}
