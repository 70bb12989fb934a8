/**
 * The engine's side of the vendor API beyond the standard operations: {@code getEntry} with its
 * metadata, validity checks, vendor listeners (with the store's connection going down and up),
 * health and metrics. Internal to the engine: not an API.
 */
package io.jadugar.jcache.engine.vendor;
