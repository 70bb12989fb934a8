/**
 * Read-through and {@code loadAll}: calling the cache's loader, storing what it loads (created if
 * absent, replaced only when asked; never a put, never the writer), and letting close() wait for
 * a running load. Internal to the engine: not an API.
 */
package io.jadugar.jcache.engine.loading;
