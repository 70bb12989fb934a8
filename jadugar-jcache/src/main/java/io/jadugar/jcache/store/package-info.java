/**
 * What the remote stores share: the per-server record of connection state and last errors that
 * their health checks report and their state listeners hear, and the per-cache counters of round
 * trips and failed requests behind the metrics. Each store lives in a subpackage.
 */
package io.jadugar.jcache.store;
