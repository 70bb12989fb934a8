/**
 * The engine: every JSR-107 cache operation, written once over the store SPI. It never names a
 * store; expiry, events, statistics, loaders, writers and entry processors all live here.
 */
package io.jadugar.jcache.engine;
