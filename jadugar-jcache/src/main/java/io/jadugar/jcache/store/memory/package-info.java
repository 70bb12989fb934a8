/**
 * The embedded memory store, on Caffeine's core library: the zero-configuration default. It only
 * implements the store SPI.
 */
package io.jadugar.jcache.store.memory;
