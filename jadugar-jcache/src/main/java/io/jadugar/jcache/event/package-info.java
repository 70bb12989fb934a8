/**
 * Entry events: listener registrations, filters, and delivery to synchronous listeners (before the
 * operation returns) and asynchronous ones (in order per listener, on a separate thread).
 */
package io.jadugar.jcache.event;
