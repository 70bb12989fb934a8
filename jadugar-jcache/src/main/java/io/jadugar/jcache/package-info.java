/**
 * Jadugar's JSR-107 entry points: the {@link javax.cache.spi.CachingProvider} that
 * {@link javax.cache.Caching} finds through {@code META-INF/services}, and its cache managers.
 */
package io.jadugar.jcache;
