/**
 * The engine: every JSR-107 cache operation, written once over the store SPI. It never names a
 * store; expiry, events, statistics, loaders, writers and entry processors all live here.
 * {@link io.jadugar.jcache.engine.EngineCache} is the cache; its parts are in the sub-packages
 * {@code core}, {@code operation}, {@code loading}, {@code completion} and {@code vendor}.
 */
package io.jadugar.jcache.engine;
