/**
 * Management: the JSR-107 statistics ({@link javax.cache.management.CacheStatisticsMXBean}) and
 * configuration ({@link javax.cache.management.CacheMXBean}) beans and their registration under the
 * standard {@code javax.cache:type=...} object names; Jadugar's metrics bean
 * ({@link io.jadugar.jcache.management.CacheMetricsMXBean}) under {@code io.jadugar:type=CacheMetrics,...};
 * the latency histograms behind both.
 */
package io.jadugar.jcache.management;
