/**
 * What every part of the engine shares: the cache's parts ({@link io.jadugar.jcache.engine.core.CacheCore}),
 * what one compute found ({@link io.jadugar.jcache.engine.core.Outcome}), the one definition of a
 * present entry ({@link io.jadugar.jcache.engine.core.Presence}), expiry times, and the reports
 * beyond JSR-107's events. Internal to the engine: not an API.
 */
package io.jadugar.jcache.engine.core;
