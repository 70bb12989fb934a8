/**
 * Configuration: the typed settings a cache manager and its caches accept, their validation with
 * errors that name the key, the value and what is allowed, and Jadugar's own cache configuration
 * class that completes {@link javax.cache.configuration.MutableConfiguration}.
 */
package io.jadugar.jcache.configuration;
