/**
 * Management: the JSR-107 statistics ({@link javax.cache.management.CacheStatisticsMXBean}) and
 * configuration ({@link javax.cache.management.CacheMXBean}) beans and their registration under the
 * standard {@code javax.cache:type=...} object names.
 */
package io.jadugar.jcache.management;
