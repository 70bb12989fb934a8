/**
 * The Redis store, on Redisson: one Redis key per entry, conditional writes as Lua scripts, expiry
 * kept by Redis, changes published to the other JVMs. It only implements the store SPI; Redisson
 * is an optional dependency that only this package's client classes touch.
 */
package io.jadugar.jcache.store.redis;
